package openai

import (
	"net/http"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/defaulttransport"
)

func init() {
	autolog.Register("openai", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// Autolog traces OpenAI API calls made through http.DefaultTransport, which go-openai's and
// openai-go's default clients (and any *http.Client without a transport of its own) use. It
// returns a function that undoes it. Calling it again changes the options without wrapping
// twice. Undoing takes exactly this adapter's wrapper off http.DefaultTransport, also when
// another adapter wrapped it since; if something else wrapped it since, the wrapper stays in
// place, switched off. Call it at start-up, before requests run.
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("openai.Autolog")
	return defaulttransport.Install("openai", func(base http.RoundTripper) defaulttransport.Layer {
		return NewTransport(base, opts...)
	})
}

// Off makes the transport pass every request to its base untouched, for good. Autolog's undo
// calls it when the transport cannot be taken out of http.DefaultTransport.
func (t *Transport) Off() { t.off.Store(true) }

// Middleware returns an openai-go middleware (option.WithMiddleware(openai.Middleware()))
// that traces the client's calls.
func Middleware(opts ...Option) func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	cfg := newConfig(opts)
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return roundTrip(&cfg, req, next)
	}
}
