package swarm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The scripted fake of the chat completions endpoint. Each test gives the model outputs
// (replies) it wants, in order; the server answers the n-th request with the n-th reply, as
// a chat.completion JSON object or, when the request asks for a stream, as the SSE chunks
// the API sends (chat.completion.chunk objects, then data: [DONE]).

// fakeKey is the API key the fake server expects; recording must keep it out of cassettes.
const fakeKey = "sk-swarmtest-FAKE-0123456789abcdefghijklmn"

// reply is one scripted model output: content, tool calls, or both.
type reply struct {
	content string
	calls   []call
}

// call is a tool call the model makes.
type call struct {
	id, name, args string
}

func say(content string) reply { return reply{content: content} }

func calls(cs ...call) reply { return reply{calls: cs} }

// fakeOpenAI answers POST /v1/chat/completions with the scripted replies.
type fakeOpenAI struct {
	t       testing.TB
	tag     string // part of the completion ids
	replies []reply
	// decide, when set, chooses the reply from the request body instead (replies is unused).
	decide func(body []byte) reply

	mu sync.Mutex
	n  int // requests answered
}

func newFakeOpenAI(t testing.TB, tag string, replies []reply) *httptest.Server {
	srv := httptest.NewServer(&fakeOpenAI{t: t, tag: tag, replies: replies})
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		f.t.Errorf("fake OpenAI: unexpected request %s %s", r.Method, r.URL)
		writeAPIError(w, http.StatusNotFound, "unknown endpoint")
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+fakeKey {
		f.t.Errorf("fake OpenAI: Authorization %q", got)
		writeAPIError(w, http.StatusUnauthorized, "Incorrect API key provided.")
		return
	}
	var req struct {
		Model    string                       `json:"model"`
		Stream   bool                         `json:"stream"`
		Messages []map[string]json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("fake OpenAI: request body: %v\n%s", err, body)
		writeAPIError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.")
		return
	}
	// As the API does: a tool message must have content ("" is content).
	for i, m := range req.Messages {
		if _, ok := m["content"]; !ok && string(m["role"]) == `"tool"` {
			writeAPIError(w, http.StatusBadRequest, fmt.Sprintf("Missing required parameter: 'messages[%d].content'.", i))
			return
		}
	}
	f.mu.Lock()
	i := f.n
	f.n++
	f.mu.Unlock()
	var rp reply
	switch {
	case f.decide != nil:
		rp = f.decide(body)
	case i >= len(f.replies):
		f.t.Errorf("fake OpenAI: request %d, but the test scripted %d replies; body:\n%s", i+1, len(f.replies), body)
		writeAPIError(w, http.StatusInternalServerError, "no scripted reply")
		return
	default:
		rp = f.replies[i]
	}
	id := fmt.Sprintf("chatcmpl-%s%02d", f.tag, i+1)
	created := int64(1763712000 + 7*i)
	model := servedModel(req.Model)

	h := w.Header()
	h.Set("Openai-Organization", "user-swarmtestfake")
	h.Set("Openai-Processing-Ms", fmt.Sprint(180+37*i))
	h.Set("Openai-Version", "2020-10-01")
	h.Set("X-Ratelimit-Limit-Requests", "10000")
	h.Set("X-Ratelimit-Remaining-Requests", "9999")
	h.Set("X-Request-Id", fmt.Sprintf("req_%s%04d", f.tag, i+1))
	if req.Stream {
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		for _, c := range streamChunks(id, created, model, rp) {
			_, _ = io.WriteString(w, "data: "+c+"\n\n")
			w.(http.Flusher).Flush()
		}
		_, _ = io.WriteString(w, "data: [DONE]\n\n")
		return
	}
	h.Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, completionJSON(id, created, model, rp))
}

func (f *fakeOpenAI) answered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// servedModel is the dated model the API reports for an alias.
func servedModel(m string) string {
	switch m {
	case "gpt-4o":
		return "gpt-4o-2024-08-06"
	case "gpt-4o-mini":
		return "gpt-4o-mini-2024-07-18"
	}
	return m
}

func writeAPIError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, obj(
		"error", raw(obj("message", msg, "type", "invalid_request_error", "param", nil, "code", nil)),
	)+"\n")
}

