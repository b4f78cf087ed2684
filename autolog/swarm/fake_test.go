package swarm_test

// A scripted fake of the OpenAI chat completions API: each request gets the next reply of
// the script, written as the real API writes it (the chat.completion object, or the
// text/event-stream of chat.completion.chunk objects with tool call deltas, the usage chunk
// and [DONE]), so that go-openai parses it and the OpenAI adapter traces it as a real call.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/swarm"
)

// reply is one scripted answer of the model: text, or tool calls.
type reply struct {
	content string
	calls   []toolCall
}

type toolCall struct {
	id, name, args string
}

func say(text string) reply { return reply{content: text} }

func call(calls ...toolCall) reply { return reply{calls: calls} }

// fakeRequest is the part of a chat completions request the fake reads.
type fakeRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role       string `json:"role"`
		Content    string `json:"content"`
		ToolCallID string `json:"tool_call_id"`
	} `json:"messages"`
	Tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// fakeAPI serves a script of replies.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	script   []reply
	requests []fakeRequest
	bodies   [][]byte
}

// newFakeAPI starts a fake OpenAI API that answers with the replies in order.
func newFakeAPI(t *testing.T, script ...reply) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, script: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req fakeRequest
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil {
		f.t.Errorf("fake OpenAI: unexpected request %s %s: %s", r.Method, r.URL, body)
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, req)
	f.bodies = append(f.bodies, body)
	var next *reply
	if len(f.script) > 0 {
		next = &f.script[0]
		f.script = f.script[1:]
	}
	f.mu.Unlock()

	w.Header().Set("X-Request-Id", fmt.Sprintf("req_fake%04d", n))
	w.Header().Set("Openai-Processing-Ms", "321")
	if next == nil {
		// The script is over: answer as the API does when it fails.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{
  "error": {
    "message": "The server had an error while processing your request. Sorry about that!",
    "type": "server_error",
    "param": null,
    "code": null
  }
}
`)
		return
	}
	id := fmt.Sprintf("chatcmpl-CSwarmFake%04dAbCdEfGhIjKlMn", n)
	prompt := promptTokens(req)
	if req.Stream {
		writeStream(w, id, req, *next, prompt)
		return
	}
	writeCompletion(w, id, *next, prompt)
}

// requestCount is how many requests the fake got.
func (f *fakeAPI) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// request returns the i-th request the fake got.
func (f *fakeAPI) request(i int) fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[i]
}

// client returns a Swarm client whose go-openai client calls the fake through the OpenAI
// adapter's transport (traced when traced is true).
func (f *fakeAPI) client(traced bool) *swarm.Client {
	cfg := goopenai.DefaultConfig("sk-fake-swarm-0123456789")
	cfg.BaseURL = f.srv.URL + "/v1"
	var rt http.RoundTripper = f.srv.Client().Transport
	if traced {
		rt = openai.NewTransport(rt)
	}
	cfg.HTTPClient = &http.Client{Transport: rt}
	return swarm.NewClient(goopenai.NewClientWithConfig(cfg))
}

const (
	fakeCreated     = 1757930400
	fakeModel       = "gpt-4o-mini-2024-07-18"
	fakeFingerprint = "fp_560af6e559"
)

func promptTokens(req fakeRequest) int {
	n := 3
	for _, m := range req.Messages {
		n += 4 + (len(m.Content)+3)/4
	}
	return n + 20*len(req.Tools)
}

func completionTokens(r reply) int {
	n := (len(r.content) + 3) / 4
	for _, c := range r.calls {
		n += 5 + (len(c.args)+3)/4
	}
	return max(n, 1)
}

func usageJSON(prompt, completion int) string {
	return fmt.Sprintf(`{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,`+
		`"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},`+
		`"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`,
		prompt, completion, prompt+completion)
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// writeCompletion writes a chat.completion object, its fields in the API's order.
func writeCompletion(w http.ResponseWriter, id string, r reply, prompt int) {
	var msg strings.Builder
	msg.WriteString(`{"role":"assistant","content":`)
	finish := "stop"
	if len(r.calls) > 0 {
		finish = "tool_calls"
		msg.WriteString(`null,"tool_calls":[`)
		for i, c := range r.calls {
			if i > 0 {
				msg.WriteByte(',')
			}
			fmt.Fprintf(&msg, `{"id":%s,"type":"function","function":{"name":%s,"arguments":%s}}`, quote(c.id), quote(c.name), quote(c.args))
		}
		msg.WriteString(`]`)
	} else {
		msg.WriteString(quote(r.content))
	}
	msg.WriteString(`,"refusal":null,"annotations":[]}`)
	var indented bytes.Buffer
	body := fmt.Sprintf(`{"id":%q,"object":"chat.completion","created":%d,"model":%q,"choices":[{"index":0,"message":%s,"logprobs":null,"finish_reason":%q}],"usage":%s,"service_tier":"default","system_fingerprint":%q}`,
		id, fakeCreated, fakeModel, msg.String(), finish, usageJSON(prompt, completionTokens(r)), fakeFingerprint)
	if err := json.Indent(&indented, []byte(body), "", "  "); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(indented.Bytes())
	_, _ = io.WriteString(w, "\n")
}

// writeStream writes the reply as the API streams it: the role chunk, content pieces or
// each tool call's head and argument pieces, the finish chunk, the usage chunk when asked
// for, and [DONE], each event flushed on its own.
func writeStream(w http.ResponseWriter, id string, req fakeRequest, r reply, prompt int) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	withUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	head := fmt.Sprintf(`{"id":%q,"object":"chat.completion.chunk","created":%d,"model":%q,"service_tier":"default","system_fingerprint":%q,`,
		id, fakeCreated, fakeModel, fakeFingerprint)
	tail := ""
	if withUsage {
		tail = `,"usage":null`
	}
	n := 0
	send := func(data string) {
		_, _ = io.WriteString(w, "data: "+data+"\n\n")
		w.(http.Flusher).Flush()
	}
	chunk := func(delta, finish string) {
		n++
		send(head + `"choices":[{"index":0,"delta":` + delta + `,"logprobs":null,"finish_reason":` + finish + `}]` + tail +
			`,"obfuscation":"` + strings.Repeat("x", 1+n%7) + `"}`)
	}
	finish := `"stop"`
	if len(r.calls) == 0 {
		chunk(`{"role":"assistant","content":"","refusal":null}`, "null")
		for _, p := range pieces(r.content) {
			chunk(`{"content":`+quote(p)+`}`, "null")
		}
	} else {
		finish = `"tool_calls"`
		for i, c := range r.calls {
			first := fmt.Sprintf(`{"index":%d,"id":%s,"type":"function","function":{"name":%s,"arguments":""}}`, i, quote(c.id), quote(c.name))
			if i == 0 {
				chunk(`{"role":"assistant","content":null,"tool_calls":[`+first+`],"refusal":null}`, "null")
			} else {
				chunk(`{"tool_calls":[`+first+`]}`, "null")
			}
			for _, p := range pieces(c.args) {
				chunk(fmt.Sprintf(`{"tool_calls":[{"index":%d,"function":{"arguments":%s}}]}`, i, quote(p)), "null")
			}
		}
	}
	chunk(`{}`, finish)
	if withUsage {
		send(head + `"choices":[],"usage":` + usageJSON(prompt, completionTokens(r)) + `,"obfuscation":"uu"}`)
	}
	send("[DONE]")
}

// pieces cuts text as a model streams it: about four bytes a piece, never inside a rune.
func pieces(s string) []string {
	var out []string
	for len(s) > 0 {
		n := min(4, len(s))
		for n < len(s) && !utf8RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
