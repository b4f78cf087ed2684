package langchaingo

import (
	"net/http"
	"strings"
	"sync"

	lcghttp "github.com/tmc/langchaingo/httputil"

	"github.com/agentlens/agentlens/autolog"
	anthadapter "github.com/agentlens/agentlens/autolog/anthropic"
	oaiadapter "github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
)

func init() {
	autolog.Register("langchaingo", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// bridge hands the HTTP adapter below the span a request belongs to. The handler's model
// span is not in the context langchaingo's LLM sends its request with (callbacks cannot
// return one), but that context is the very one the handler saw, so the bridge finds the
// open span by it and puts it in the request's context: the OpenAI adapter then enriches
// the model span instead of adding one, and an embeddings call nests under the retriever
// or chain it belongs to.
type bridge struct {
	next http.RoundTripper
}

func (b *bridge) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if c, _ := ctx.Value(claimKey{}).(*claim); c != nil && c.kind == kindLLM {
		c.http.Store(true)
	}
	if instrument.Tracing(ctx) {
		if span := state.spanForRequest(ctx, isModelCall(req)); span != nil {
			req = req.WithContext(core.ContextWithSpan(ctx, span))
		}
	}
	return b.next.RoundTrip(req)
}

// TracesHTTP tells the Anthropic adapter's Autolog (internal/lcgdefault) that the bridge
// runs it already, under the framework's spans: it must not wrap the bridge from outside.
func (b *bridge) TracesHTTP(adapter string) bool {
	return adapter == "openai" || adapter == "anthropic"
}

// isModelCall reports whether a request generates content (as opposed to embeddings and
// other API calls).
func isModelCall(req *http.Request) bool {
	p := req.URL.Path
	return !strings.HasSuffix(p, "/embeddings") && !strings.Contains(p, "embedContent") && !strings.HasSuffix(p, "/models")
}

// NewTransport returns the transport to give langchaingo LLMs that take an *http.Client of
// yours (openai.WithHTTPClient, anthropic.WithHTTPClient): OpenAI API calls over base
// (http.DefaultTransport when nil) are traced by the OpenAI adapter, Anthropic Messages API
// calls by the Anthropic adapter, and a call made under one of this package's spans
// enriches that span instead of adding a second model span.
func NewTransport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	cfg := newConfig(opts)
	var oaiOpts []oaiadapter.Option
	var anthOpts []anthadapter.Option
	if cfg.captureContent != nil {
		oaiOpts = []oaiadapter.Option{oaiadapter.WithCaptureContent(*cfg.captureContent)}
		anthOpts = []anthadapter.Option{anthadapter.WithCaptureContent(*cfg.captureContent)}
	}
	return &bridge{next: oaiadapter.NewTransport(anthadapter.NewTransport(base, anthOpts...), oaiOpts...)}
}

// global is what Autolog installed.
var global struct {
	mu        sync.Mutex
	installed *bridge           // the bridge set as httputil.DefaultTransport's inner transport
	prev      http.RoundTripper // the inner transport before
}

// Autolog makes the HTTP calls of langchaingo's OpenAI-compatible and Anthropic LLMs and
// embedders that use langchaingo's default HTTP client (httputil.DefaultClient: every one
// not given a client of yours) visible: it sets the inner transport of
// httputil.DefaultTransport, which copied http.DefaultTransport when the program started (so
// wrapping http.DefaultTransport, as openai.Autolog does, is invisible to them). Each API call becomes a model span, or
// enriches the span of this package's handler or wrappers that is open for it. It returns a
// function that restores the previous transport. Calling it again changes the options.
// Call it at start-up, before requests run: the inner transport is a plain field.
//
// The tree above the model calls (chains, agents, tools, retrievers) needs the handler or
// the wrappers: see the package doc.
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("langchaingo.Autolog")
	t, ok := lcghttp.DefaultTransport.(*lcghttp.Transport)
	if !ok {
		instrument.ReportError("autolog/langchaingo: foreign transport", errForeignTransport)
		return func() {}
	}
	global.mu.Lock()
	defer global.mu.Unlock()
	base := t.Transport
	if global.installed != nil && t.Transport == global.installed {
		base = global.prev
	} else {
		global.prev = base
	}
	b := NewTransport(base, opts...).(*bridge)
	t.Transport = b
	global.installed = b
	return func() { unautolog(t, b) }
}

// unautolog restores the inner transport if it is still b's.
func unautolog(t *lcghttp.Transport, b *bridge) {
	global.mu.Lock()
	defer global.mu.Unlock()
	if global.installed != b {
		return
	}
	if t.Transport == b {
		t.Transport = global.prev
	}
	global.installed, global.prev = nil, nil
}

type foreignTransportError struct{}

func (foreignTransportError) Error() string {
	return "langchaingo httputil.DefaultTransport was replaced by the program; Autolog left it alone (use NewTransport with your client)"
}

var errForeignTransport error = foreignTransportError{}
