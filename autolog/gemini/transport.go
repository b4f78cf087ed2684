package gemini

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Kinds of this adapter's own failures (instrument.ReportError).
const (
	panicKind    = "autolog/gemini: response panic"
	notJSONKind  = "autolog/gemini: response not JSON"
	chunkKind    = "autolog/gemini: stream chunk"
	tooLargeKind = "autolog/gemini: stream too large"
)

// Transport is an http.RoundTripper that traces Gemini API requests and passes everything
// through to its base transport unchanged. It is safe for concurrent use.
type Transport struct {
	base http.RoundTripper
	cfg  config
	off  atomic.Bool // set when Autolog is undone but the transport stays wrapped by another
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport over base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper, opts ...Option) *Transport {
	return &Transport{base: base, cfg: newConfig(opts)}
}

// HTTPClient returns an *http.Client whose Gemini requests are traced, for
// genai.ClientConfig.HTTPClient or any client that takes one.
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

func (t *Transport) baseTransport() http.RoundTripper {
	if t.base != nil {
		return t.base
	}
	return http.DefaultTransport
}

// RoundTrip traces req when it is a Gemini API call and sends it on.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.off.Load() {
		return t.baseTransport().RoundTrip(req)
	}
	return roundTrip(&t.cfg, req, t.baseTransport().RoundTrip)
}

// tracedKey marks a request context this adapter already traces, so that a second
// Transport below the first (an explicit client over an Autolog-wrapped
// http.DefaultTransport) passes it through instead of recording the call twice.
type tracedKey struct{}

func roundTrip(cfg *config, req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	r := classify(req)
	if r.ep == notTraced || req.Context().Value(tracedKey{}) != nil || !instrument.Tracing(req.Context()) {
		return next(req)
	}
	c := call{cfg: cfg, route: r, started: time.Now()}
	req, ok := c.start(req)
	if !ok {
		return next(req)
	}
	resp, err := next(req)
	if err != nil {
		c.Fail(err)
		return resp, err
	}
	c.response(resp)
	return resp, nil
}

// call is one traced request: its span (or the framework span it enriches). The request
// and response bodies are read in export hooks, on the export goroutine, so that the
// caller's goroutine only copies bytes.
type call struct {
	cfg          *config
	route        route
	httptap.Call // the span, whether it is ours, whether content is recorded
	started      time.Time
}

// start reads the request and opens the span. It returns the request to send, which carries
// the span in its context, and false when the call cannot be traced (the request is then
// sent as it came, body included).
func (c *call) start(req *http.Request) (*http.Request, bool) {
	ctx := req.Context()
	rb, err := httptap.ReadRequestBody(req, httptap.RequestReadLimit())
	if err != nil {
		// The body could not be read: let the base transport meet the same failure.
		return httptap.WithFailingBody(req, rb.Text, err), false
	}
	c.Content = instrument.CaptureContent() && (c.cfg.captureContent == nil || *c.cfg.captureContent)
	ctx = context.WithValue(ctx, tracedKey{}, true)

	ctx, ok := c.Open(ctx, c.route.ep.spanName(), c.route.ep.spanType(), req, rb)
	if !ok {
		return httptap.WithBody(req.WithContext(ctx), req, rb), false
	}
	mlflowProvider, genAIProvider := c.route.provider()
	model := jsonenc.String(c.route.model)
	instrument.SetRawAttribute(c.Span, spantypes.KeyMessageFormat, `"gemini"`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyLLMProvider, mlflowProvider)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIProviderName, genAIProvider)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIOperationName, c.route.ep.operationJSON())
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIRequestModel, model)
	instrument.OnExport(c.Span, c.requestHook(rb, model))
	// A shallow copy is enough: only its context and body change.
	return httptap.WithBody(req.WithContext(ctx), req, rb), true
}
