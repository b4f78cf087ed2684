package anthropic_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// testKey is the API key the tests' clients send; it must never reach a trace.
const testKey = "sk-ant-api03-agentlensFAKEkeyFAKEkeyFAKEkey0123456789"

// answer is one response of the fake Messages API, in Anthropic's wire format (generated
// here, not recorded; headers, framing and field order as in langchaingo's real
// recordings): a JSON body, or server-sent events written and flushed one by one.
type answer struct {
	status int
	body   string   // a JSON body
	events []string // or framed events (sseEvent), flushed one by one
	hold   bool     // after the events, keep the stream open until the client goes away
}

// sseEvent frames one event as the API does: "event: <type>\ndata: <json>\n\n".
func sseEvent(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }

// stream frames the events of a streamed message: each pair is a type and its data.
func stream(pairs ...string) answer {
	var evs []string
	for i := 0; i+1 < len(pairs); i += 2 {
		evs = append(evs, sseEvent(pairs[i], pairs[i+1]))
	}
	return answer{events: evs}
}

// apiErrorBody is the body of an HTTP error, as the API writes it.
func apiErrorBody(typ, msg string) string {
	b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": msg}})
	return string(b)
}

// fakeAPI answers requests with its answers in order, and keeps the bodies it received.
type fakeAPI struct {
	mu      sync.Mutex
	answers []answer
	bodies  []string
	paths   []string
	keys    []string
}

func newFakeAPI(t testing.TB, answers ...answer) (*fakeAPI, *httptest.Server) {
	f := &fakeAPI{answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAPI) received() (paths, bodies []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...), append([]string(nil), f.bodies...)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.Path)
	f.bodies = append(f.bodies, string(body))
	f.keys = append(f.keys, r.Header.Get("X-Api-Key"))
	if len(f.answers) == 0 {
		f.mu.Unlock()
		http.Error(w, apiErrorBody("not_found_error", "fake Anthropic API: no answer left"), http.StatusNotFound)
		return
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	f.mu.Unlock()
	h := w.Header()
	h.Set("Anthropic-Organization-Id", "00000000-0000-4000-8000-000000000000")
	h.Set("Request-Id", "req_011AgentlensFakeRequest01")
	h.Set("X-Should-Retry", "false")
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	if a.events == nil {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, a.body)
		return
	}
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	for _, ev := range a.events {
		_, _ = io.WriteString(w, ev)
		w.(http.Flusher).Flush()
	}
	if a.hold {
		<-r.Context().Done()
	}
}

// newClient returns an anthropic-sdk-go client for srv that does not retry (a retried 429
// would sleep), with opts (a traced HTTP client, a middleware).
func newClient(srv *httptest.Server, opts ...option.RequestOption) sdk.Client {
	return sdk.NewClient(append([]option.RequestOption{
		option.WithAPIKey(testKey), option.WithBaseURL(srv.URL), option.WithMaxRetries(0),
	}, opts...)...)
}
