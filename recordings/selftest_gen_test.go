package recordings

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// TestGenerateSelftestCassette rewrites cassettes/selftest.yaml by recording the exchanges
// of selftest_data_test.go from a fake OpenAI server, through the real recording path (a
// fake key, AGENTLENS_RECORD=1). It runs only when asked:
//
//	AGENTLENS_REGEN_SELFTEST=1 go test ./recordings -run TestGenerateSelftestCassette
func TestGenerateSelftestCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_SELFTEST") != "1" {
		t.Skip("set AGENTLENS_REGEN_SELFTEST=1 to rewrite cassettes/selftest.yaml")
	}
	const keyEnv = "AGENTLENS_SELFTEST_FAKE_KEY"
	t.Setenv(envRecord, "1")
	t.Setenv(keyEnv, selftestFakeKey)

	srv := httptest.NewServer(fakeOpenAI(t))
	defer srv.Close()

	rec, err := Open("selftest", Options{KeyEnv: keyEnv, RealTransport: redirectTransport(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Recording() {
		t.Fatal("not recording")
	}
	client := rec.HTTPClient()
	for _, body := range []string{selftestJokeRequest, selftestJokeRequest, selftestStreamRequest} {
		req, err := http.NewRequest(http.MethodPost, selftestURL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+selftestFakeKey)
		req.Header.Set("OpenAI-Organization", selftestFakeOrg)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(Path("selftest"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{selftestFakeKey, selftestFakeOrg, "fakecookie"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("cassette contains %q", secret)
		}
	}
}

// fakeOpenAI answers the selftest requests like the chat completions endpoint.
func fakeOpenAI(t *testing.T) http.Handler {
	var jokes atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" ||
			r.Header.Get("Authorization") != "Bearer "+selftestFakeKey {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		h := w.Header()
		h.Set("Openai-Organization", "user-selftestfake")
		h.Set("Openai-Processing-Ms", "312")
		h.Set("Openai-Version", "2020-10-01")
		h.Set("X-Ratelimit-Limit-Requests", "10000")
		h.Set("X-Ratelimit-Remaining-Requests", "9999")
		h.Set("Set-Cookie", "__cf_bm=fakecookie; path=/; expires=Thu, 21-Nov-24 08:30:00 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None")
		h.Set("Cf-Ray", "8e5f0c1d2e3f4a5b-SJC")
		h.Set("Cf-Cache-Status", "DYNAMIC")
		switch string(body) {
		case selftestJokeRequest:
			n := jokes.Add(1)
			h.Set("Content-Type", "application/json")
			if n == 1 {
				h.Set("X-Request-Id", "req_selftest0001")
				_, _ = io.WriteString(w, selftestJoke1)
			} else {
				h.Set("X-Request-Id", "req_selftest0002")
				_, _ = io.WriteString(w, selftestJoke2)
			}
		case selftestStreamRequest:
			h.Set("Content-Type", "text/event-stream; charset=utf-8")
			h.Set("X-Request-Id", "req_selftest0003")
			for _, c := range selftestStreamChunks {
				_, _ = io.WriteString(w, c)
				w.(http.Flusher).Flush()
			}
		default:
			t.Errorf("unexpected body %s", body)
			http.Error(w, "unexpected body", http.StatusBadRequest)
		}
	})
}

// redirectTransport sends every request to srv, leaving the request's own URL (the one
// recorded) as it was.
func redirectTransport(t *testing.T, srv *httptest.Server) http.RoundTripper {
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.Client().Transport
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		out := r.Clone(r.Context())
		out.URL.Scheme = target.Scheme
		out.URL.Host = target.Host
		out.Host = ""
		return base.RoundTrip(out)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
