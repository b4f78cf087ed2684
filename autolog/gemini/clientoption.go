package gemini

import (
	"net/http"
	"net/url"

	"google.golang.org/api/option"
)

// ClientOptions returns the options that make a github.com/google/generative-ai-go client
// trace its calls and authenticate with apiKey:
//
//	client, err := genai.NewClient(ctx, gemini.ClientOptions(os.Getenv("GEMINI_API_KEY"))...)
//
// Autolog cannot reach that client (see Autolog), and the Google API client adds no key to
// the requests of an HTTP client it is given, so this client adds it, as the x-goog-api-key
// header (the key never appears in a URL). The key is not recorded.
func ClientOptions(apiKey string, opts ...Option) []option.ClientOption {
	return []option.ClientOption{
		option.WithHTTPClient(&http.Client{Transport: NewTransport(keyTransport{key: apiKey}, opts...)}),
		option.WithAPIKey(apiKey),
	}
}

// keyTransport adds an API key to requests that carry none, and sends them through
// http.DefaultTransport.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if k.key != "" && req.Header.Get("x-goog-api-key") == "" && !hasKeyParam(req.URL) {
		r := req.Clone(req.Context())
		r.Header.Set("x-goog-api-key", k.key)
		// Clone shares the body; the original request's body is the one to send.
		r.Body, r.GetBody = req.Body, req.GetBody
		req = r
	}
	return http.DefaultTransport.RoundTrip(req)
}

func hasKeyParam(u *url.URL) bool {
	return u != nil && u.Query().Has("key")
}
