package anthropic

import (
	"net/http"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/spantypes"
)

// Kinds of this adapter's own failures (instrument.ReportError).
const (
	panicKind    = "autolog/anthropic: response panic"
	notJSONKind  = "autolog/anthropic: response not JSON"
	chunkKind    = "autolog/anthropic: stream event"
	tooLargeKind = "autolog/anthropic: stream too large"
)

// Transport is an http.RoundTripper that traces Anthropic Messages API requests and passes
// everything through to its base transport unchanged. It is safe for concurrent use.
type Transport struct{ tap *httptap.Tap }

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport over base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper, opts ...Option) *Transport {
	cfg := newConfig(opts)
	return &Transport{tap: httptap.NewTap(base, func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return roundTrip(&cfg, req, next)
	})}
}

// HTTPClient returns an *http.Client whose Messages API requests are traced, for
// anthropic-sdk-go's option.WithHTTPClient, langchaingo's anthropic.WithHTTPClient or any
// client that takes one.
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

// RoundTrip traces req when it is a Messages API call and sends it on.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) { return t.tap.RoundTrip(req) }

// tracedKey marks a request context this adapter already traces, so that a second
// Transport below the first (Middleware over an Autolog-wrapped http.DefaultTransport, say)
// passes it through instead of recording the call twice.
type tracedKey struct{}

// roundTrip is the tracing shared by Transport and Middleware: next sends the request.
func roundTrip(cfg *config, req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	if !traced(req) || req.Context().Value(tracedKey{}) != nil || !instrument.Tracing(req.Context()) {
		return next(req)
	}
	c := &call{cfg: cfg, started: time.Now()}
	return httptap.Send(req, next, c.start, c.Fail, c.response)
}

// call is one traced request: its span (or the framework span it enriches). The request
// and response bodies are read in export hooks, on the export goroutine, so that the
// caller's goroutine only copies bytes.
type call struct {
	cfg          *config
	httptap.Call      // the span, whether it is ours, whether content is recorded
	stream       bool // the request asked for a stream (a hint, for responses without a content type)
	started      time.Time
}

// start reads the request and opens the span. It returns the request to send, which carries
// the span in its context, and false when the call cannot be traced (the request is then
// sent as it came, body included).
func (c *call) start(req *http.Request) (*http.Request, bool) {
	content := c.cfg.captureContent == nil || *c.cfg.captureContent
	out, rb, ok := c.Begin(req, spanName, spantypes.ChatModel, content, tracedKey{})
	if !ok {
		return out, false
	}
	c.stream = strings.Contains(rb.Text, `"stream":true`) || strings.Contains(rb.Text, `"stream": true`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyMessageFormat, `"anthropic"`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyLLMProvider, `"anthropic"`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIProviderName, `"anthropic"`)
	instrument.SetRawAttribute(c.Span, spantypes.KeyGenAIOperationName, `"chat"`)
	instrument.OnExport(c.Span, c.requestHook(rb))
	return out, true
}