// completionJSON is a chat.completion object, laid out as the API writes it.
func completionJSON(id string, created int64, model string, r reply) string {
	var content any // null when the model only calls tools
	if r.content != "" || len(r.calls) == 0 {
		content = r.content
	}
	msg := []any{"role", "assistant", "content", content}
	finish := "stop"
	if len(r.calls) > 0 {
		var tcs []string
		for _, c := range r.calls {
			tcs = append(tcs, obj("id", c.id, "type", "function", "function", raw(obj("name", c.name, "arguments", c.args))))
		}
		msg = append(msg, "tool_calls", raw("["+strings.Join(tcs, ",")+"]"))
		finish = "tool_calls"
	}
	msg = append(msg, "refusal", nil, "annotations", raw("[]"))
	prompt, completion := 60+len(r.content)/3, 8+len(r.content)/4+12*len(r.calls)
	s := obj(
		"id", id,
		"object", "chat.completion",
		"created", created,
		"model", model,
		"choices", raw("["+obj("index", 0, "message", raw(obj(msg...)), "logprobs", nil, "finish_reason", finish)+"]"),
		"usage", raw(obj(
			"prompt_tokens", prompt,
			"completion_tokens", completion,
			"total_tokens", prompt+completion,
			"prompt_tokens_details", raw(obj("cached_tokens", 0, "audio_tokens", 0)),
			"completion_tokens_details", raw(obj("reasoning_tokens", 0, "audio_tokens", 0, "accepted_prediction_tokens", 0, "rejected_prediction_tokens", 0)),
		)),
		"service_tier", "default",
		"system_fingerprint", "fp_swarmtest",
	)
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		panic(err)
	}
	return b.String() + "\n"
}

// streamChunks are the chat.completion.chunk objects of a streamed reply: the role, the
// content in pieces, each tool call (id and name first, then its arguments in pieces), and
// the finish reason.
func streamChunks(id string, created int64, model string, r reply) []string {
	var deltas []string
	finish := "stop"
	if r.content != "" || len(r.calls) == 0 {
		deltas = append(deltas, obj("role", "assistant", "content", "", "refusal", nil))
		for _, p := range pieces(r.content, 3) {
			deltas = append(deltas, obj("content", p))
		}
	}
	for i, c := range r.calls {
		head := obj("index", i, "id", c.id, "type", "function", "function", raw(obj("name", c.name, "arguments", "")))
		if i == 0 && len(deltas) == 0 {
			deltas = append(deltas, obj("role", "assistant", "content", nil, "tool_calls", raw("["+head+"]"), "refusal", nil))
		} else {
			deltas = append(deltas, obj("tool_calls", raw("["+head+"]")))
		}
		for _, p := range pieces(c.args, 2) {
			deltas = append(deltas, obj("tool_calls", raw("["+obj("index", i, "function", raw(obj("arguments", p)))+"]")))
		}
		finish = "tool_calls"
	}
	chunks := make([]string, 0, len(deltas)+1)
	chunk := func(n int, delta string, finish any) string {
		return obj(
			"id", id,
			"object", "chat.completion.chunk",
			"created", created,
			"model", model,
			"service_tier", "default",
			"system_fingerprint", "fp_swarmtest",
			"choices", raw("["+obj("index", 0, "delta", raw(delta), "logprobs", nil, "finish_reason", finish)+"]"),
			"obfuscation", strings.Repeat("x", 1+n%7),
		)
	}
	for n, d := range deltas {
		chunks = append(chunks, chunk(n, d, nil))
	}
	return append(chunks, chunk(len(deltas), "{}", finish))
}

// pieces splits s into about n pieces (at rune boundaries); "" gives none.
func pieces(s string, n int) []string {
	rs := []rune(s)
	if len(rs) == 0 {
		return nil
	}
	size := (len(rs) + n - 1) / n
	var out []string
	for len(rs) > 0 {
		k := min(size, len(rs))
		out = append(out, string(rs[:k]))
		rs = rs[k:]
	}
	return out
}

// raw is JSON text obj writes as it is.
type raw string

// obj writes a JSON object with its keys in the order given (key, value, key, value...).
func obj(kv ...any) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		b.Write(k)
		b.WriteByte(':')
		if r, ok := kv[i+1].(raw); ok {
			b.WriteString(string(r))
			continue
		}
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(kv[i+1]); err != nil {
			panic(err)
		}
		b.WriteString(strings.TrimSuffix(v.String(), "\n"))
	}
	b.WriteByte('}')
	return b.String()
}

// redirectTransport sends every request to srv, leaving its URL (the one recorded) as it was.
func redirectTransport(t testing.TB, srv *httptest.Server) http.RoundTripper {
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
