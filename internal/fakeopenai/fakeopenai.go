// Package fakeopenai is a fake OpenAI API for the generators of the examples' recorded
// cassettes: it answers like the real API (the same JSON objects, field order, SSE framing
// and headers as real recordings), so a cassette it produces has the real wire format without
// a real key. Only tests import it.
package fakeopenai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Key is the key the generator sends; scrubbing must keep it out of the cassette.
const Key = "sk-examples-FAKE-0123456789abcdefghijklmn"

// ChatRequest is the part of a chat completions request the fake reads.
type ChatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role       string `json:"role"`
		Content    string `json:"content"`
		ToolCallID string `json:"tool_call_id"`
	} `json:"messages"`
	Tools         []json.RawMessage `json:"tools"`
	Stream        bool              `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// LastRole is the role of the last message.
func (r *ChatRequest) LastRole() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[len(r.Messages)-1].Role
}

// PromptTokens estimates the prompt Tokens the way the fake counts them: about four
// characters a token, four Tokens of framing a message, and the tool definitions.
func (r *ChatRequest) PromptTokens() int {
	n := 3
	for _, m := range r.Messages {
		n += 4 + Tokens(m.Content)
	}
	for _, t := range r.Tools {
		n += Tokens(string(t)) / 2
	}
	return n
}

// Tokens estimates the Tokens of a text.
func Tokens(s string) int { return (len(s) + 3) / 4 }

// ID is a deterministic id of the shape the API uses: prefix, then n letters and digits.
func ID(prefix, seed string, n int) string {
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

// Headers sets the response headers the real API sends (credential-like and CDN ones
// included, so that the recorder's scrubbing is exercised).
func Headers(w http.ResponseWriter, contentType, seed string) {
	h := w.Header()
	h.Set("Access-Control-Expose-Headers", "X-Request-ID")
	h.Set("Alt-Svc", `h3=":443"; ma=86400`)
	h.Set("Cf-Cache-Status", "DYNAMIC")
	h.Set("Cf-Ray", ID("", seed+"ray", 16)+"-LIS")
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
	h.Set("X-Request-Id", ID("req_", seed+"/request", 32))
}

// Usage is a chat completion usage object, its fields in the API's order.
type Usage struct {
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

// NewUsage returns the usage of a call with these token counts.
func NewUsage(prompt, completion int) Usage {
	return Usage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
}

// ToolCall is a tool call of an assistant message.
type ToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// Completion is a chat.completion object, its fields in the API's order.
type Completion struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	Choices           []Choice `json:"choices"`
	Usage             Usage    `json:"usage"`
	ServiceTier       string   `json:"service_tier"`
	SystemFingerprint string   `json:"system_fingerprint"`
}

// Choice is one choice of a chat.completion.
type Choice struct {
	Index        int       `json:"index"`
	Message      Message   `json:"message"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason string    `json:"finish_reason"`
}

// Message is the assistant message of a choice.
type Message struct {
	Role        string     `json:"role"`
	Content     *string    `json:"content"`
	ToolCalls   []ToolCall `json:"tool_calls,omitempty"`
	Refusal     *string    `json:"refusal"`
	Annotations []any      `json:"annotations"`
}

const (
	Model       = "gpt-4o-mini-2024-07-18"
	Fingerprint = "fp_560af6e559"
)

