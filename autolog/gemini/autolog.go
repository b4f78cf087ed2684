package gemini

import (
	"net/http"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/defaulttransport"
)

func init() {
	autolog.Register("gemini", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// Autolog traces Gemini API calls made through http.DefaultTransport: those of
// google.golang.org/genai clients made with an API key and no HTTPClient of their own (or
// one without a transport), and of any *http.Client without a transport. It returns a
// function that undoes it. Calling it again changes the options without wrapping twice.
// Undoing takes exactly this adapter's wrapper off http.DefaultTransport, also when another
// adapter wrapped it since; if something else wrapped it since, the wrapper stays in place,
// switched off. Call it at start-up, before requests run.
//
// It cannot reach github.com/google/generative-ai-go: with option.WithAPIKey, the Google API
// client builds its transport from a copy of http.DefaultTransport's settings, not from
// http.DefaultTransport itself. Pass ClientOptions(key) to its NewClient instead. Nor does it
// reach a genai client with Vertex AI credentials, whose HTTP client carries its own
// authenticating transport: give that client HTTPClient's transport over it (NewTransport).
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("gemini.Autolog")
	return defaulttransport.Install("gemini", func(base http.RoundTripper) defaulttransport.Layer {
		return NewTransport(base, opts...)
	})
}

// Off makes the transport pass every request to its base untouched, for good. Autolog's undo
// calls it when the transport cannot be taken out of http.DefaultTransport.
func (t *Transport) Off() { t.off.Store(true) }
