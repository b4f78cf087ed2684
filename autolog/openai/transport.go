package openai

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Transport is an http.RoundTripper that traces OpenAI API requests and passes everything
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

// HTTPClient returns an *http.Client whose requests are traced, for go-openai's
// ClientConfig.HTTPClient or any client that takes one.
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

func (t *Transport) baseTransport() http.RoundTripper {
	if t.base != nil {
		return t.base
	}
	return http.DefaultTransport
}

// RoundTrip traces req when it is an OpenAI API call and sends it on.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.off.Load() {
		return t.baseTransport().RoundTrip(req)
	}
	return roundTrip(&t.cfg, req, t.baseTransport().RoundTrip)
}

// roundTrip is the tracing shared by Transport and Middleware: next sends the request.
func roundTrip(cfg *config, req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	ep := classify(req)
	if ep == notTraced || !instrument.Tracing(req.Context()) {
		return next(req)
	}
	c := call{cfg: cfg, ep: ep, started: time.Now()}
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

// call is one traced request: its span (or the framework span it enriches). Reading the
// request and response bodies happens in export hooks, on the export goroutine, so that the
// caller's goroutine only copies bytes.
type call struct {
	cfg          *config
	ep           endpoint
	httptap.Call              // the span, whether it is ours, whether content is recorded
	stream       bool         // the request asked for a stream (a hint, for responses without a content type)
	enc          bodyEncoding // the response body's Content-Encoding
	encName      string       // as the header names it
	path         string
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
	body := rb.Text
	c.stream = strings.Contains(body, `"stream":true`) || strings.Contains(body, `"stream": true`)
	c.path = req.URL.Path
	c.Content = instrument.CaptureContent() && (c.cfg.captureContent == nil || *c.cfg.captureContent)

	ctx, ok := c.Open(ctx, c.ep.spanName(), c.ep.spanType(), req, rb)
	if !ok {
		return httptap.WithBody(req.WithContext(ctx), req, rb), false
	}
	provider := c.cfg.provider
	if provider == "" {
		provider = providerOf(req)
	}
	quoted := jsonenc.String(provider)
	instrument.SetRawAttribute(c.Span, spantypes.KeyMessageFormat, `"openai"`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyLLMProvider, quoted)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIProviderName, quoted)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIOperationName, c.ep.operationJSON())
	instrument.OnExport(c.Span, c.requestHook(rb))
	// A shallow copy is enough: only its context and body change.
	return httptap.WithBody(req.WithContext(ctx), req, rb), true
}
