package openai_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/internal/defaulttransport"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// autologServer answers like api.openai.com on a few paths.
func autologServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "req_autolog")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/chat/completions":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, chatResponse)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/files":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"object":"file","id":"file-7Xq2ZbN4vRkT9mWp1LsYd3","purpose":"batch","filename":"batch.jsonl","bytes":412,"created_at":1755866100,"status":"processed","status_details":null}`)
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "404 page not found\n")
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

type rawExchange struct {
	status int
	header http.Header
	body   string
}

// doDefault sends a request with http.DefaultClient, as the OpenAI clients do by default.
func doDefault(t *testing.T, method, url, body string) rawExchange {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	return rawExchange{resp.StatusCode, h, string(b)}
}

func TestAutolog(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	srv := autologServer(t)
	traces := tracetest.Capture(t)
	chatBody := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	others := []struct{ method, path, body string }{
		{http.MethodGet, "/v1/models", ""},
		{http.MethodPost, "/v1/files", `{"purpose":"batch"}`},
		{http.MethodPost, "/other", chatBody},
	}
	var before []rawExchange
	for _, o := range others {
		before = append(before, doDefault(t, o.method, srv.URL+o.path, o.body))
	}
	chatBefore := doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if n := len(traces.Traces()); n != 0 {
		t.Fatalf("%d traces before Autolog", n)
	}

	openai.Autolog(openai.WithCaptureContent(false))
	undo := openai.Autolog() // again: replaces the options, does not wrap twice
	if _, ok := http.DefaultTransport.(*openai.Transport); !ok || http.DefaultTransport == orig {
		t.Fatalf("http.DefaultTransport is %T", http.DefaultTransport)
	}

	got := doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if !reflect.DeepEqual(got, chatBefore) {
		t.Errorf("traced response %+v\nuntraced %+v", got, chatBefore)
	}
	ts := traces.Traces()
	if len(ts) != 1 {
		t.Fatalf("%d traces, want 1", len(ts))
	}
	if tree := tracetest.Tree(ts[0]); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("traced twice? tree:\n%s", tree)
	}
	span := ts[0].RootSpan()
	// The second call's options (content capture on by default) are the ones in force.
	checkJSON(t, "inputs", span.Inputs(), []byte(chatBody))
	checkJSON(t, "outputs", span.Outputs(), []byte(chatResponse))
	if p := span.StringAttribute(spantypes.KeyLLMProvider); p != "local" {
		t.Errorf("provider %q for an httptest server", p)
	}

	for i, o := range others {
		if got := doDefault(t, o.method, srv.URL+o.path, o.body); !reflect.DeepEqual(got, before[i]) {
			t.Errorf("%s %s: %+v\nwithout Autolog: %+v", o.method, o.path, got, before[i])
		}
	}
	if n := len(traces.Traces()); n != 1 {
		t.Errorf("%d traces after non-OpenAI requests, want 1", n)
	}

	undo()
	if http.DefaultTransport != orig {
		t.Fatalf("after undo http.DefaultTransport is %T %p, want the original %p", http.DefaultTransport, http.DefaultTransport, orig)
	}
	undo() // idempotent
	if http.DefaultTransport != orig {
		t.Fatal("a second undo changed http.DefaultTransport")
	}
	traces.Reset()
	if got := doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody); !reflect.DeepEqual(got, chatBefore) {
		t.Errorf("response after undo %+v", got)
	}
	if n := len(traces.Traces()); n != 0 {
		t.Errorf("%d traces after undo", n)
	}
}

// TestAutologWrappedAfterwards: something wraps http.DefaultTransport after Autolog; undo
// leaves the wrapper in place and the tracing in it switched off.
func TestAutologWrappedAfterwards(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	srv := autologServer(t)
	traces := tracetest.Capture(t)
	chatBody := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`

	undo := openai.Autolog()
	inner := http.DefaultTransport
	wrapper := roundTripFunc(func(r *http.Request) (*http.Response, error) { return inner.RoundTrip(r) })
	http.DefaultTransport = wrapper
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if n := len(traces.Traces()); n != 1 {
		t.Fatalf("%d traces through the wrapper, want 1", n)
	}
	undo()
	if _, ok := http.DefaultTransport.(roundTripFunc); !ok {
		t.Fatalf("undo replaced the wrapper with %T", http.DefaultTransport)
	}
	traces.Reset()
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if n := len(traces.Traces()); n != 0 {
		t.Errorf("%d traces after undo, want 0", n)
	}
	// Autolog again: wraps the wrapper, traced once.
	undo = openai.Autolog()
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if ts := traces.Traces(); len(ts) != 1 || tracetest.Tree(ts[0]) != "CHAT_MODEL Completions OK\n" {
		t.Errorf("%d traces after Autolog again", len(ts))
	}
	undo()
	if _, ok := http.DefaultTransport.(roundTripFunc); !ok {
		t.Errorf("undo left %T", http.DefaultTransport)
	}
}

