package main

// A fake OpenAI API for the cassette generator: it answers like the real API (the same
// JSON objects, field order and headers as real recordings), so the cassette it
// produces has the real wire format without a real key.

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// fakeKey is the key the generator sends; scrubbing must keep it out of the cassette.
const fakeKey = "sk-multiagent-FAKE-0123456789abcdefghijk"

// fakeChatRequest is the part of a chat completions request the fake reads.
type fakeChatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role       string         `json:"role"`
		Content    string         `json:"content"`
		ToolCallID string         `json:"tool_call_id"`
		ToolCalls  []fakeToolCall `json:"tool_calls"`
	} `json:"messages"`
	Tools []json.RawMessage `json:"tools"`
}

// lastRole is the role of the last message.
// promptTokens estimates the prompt tokens the way the fake counts them: about four
// characters a token, four tokens of framing a message, and the tool definitions.
func (r *fakeChatRequest) promptTokens() int {
	n := 3
	for _, m := range r.Messages {
		n += 4 + tokens(m.Content)
	}
	for _, t := range r.Tools {
		n += tokens(string(t)) / 2
	}
	return n
}

// tokens estimates the tokens of a text.
func tokens(s string) int { return (len(s) + 3) / 4 }

// fakeID is a deterministic id of the shape the API uses: prefix, then n letters and digits.
func fakeID(prefix, seed string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	h := fnv.New64a()
	_, _ = io.WriteString(h, seed)
	x := h.Sum64()
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < n; i++ {
		if x < 62 {
			h.Write([]byte{byte(i)})
			x = h.Sum64()
		}
		b.WriteByte(alphabet[x%62])
		x /= 62
	}
	return b.String()
}

// fakeHeaders sets the response headers the real API sends (credential-like and CDN ones
// included, so that the recorder's scrubbing is exercised).
func fakeHeaders(w http.ResponseWriter, contentType, seed string) {
	h := w.Header()
	h.Set("Access-Control-Expose-Headers", "X-Request-ID")
	h.Set("Alt-Svc", `h3=":443"; ma=86400`)
	h.Set("Cf-Cache-Status", "DYNAMIC")
	h.Set("Cf-Ray", fakeID("", seed+"ray", 16)+"-LIS")
	h.Set("Content-Type", contentType)
	h.Set("Openai-Organization", "user-examplesfake0123456789")
	h.Set("Openai-Processing-Ms", "412")
	h.Set("Openai-Project", "proj_EXAMPLESFAKE0123456789ab")
	h.Set("Openai-Version", "2020-10-01")
	h.Set("Server", "cloudflare")
	h.Set("Set-Cookie", "__cf_bm=examplesfakecookie; path=/; expires=Mon, 18-Aug-25 13:17:09 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Envoy-Upstream-Service-Time", "431")
	h.Set("X-Ratelimit-Limit-Requests", "10000")
	h.Set("X-Ratelimit-Limit-Tokens", "10000000")
	h.Set("X-Ratelimit-Remaining-Requests", "9999")
	h.Set("X-Ratelimit-Remaining-Tokens", "9999980")
	h.Set("X-Ratelimit-Reset-Requests", "6ms")
	h.Set("X-Ratelimit-Reset-Tokens", "0s")
	h.Set("X-Request-Id", fakeID("req_", seed+"/request", 32))
}

type fakeUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
		AudioTokens  int `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens          int `json:"reasoning_tokens"`
		AudioTokens              int `json:"audio_tokens"`
		AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

func newUsage(prompt, completion int) fakeUsage {
	return fakeUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
}

type fakeToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// fakeCompletion is a chat.completion object, its fields in the API's order.
type fakeCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []fakeChoice `json:"choices"`
	Usage             fakeUsage    `json:"usage"`
	ServiceTier       string       `json:"service_tier"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

type fakeChoice struct {
	Index        int         `json:"index"`
	Message      fakeMessage `json:"message"`
	Logprobs     *struct{}   `json:"logprobs"`
	FinishReason string      `json:"finish_reason"`
}

type fakeMessage struct {
	Role        string         `json:"role"`
	Content     *string        `json:"content"`
	ToolCalls   []fakeToolCall `json:"tool_calls,omitempty"`
	Refusal     *string        `json:"refusal"`
	Annotations []any          `json:"annotations"`
}

const (
	fakeModel       = "gpt-4o-mini-2024-07-18"
	fakeFingerprint = "fp_560af6e559"
)

// writeCompletion answers a non-streamed chat completion: content, or tool calls when
// calls is not empty.
func writeCompletion(w http.ResponseWriter, seed string, created int64, content string, calls []fakeToolCall, usage fakeUsage) {
	c := fakeCompletion{
		ID: fakeID("chatcmpl-C", seed, 28), Object: "chat.completion", Created: created, Model: fakeModel,
		Usage: usage, ServiceTier: "default", SystemFingerprint: fakeFingerprint,
	}
	c.Choices = make([]fakeChoice, 1)
	ch := &c.Choices[0]
	ch.Message.Role = "assistant"
	ch.Message.Annotations = []any{}
	if len(calls) > 0 {
		ch.Message.ToolCalls = calls
		ch.FinishReason = "tool_calls"
	} else {
		ch.Message.Content = &content
		ch.FinishReason = "stop"
	}
	fakeHeaders(w, "application/json", seed)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b.Bytes())
}

// fakeServer serves handle for POST requests to /v1/... carrying the fake key, and fails
// the test on anything else.
func fakeServer(t *testing.T, handle func(w http.ResponseWriter, path string, body []byte)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/v1/") ||
			r.Header.Get("Authorization") != "Bearer "+fakeKey {
			t.Errorf("fake OpenAI: unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		handle(w, r.URL.Path, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// redirectTransport sends every request to srv, leaving the request's own URL (the one
// recorded, https://api.openai.com/v1/...) as it was.
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

// checkScrubbed fails the test when the cassette file holds the fake credentials.
func checkScrubbed(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{fakeKey, "user-examplesfake", "proj_EXAMPLESFAKE", "examplesfakecookie"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("%s contains %q", file, secret)
		}
	}
}
