package gemini_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genai"
)

// testKey is the API key the tests' clients send; it must never reach a trace.
const testKey = "AIzaSyAgentlensFAKEgeminiKey0123456789"

// reply is one answer of the fake Gemini server, in Gemini's wire format (generated here,
// not recorded).
type reply struct {
	status int
	header map[string]string
	body   string   // written at once
	chunks []string // or written and flushed one by one
	hold   bool     // after the chunks, keep the stream open until the client goes away
}

// received is a request as the fake server saw it.
type received struct {
	method, path, query string
	header              http.Header
	body                string
}

// fakeGemini answers requests with its replies in order, and keeps what it received.
type fakeGemini struct {
	t       testing.TB
	mu      sync.Mutex
	replies []reply
	got     []received
}

func newFake(t testing.TB, replies ...reply) (*fakeGemini, *httptest.Server) {
	f := &fakeGemini{t: t, replies: replies}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGemini) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.got...)
}

func (f *fakeGemini) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.got = append(f.got, received{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
	if len(f.replies) == 0 {
		f.mu.Unlock()
		http.Error(w, "fake Gemini: no reply left", http.StatusTeapot)
		return
	}
	rp := f.replies[0]
	f.replies = f.replies[1:]
	f.mu.Unlock()
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	}
	status := rp.status
	if status == 0 {
		status = http.StatusOK
	}
	if rp.chunks == nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(rp.body)))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, rp.body)
		return
	}
	w.WriteHeader(status)
	for _, c := range rp.chunks {
		_, _ = io.WriteString(w, c)
		w.(http.Flusher).Flush()
	}
	if rp.hold {
		<-r.Context().Done()
	}
}

// sse frames payloads as Gemini's alt=sse stream does: "data: <json>\r\n\r\n".
func sse(payloads ...string) reply {
	chunks := make([]string, len(payloads))
	for i, p := range payloads {
		chunks[i] = "data: " + p + "\r\n\r\n"
	}
	return reply{header: map[string]string{"Content-Type": "text/event-stream"}, chunks: chunks}
}

// jsonArray frames payloads as Gemini's REST stream without alt=sse does: one JSON array
// whose elements are written one by one ("[{...}\n,\r\n{...}\n]").
func jsonArray(payloads ...string) reply {
	chunks := make([]string, len(payloads))
	for i, p := range payloads {
		switch {
		case i == 0:
			chunks[i] = "[" + p
		default:
			chunks[i] = "\n,\r\n" + p
		}
	}
	chunks[len(chunks)-1] += "\n]"
	return reply{chunks: chunks}
}

// genaiClient returns a google.golang.org/genai client for the Gemini API at srv.
func genaiClient(t testing.TB, srv *httptest.Server, hc *http.Client) *genai.Client {
	t.Helper()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:      testKey,
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
