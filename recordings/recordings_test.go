package recordings

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const replayURL = "http://replay.invalid/v1/chat/completions"

// replayMode makes sure the test replays, whatever the environment of `go test`.
func replayMode(t *testing.T) {
	t.Setenv(envRecord, "")
}

// post sends body to url with client and returns the response and its body.
func post(t *testing.T, client *http.Client, url, body string, header map[string]string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b), nil
}

func mustPost(t *testing.T, client *http.Client, url, body string) (*http.Response, string) {
	t.Helper()
	resp, got, err := post(t, client, url, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp, got
}

func TestReplayAnyHost(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	if rec.Recording() {
		t.Fatal("Recording() = true in replay mode")
	}
	resp, got := mustPost(t, rec.HTTPClient(), replayURL, selftestJokeRequest)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got != selftestJoke1 {
		t.Fatalf("body:\n%s\nwant:\n%s", got, selftestJoke1)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if id := resp.Header.Get("X-Request-Id"); id != "req_selftest0001" {
		t.Errorf("X-Request-Id %q", id)
	}
	if resp.Request == nil || resp.Request.URL.String() != replayURL {
		t.Errorf("resp.Request is not the request sent: %+v", resp.Request)
	}
}

func TestReplayKeyOrderAndWhitespace(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	// Same JSON value as selftestJokeRequest: other key order, indentation, 1.0 for 1.
	body := `{
	  "temperature": 1.0,
	  "messages": [ { "content": "Tell me a one-line joke about Go.", "role": "user" } ],
	  "model": "gpt-4o-mini"
	}`
	_, got := mustPost(t, rec.HTTPClient(), "http://127.0.0.1:1/v1/chat/completions", body)
	if got != selftestJoke1 {
		t.Fatalf("body:\n%s", got)
	}
}

func TestReplayMiss(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Something never recorded"}]}`
	_, _, err := post(t, rec.HTTPClient(), replayURL, body, nil)
	if err == nil {
		t.Fatal("no error for an unrecorded request")
	}
	if !errors.Is(err, cassette.ErrInteractionNotFound) {
		t.Errorf("error does not wrap cassette.ErrInteractionNotFound: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"POST " + replayURL,
		body,
		"#0 POST /v1/chat/completions",
		"no recorded interaction matches; re-record with AGENTLENS_RECORD=1 and OPENAI_API_KEY set (go test ./... -run TestReplayMiss)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestReplayMissHintOutsideTests(t *testing.T) {
	replayMode(t)
	rec, err := Open("selftest", Options{KeyEnv: "GEMINI_API_KEY"})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	req, err := http.NewRequest(http.MethodGet, "http://replay.invalid/v1/models?key=AIzaSyDUMMYDUMMYDUMMYDUMMYDUMMYDUMMY12", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rec.RoundTrip(req)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"GET http://replay.invalid/v1/models?key=REDACTED",
		"request body: (empty)",
		"no recorded interaction matches; re-record with AGENTLENS_RECORD=1 and GEMINI_API_KEY set (go test ./... -run TestName)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "AIzaSy") {
		t.Errorf("error shows the key= value:\n%s", msg)
	}
}

func TestReplayInOrder(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	client := rec.HTTPClient()
	if _, got := mustPost(t, client, replayURL, selftestJokeRequest); got != selftestJoke1 {
		t.Fatalf("first response:\n%s", got)
	}
	if _, got := mustPost(t, client, replayURL, selftestJokeRequest); got != selftestJoke2 {
		t.Fatalf("second response:\n%s", got)
	}
	_, _, err := post(t, client, replayURL, selftestJokeRequest, nil)
	if err == nil {
		t.Fatal("a third identical request replayed; each interaction must answer once")
	}
	if !strings.Contains(err.Error(), "#1 POST /v1/chat/completions (already used)") {
		t.Errorf("error does not show the used interactions:\n%v", err)
	}
}

func TestReplayConcurrent(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	client := rec.HTTPClient()
	var wg sync.WaitGroup
	got := make([]string, 3)
	errs := make([]error, 3)
	for n, body := range []string{selftestJokeRequest, selftestJokeRequest, selftestStreamRequest} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got[n], errs[n] = post(t, client, replayURL, body, nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !(got[0] == selftestJoke1 && got[1] == selftestJoke2 || got[0] == selftestJoke2 && got[1] == selftestJoke1) {
		t.Errorf("the two identical requests did not get the two recorded responses")
	}
	if got[2] != strings.Join(selftestStreamChunks, "") {
		t.Errorf("stream body differs")
	}
}

func TestReplaySSEByteExact(t *testing.T) {
	replayMode(t)
	rec := ForTest(t, "selftest", Options{})
	resp, got := mustPost(t, rec.HTTPClient(), replayURL, selftestStreamRequest)
	if want := strings.Join(selftestStreamChunks, ""); got != want {
		t.Fatalf("stream body:\n%q\nwant:\n%q", got, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

// secretServer is a provider that sends secrets back and checks it got the real ones.
func secretServer(t *testing.T, apiKey string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if got := r.Header.Get("Authorization"); got != "Bearer "+apiKey {
			t.Errorf("provider got Authorization %q", got)
		}
		if got := r.URL.Query().Get("key"); got != apiKey {
			t.Errorf("provider got key=%q", got)
		}
		h := w.Header()
		h.Add("Set-Cookie", "__cf_bm=cookie-secret-1; path=/; HttpOnly")
		h.Add("Set-Cookie", "_cfuvid=cookie-secret-2; path=/")
		h.Set("Openai-Organization", "acme-secret-org-name")
		h.Set("Openai-Project", "proj_RESPONSEPROJECT0123456789")
		h.Set("Anthropic-Organization-Id", "2277c511-aaaa-4a62-83bd-responseorgid")
		h.Set("X-Echo", "Bearer echoed-secret-token")
		h.Set("Cf-Ray", "8e5f0c1d2e3f4a5b-SJC")
		h.Set("X-Request-Id", "req_keepme")
		h.Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"note":"key was sk-abcdefghijklmnopqrstuvwxyz0123"}`)
	}))
}

func TestRecordScrubsSecrets(t *testing.T) {
	const keyEnv = "AGENTLENS_TEST_PROVIDER_KEY"
	const apiKey = "test-provider-key-0123456789"
	secrets := map[string]string{
		"Authorization":          "Bearer " + apiKey,
		"OpenAI-Organization":    "org-REQUESTORGANIZATION0123456",
		"OpenAI-Project":         "proj_REQUESTPROJECT0123456789",
		"Cookie":                 "session=cookie-secret-0",
		"Api-Key":                "azure-secret-api-key",
		"X-Goog-Api-Key":         "AIzaSyREQUESTGOOGLEKEY0123456789abcdefg",
		"X-Api-Key":              "sk-ant-api03-REQUESTANTHROPICKEY0123456789",
		"Anthropic-Workspace-Id": "wrkspc_REQUESTWORKSPACE0123456",
	}
	t.Setenv(envRecord, "1")
	t.Setenv(keyEnv, apiKey)
	srv := secretServer(t, apiKey)
	defer srv.Close()
	dir := t.TempDir()
	opts := Options{KeyEnv: keyEnv, RealTransport: srv.Client().Transport, dir: dir}

	rec, err := Open("nested/scrub", opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Recording() {
		t.Fatal("Recording() = false with AGENTLENS_RECORD=1 and the key set")
	}
	url := srv.URL + "/v1beta/models/gemini-2.0-flash:generateContent?alt=json&key=" + apiKey
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"contents":[{"parts":[{"text":"hi"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets {
		req.Header.Set(k, v)
	}
	resp, err := rec.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if req.Header.Get("Authorization") != "Bearer "+apiKey {
		t.Errorf("the caller's request was modified: %v", req.Header)
	}
	if got := resp.Header.Get("Set-Cookie"); got != redacted {
		t.Errorf("recorded response has Set-Cookie %q", got)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(dir, "nested", "scrub.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	leaks := []string{apiKey, "cookie-secret", "acme-secret-org-name", "echoed-secret-token",
		"RESPONSEPROJECT", "sk-abcdefghij", "responseorgid"}
	for _, v := range secrets {
		leaks = append(leaks, strings.TrimPrefix(v, "Bearer "))
	}
	for _, s := range leaks {
		if strings.Contains(text, s) {
			t.Errorf("cassette contains %q", s)
		}
	}
	for _, want := range []string{"key=REDACTED", "alt=json", "application/json", "req_keepme", "Set-Cookie:\n                - REDACTED\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("cassette lacks %q", want)
		}
	}
	if strings.Contains(text, "Cf-Ray") {
		t.Error("cassette keeps Cf-Ray")
	}
	if problems := findSecrets(file, data); len(problems) > 0 {
		t.Errorf("the secrets check rejects the cassette:\n%s", strings.Join(problems, "\n"))
	}

	// The cassette replays from any host, with other credentials and another key=.
	replayMode(t)
	rec, err = Open("nested/scrub", Options{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	client := rec.HTTPClient()
	replayed, got, err := post(t, client,
		"http://replay.invalid/v1beta/models/gemini-2.0-flash:generateContent?key=other&alt=json",
		`{"contents": [{"parts": [{"text": "hi"}]}]}`, map[string]string{"Authorization": "Bearer other"})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(body) {
		t.Errorf("replayed body %q, recorded %q", got, body)
	}
	if replayed.Header.Get("X-Request-Id") != "req_keepme" {
		t.Errorf("replayed headers %v", replayed.Header)
	}
	// Query parameters other than key= are part of the match.
	_, _, err = post(t, client, "http://replay.invalid/v1beta/models/gemini-2.0-flash:generateContent?alt=sse",
		`{"contents":[{"parts":[{"text":"hi"}]}]}`, nil)
	if err == nil || !strings.Contains(err.Error(), "no recorded interaction matches") {
		t.Errorf("a different query matched: %v", err)
	}
}

func TestRecordSSEByteExact(t *testing.T) {
	const keyEnv = "AGENTLENS_TEST_PROVIDER_KEY"
	chunks := []string{
		": keep-alive comment\n\n",
		"event: message\ndata: {\"text\":\"tab\\there \\\"quoted\\\"\"}\n\n",
		"data: trailing spaces   \n\n",
		"data: unicode h\u00e9llo \u2713 \U0001F600\r\n\r\n",
		"data: line one\ndata: line two\n\n",
		"data: [DONE]\n\n",
	}
	want := strings.Join(chunks, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, c := range chunks {
			_, _ = io.WriteString(w, c)
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	dir := t.TempDir()

	t.Run("record", func(t *testing.T) {
		t.Setenv(envRecord, "true")
		t.Setenv(keyEnv, "test-provider-key-0123456789")
		rec := ForTest(t, "", Options{KeyEnv: keyEnv, RealTransport: srv.Client().Transport, dir: dir})
		if _, got := mustPost(t, rec.HTTPClient(), srv.URL+"/v1/chat/completions", selftestStreamRequest); got != want {
			t.Fatalf("recorded stream %q", got)
		}
	})
	file := filepath.Join(dir, "TestRecordSSEByteExact", "record.yaml")
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("ForTest did not save the cassette: %v", err)
	}
	replayMode(t)
	rec := ForTest(t, "TestRecordSSEByteExact/record", Options{dir: dir})
	resp, got := mustPost(t, rec.HTTPClient(), replayURL, selftestStreamRequest)
	if got != want {
		t.Fatalf("replayed stream:\n%q\nwant:\n%q", got, want)
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
}

func TestRecordWithoutKeyFails(t *testing.T) {
	const keyEnv = "AGENTLENS_TEST_MISSING_KEY"
	t.Setenv(envRecord, "1")
	t.Setenv(keyEnv, "")
	_, err := Open("selftest", Options{KeyEnv: keyEnv})
	if err == nil {
		t.Fatal("Open records without a key")
	}
	for _, want := range []string{"AGENTLENS_RECORD=1", keyEnv + " is not set", `"selftest"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}

	// ForTest fails the test with the same message.
	ft := &fakeTB{TB: t, name: "TestRecordWithoutKey"}
	ft.run(func() { ForTest(ft, "", Options{KeyEnv: keyEnv}) })
	if !ft.fatal || !strings.Contains(ft.msg, keyEnv+" is not set") {
		t.Errorf("ForTest did not fail the test: fatal=%v msg=%q", ft.fatal, ft.msg)
	}
}

func TestRecordFailedTestKeepsCassette(t *testing.T) {
	const keyEnv = "AGENTLENS_TEST_PROVIDER_KEY"
	t.Setenv(envRecord, "1")
	t.Setenv(keyEnv, "test-provider-key-0123456789")
	dir := t.TempDir()
	ft := &fakeTB{TB: t, name: "TestBroken", failed: true}
	ft.run(func() { ForTest(ft, "", Options{KeyEnv: keyEnv, dir: dir}) })
	ft.cleanup()
	if _, err := os.Stat(filepath.Join(dir, "TestBroken.yaml")); !os.IsNotExist(err) {
		t.Errorf("a failed recording test saved its cassette (stat: %v)", err)
	}
}

func TestRecordEnv(t *testing.T) {
	t.Setenv(envRecord, "yes please")
	if _, err := Open("selftest", Options{}); err == nil || !strings.Contains(err.Error(), "not a boolean") {
		t.Errorf("AGENTLENS_RECORD=%q: %v", "yes please", err)
	}
	t.Setenv(envRecord, "0")
	t.Setenv("OPENAI_API_KEY", "")
	rec, err := Open("selftest", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	if rec.Recording() {
		t.Error("AGENTLENS_RECORD=0 records")
	}
}

func TestMissingCassette(t *testing.T) {
	replayMode(t)
	_, err := Open("no/such/cassette", Options{})
	if err == nil {
		t.Fatal("Open of a missing cassette succeeded")
	}
	for _, want := range []string{Path("no/such/cassette"), "AGENTLENS_RECORD=1", "OPENAI_API_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestInvalidNames(t *testing.T) {
	replayMode(t)
	for _, name := range []string{"", "../outside", "/abs/path", "a/../../b"} {
		if _, err := Open(name, Options{}); err == nil || !strings.Contains(err.Error(), "invalid cassette name") {
			t.Errorf("Open(%q): %v", name, err)
		}
	}
}

func TestPath(t *testing.T) {
	p := Path("selftest")
	if !filepath.IsAbs(p) || filepath.Base(filepath.Dir(p)) != "cassettes" {
		t.Errorf("Path(selftest) = %s", p)
	}
	if _, err := os.Stat(p); err != nil {
		t.Error(err)
	}
	if Path("selftest.yaml") != p {
		t.Errorf("Path(selftest.yaml) = %s", Path("selftest.yaml"))
	}
	if got, want := Path("openai/chat"), filepath.Join(filepath.Dir(p), "openai", "chat.yaml"); got != want {
		t.Errorf("Path(openai/chat) = %s, want %s", got, want)
	}
}

func TestSameBody(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b": [1, 2], "a": 1 }`, true},
		{`{"a":1}`, `{"a":1.0}`, true},
		{`{"a":1e2}`, `{"a":100}`, true},
		{`{"a":12345678901234567891}`, `{"a":12345678901234567892}`, false},
		{`{"a":1}`, `{"a":"1"}`, false},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`{"a":null}`, `{}`, false},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{"", "", true},
		{"", "{}", false},
		{"a=1&b=2", "a=1&b=2", true},
		{"a=1&b=2", "b=2&a=1", false},
		{`{"a":1}`, `{"a":1} x`, false},
	} {
		if got := sameBody([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("sameBody(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestSameQuery(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"key=a", "", true},
		{"alt=sse&key=a", "key=REDACTED&alt=sse", true},
		{"alt=sse", "alt=json", false},
		{"alt=sse", "", false},
		{"a=1&a=2", "a=2&a=1", false},
	} {
		if got := sameQuery(c.a, c.b); got != c.want {
			t.Errorf("sameQuery(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestScrubQuery(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"key=abc":               "key=REDACTED",
		"alt=sse&key=abc&x=%20": "alt=sse&key=REDACTED&x=%20",
		"keys=1&k%65y=abc":      "keys=1&key=REDACTED",
	} {
		if got := scrubQuery(in); got != want {
			t.Errorf("scrubQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeTB records what ForTest does with a testing.TB.
type fakeTB struct {
	testing.TB
	name     string
	failed   bool
	fatal    bool
	msg      string
	cleanups []func()
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Name() string          { return f.name }
func (f *fakeTB) Failed() bool          { return f.failed || f.fatal }
func (f *fakeTB) Cleanup(fn func())     { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Logf(string, ...any)   {}
func (f *fakeTB) Error(args ...any)     { f.failed = true; f.msg = fmt.Sprint(args...) }
func (f *fakeTB) Errorf(string, ...any) { f.failed = true }
func (f *fakeTB) Fatal(args ...any) {
	f.fatal = true
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// run calls fn on its own goroutine, so Fatal can end it.
func (f *fakeTB) run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}
