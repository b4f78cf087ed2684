package anthropic

import (
	"errors"
	"net/http"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/defaulttransport"
	"github.com/agentlens/agentlens/internal/lcgdefault"
)

func init() {
	autolog.Register("anthropic", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// Autolog traces Messages API calls made through http.DefaultTransport, which
// anthropic-sdk-go's clients made without option.WithHTTPClient use (and any *http.Client
// without a transport), and through langchaingo's default HTTP client, which langchaingo's
// Anthropic LLM uses when given no client. It returns a function that undoes it. Calling it
// again changes the options without wrapping twice. Undoing takes exactly this adapter's
// wrapper off http.DefaultTransport, also when another adapter wrapped it since; if
// something else wrapped it since, the wrapper stays in place, switched off.
//
// Call it at start-up, before making clients: anthropic.NewClient gives its client a copy of
// http.DefaultTransport when that is still a plain *http.Transport, which no later wrapping
// reaches. (A client made after Autolog sends through the wrapped http.DefaultTransport.)
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("anthropic.Autolog")
	layer := func(base http.RoundTripper) defaulttransport.Layer { return NewTransport(base, opts...) }
	undoDefault := defaulttransport.Install("anthropic", layer)
	undoLangchaingo, ok := lcgdefault.Install("anthropic", layer)
	if !ok {
		instrument.ReportError("autolog/anthropic: foreign langchaingo transport", errForeignTransport)
	}
	return func() {
		undoLangchaingo()
		undoDefault()
	}
}

var errForeignTransport = errors.New("langchaingo's httputil.DefaultTransport was replaced by the program: its Anthropic calls are not traced unless its client's transport is this adapter's (NewTransport)")

// Off makes the transport pass every request to its base untouched, for good. Autolog's undo
// calls it when the transport cannot be taken out of the transport it wraps.
func (t *Transport) Off() { t.tap.Off() }

// Middleware returns an anthropic-sdk-go middleware (option.WithMiddleware(anthropic.Middleware()))
// that traces the client's Messages API calls. Each attempt the SDK makes (it retries 429,
// 529 and connection errors twice by default) is a span of its own.
func Middleware(opts ...Option) func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	cfg := newConfig(opts)
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return roundTrip(&cfg, req, next)
	}
}