// TestAutologEnable: the adapter is registered with autolog.Enable, whose options apply.
func TestAutologEnable(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	srv := autologServer(t)
	traces := tracetest.Capture(t)
	undo := autolog.Enable(autolog.WithCaptureContent(false))
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[]}`)
	undo()
	if http.DefaultTransport != orig {
		t.Errorf("after undo http.DefaultTransport is %T", http.DefaultTransport)
	}
	ts := traces.Traces()
	if len(ts) != 1 {
		t.Fatalf("%d traces", len(ts))
	}
	span := ts[0].RootSpan()
	if span.Inputs() != nil || span.Outputs() != nil {
		t.Errorf("content recorded with autolog.WithCaptureContent(false): %s / %s", span.Inputs(), span.Outputs())
	}
	if u, ok := span.TokenUsage(); !ok || u.TotalTokens != 49 {
		t.Errorf("usage %+v %v", u, ok)
	}
}

// passLayer is another adapter's layer on http.DefaultTransport (Gemini's, say).
type passLayer struct {
	next http.RoundTripper
	hits *int
}

func (p passLayer) RoundTrip(r *http.Request) (*http.Response, error) {
	*p.hits++
	return p.next.RoundTrip(r)
}

func (p passLayer) Off() {}

// TestAutologUndoUnderAnotherAdapter: another adapter wraps http.DefaultTransport after
// Autolog; undoing Autolog takes only its layer out, and undoing the other restores the
// original transport.
func TestAutologUndoUnderAnotherAdapter(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	srv := autologServer(t)
	traces := tracetest.Capture(t)
	chatBody := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`

	undo := openai.Autolog()
	hits := 0
	undoOther := defaulttransport.Install("other-test-adapter", func(base http.RoundTripper) defaulttransport.Layer {
		return passLayer{next: base, hits: &hits}
	})
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if n := len(traces.Traces()); n != 1 || hits != 1 {
		t.Fatalf("%d traces, %d passes through the other adapter; want 1, 1", n, hits)
	}
	undo()
	if _, ok := http.DefaultTransport.(passLayer); !ok {
		t.Fatalf("after undo http.DefaultTransport is %T, want the other adapter's layer", http.DefaultTransport)
	}
	if next := http.DefaultTransport.(passLayer).next; next != orig {
		t.Fatalf("the other adapter's layer wraps %T, want the original transport", next)
	}
	traces.Reset()
	doDefault(t, http.MethodPost, srv.URL+"/v1/chat/completions", chatBody)
	if n := len(traces.Traces()); n != 0 || hits != 2 {
		t.Errorf("after undo: %d traces, %d passes; want 0, 2", n, hits)
	}
	undoOther()
	if http.DefaultTransport != orig {
		t.Errorf("after both undos http.DefaultTransport is %T, not the original", http.DefaultTransport)
	}
}