// WriteCompletion answers a non-streamed chat completion: content, or tool calls when
// calls is not empty.
func WriteCompletion(w http.ResponseWriter, seed string, created int64, content string, calls []ToolCall, usage Usage) {
	c := Completion{
		ID: ID("chatcmpl-C", seed, 28), Object: "chat.completion", Created: created, Model: Model,
		Usage: usage, ServiceTier: "default", SystemFingerprint: Fingerprint,
	}
	c.Choices = make([]Choice, 1)
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
	Headers(w, "application/json", seed)
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

// WriteStream answers a streamed chat completion with content in the given pieces: a first
// chunk with the role, one chunk a piece, the finish chunk, the usage chunk when asked for,
// and [DONE], each flushed on its own as the API sends them.
func WriteStream(w http.ResponseWriter, seed string, created int64, pieces []string, usage *Usage) {
	s := newStream(w, seed, created, usage != nil)
	s.send(`{"role":"assistant","content":"","refusal":null}`, "null")
	for _, p := range pieces {
		s.send(`{"content":`+jsonString(p)+`}`, "null")
	}
	s.finish("stop", usage)
}

// WriteToolCallStream answers a streamed chat completion whose answer is tool calls, as the
// API streams them: for each call, a chunk with its index, id, type, name and empty
// arguments (the first call's carries the role, null content and refusal too), then its
// arguments in pieces ([SplitArguments]), each piece under the same index; then the finish
// chunk ("tool_calls"), the usage chunk when asked for, and [DONE].
func WriteToolCallStream(w http.ResponseWriter, seed string, created int64, calls []ToolCall, usage *Usage) {
	s := newStream(w, seed, created, usage != nil)
	for i, c := range calls {
		head := `{"index":` + strconv.Itoa(i) + `,"id":` + jsonString(c.ID) + `,"type":` + jsonString(c.Type) +
			`,"function":{"name":` + jsonString(c.Function.Name) + `,"arguments":""}}`
		if i == 0 {
			s.send(`{"role":"assistant","content":null,"tool_calls":[`+head+`],"refusal":null}`, "null")
		} else {
			s.send(`{"tool_calls":[`+head+`]}`, "null")
		}
		for _, p := range SplitArguments(c.Function.Arguments) {
			s.send(`{"tool_calls":[{"index":`+strconv.Itoa(i)+`,"function":{"arguments":`+jsonString(p)+`}}]}`, "null")
		}
	}
	s.finish("tool_calls", usage)
}

// stream writes the chunks of one streamed chat completion.
type stream struct {
	w          http.ResponseWriter
	head, tail string // the fields before "choices", and after them ("usage":null when usage is asked for)
}

func newStream(w http.ResponseWriter, seed string, created int64, withUsage bool) *stream {
	Headers(w, "text/event-stream; charset=utf-8", seed)
	s := &stream{w: w}
	s.head = fmt.Sprintf(`{"id":%q,"object":"chat.completion.chunk","created":%d,"model":%q,"service_tier":"default","system_fingerprint":%q,`,
		ID("chatcmpl-C", seed, 28), created, Model, Fingerprint)
	if withUsage {
		s.tail = `,"usage":null`
	}
	return s
}

// event sends one server-sent event and flushes it.
func (s *stream) event(data string) {
	_, _ = io.WriteString(s.w, "data: "+data+"\n\n")
	s.w.(http.Flusher).Flush()
}

// obfuscated closes a chunk with the random-length padding field the API adds.
func obfuscated(c string) string { return c + `,"obfuscation":"` + ID("", c, 3+len(c)%11) + `"}` }

// send sends a chunk with the delta (a JSON object) and finish reason (JSON: null or a string).
func (s *stream) send(delta, finish string) {
	s.event(obfuscated(s.head + `"choices":[{"index":0,"delta":` + delta + `,"logprobs":null,"finish_reason":` + finish + `}]` + s.tail))
}

// finish sends the finish chunk, the usage chunk (when usage is not nil) and [DONE].
func (s *stream) finish(reason string, usage *Usage) {
	s.send(`{}`, jsonString(reason))
	if usage != nil {
		u, _ := json.Marshal(usage)
		s.event(obfuscated(s.head + `"choices":[],"usage":` + string(u)))
	}
	s.event("[DONE]")
}

func jsonString(v string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// SplitArguments cuts a tool call's JSON arguments into pieces the way the API streams
// them: words (with their leading space), runs of punctuation ({", ":", ","), and
// punctuation inside a string on its own; {"city":"San Francisco, CA"} comes as {", city,
// ":", San, " Francisco", ",", " CA" and "}. The pieces join to args.
func SplitArguments(args string) []string {
	const (
		none = iota
		word
		punct
		space
	)
	var out []string
	var cur strings.Builder
	kind := none
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
		kind = none
	}
	inString, escaped := false, false
	for _, r := range args {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if kind != word && kind != space {
				flush()
			}
			kind = word
		case r == ' ':
			flush()
			kind = space
		case r == '"' && !escaped:
			if kind != punct {
				flush()
			}
			kind = punct
			inString = !inString
		case inString:
			flush()
			kind = punct
			cur.WriteRune(r)
			flush()
			escaped = r == '\\' && !escaped
			continue
		default:
			if kind != punct {
				flush()
			}
			kind = punct
		}
		cur.WriteRune(r)
		escaped = false
	}
	flush()
	return out
}

// SplitTokens cuts text into pieces the way a model streams it: words with their leading
// space, punctuation on its own.
func SplitTokens(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r == ' ' || r == '\n':
			flush()
			cur.WriteRune(r)
		case strings.ContainsRune(".,:;!?", r):
			flush()
			out = append(out, string(r))
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// Server serves handle for POST requests to /v1/... carrying the fake key, and fails
// the test on anything else.
func Server(t *testing.T, handle func(w http.ResponseWriter, path string, body []byte)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/v1/") ||
			r.Header.Get("Authorization") != "Bearer "+Key {
			t.Errorf("fake OpenAI: unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		handle(w, r.URL.Path, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// RedirectTransport sends every request to srv, leaving the request's own URL (the one
// recorded, https://api.openai.com/v1/...) as it was.
func RedirectTransport(t *testing.T, srv *httptest.Server) http.RoundTripper {
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

// CheckScrubbed fails the test when the cassette file holds the fake credentials.
func CheckScrubbed(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{Key, "user-examplesfake", "proj_EXAMPLESFAKE", "examplesfakecookie"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("%s contains %q", file, secret)
		}
	}
}
