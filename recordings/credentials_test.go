package recordings

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordScrubsEveryCredential (issue 15, point 8): record mode redacts a password in the
// URL, the api-key= and api_key= query parameters besides key=, Azure API Management's
// Ocp-Apim-Subscription-Key and any header whose name says token, key, secret or password,
// in both directions; counts such as X-Ratelimit-Remaining-Tokens stay; and the cassette
// replays with other credentials in those places.
func TestRecordScrubsEveryCredential(t *testing.T) {
	const keyEnv = "AGENTLENS_TEST_PROVIDER_KEY"
	const apiKey = "test-provider-key-0123456789"
	requestSecrets := map[string]string{
		"Ocp-Apim-Subscription-Key": "apim-subscription-secret-1",
		"X-Custom-Token":            "custom-token-secret-2",
		"X-Client-Secret":           "client-secret-3",
		"X-Db-Password":             "db-password-secret-4",
		"X-Apikey":                  "apikey-secret-5",
	}
	t.Setenv(envRecord, "1")
	t.Setenv(keyEnv, apiKey)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "url-password-secret-0" {
			t.Errorf("provider got basic auth %q %q %v", u, p, ok)
		}
		for k, v := range requestSecrets {
			if got := r.Header.Get(k); got != v {
				t.Errorf("provider got %s %q", k, got)
			}
		}
		w.Header().Set("X-Session-Token", "response-token-secret-6")
		w.Header().Set("X-Ratelimit-Remaining-Tokens", "149984")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	rec, err := Open("credentials", Options{KeyEnv: keyEnv, RealTransport: srv.Client().Transport, dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	u := strings.Replace(srv.URL, "http://", "http://user:url-password-secret-0@", 1) +
		"/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21&api-key=query-api-key-secret-7&api_key=query-api-key-secret-8"
	_, body, err := post(t, rec.HTTPClient(), u, `{"messages":[]}`, requestSecrets)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "credentials.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, leak := range []string{"url-password-secret", "query-api-key-secret", "apim-subscription-secret", "custom-token-secret",
		"client-secret-3", "db-password-secret", "apikey-secret", "response-token-secret"} {
		if strings.Contains(text, leak) {
			t.Errorf("cassette contains %q", leak)
		}
	}
	for _, want := range []string{"api-version=2024-10-21", "api-key=REDACTED", "api_key=REDACTED", "user:REDACTED@",
		"Ocp-Apim-Subscription-Key:\n                - REDACTED\n", "X-Custom-Token:\n                - REDACTED\n",
		"X-Session-Token:\n                - REDACTED\n", "X-Ratelimit-Remaining-Tokens:\n                - \"149984\"\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("cassette lacks %q", want)
		}
	}
	if problems := findSecrets(file, data); len(problems) > 0 {
		t.Errorf("the secrets check rejects the cassette:\n%s", strings.Join(problems, "\n"))
	}

	replayMode(t)
	rec, err = Open("credentials", Options{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Stop()
	_, got, err := post(t, rec.HTTPClient(),
		"http://other:pw@replay.invalid/openai/deployments/gpt-4o/chat/completions?api_key=x&api-version=2024-10-21&api-key=y",
		`{"messages":[]}`, map[string]string{"Ocp-Apim-Subscription-Key": "other"})
	if err != nil || got != body {
		t.Errorf("replay with other credentials: %q, %v", got, err)
	}
	// A miss names the request without its credentials (net/http's own *url.Error around it
	// masks the password only).
	_, _, err = post(t, rec.HTTPClient(), "http://other:url-pw-9@replay.invalid/v1/other?api-key=query-key-9", `{}`, nil)
	var miss *missError
	if !errors.As(err, &miss) || !strings.Contains(miss.msg, "no recorded interaction matches") ||
		strings.Contains(miss.msg, "url-pw-9") || strings.Contains(miss.msg, "query-key-9") {
		t.Errorf("miss error: %v", err)
	}
}

// TestSecretName: names that say key, token, secret or password are credentials'; counts of
// tokens and ordinary names are not.
func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"key": true, "api-key": true, "api_key": true, "apikey": true, "X-Custom-Token": true, "access_token": true,
		"Ocp-Apim-Subscription-Key": true, "X-Client-Secret": true, "password": true, "X-Amz-Security-Token": true,
		"keys": false, "X-Ratelimit-Remaining-Tokens": false, "max_tokens": false, "api-version": false,
		"Keep-Alive": false, "Content-Type": false, "X-Request-Id": false, "alt": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}
