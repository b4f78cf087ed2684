package eino_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	einoopenai "github.com/cloudwego/eino-ext/components/model/openai"

	"github.com/agentlens/agentlens/internal/fakeopenai"
)

// The OpenAI server of these tests is generated, not recorded: internal/fakeopenai answers
// in OpenAI's wire format (the JSON objects, SSE framing and headers of real recordings).

// reply is what the fake model answers to one request.
type reply struct {
	content string
	calls   []fakeopenai.ToolCall
	status  int // an HTTP error status instead of an answer
}

func say(s string) reply { return reply{content: s} }

// outputTokens is the completion's token count the fake reports.
func (r reply) outputTokens() int {
	out := fakeopenai.Tokens(r.content)
	for _, c := range r.calls {
		out += fakeopenai.Tokens(c.Function.Name + c.Function.Arguments)
	}
	return out
}

func call(id, name, args string) reply {
	tc := fakeopenai.ToolCall{ID: id, Type: "function"}
	tc.Function.Name, tc.Function.Arguments = name, args
	return reply{calls: []fakeopenai.ToolCall{tc}}
}

// fakeModel is a fake OpenAI API whose answers a test scripts per request.
type fakeModel struct {
	srv *httpServer
	mu  sync.Mutex
	n   int
	// answer picks the reply to a request; requests are numbered from 0.
	answer func(n int, req *fakeopenai.ChatRequest) reply
	bodies []string
}

type httpServer struct{ URL string }

func newFakeModel(t *testing.T, answer func(n int, req *fakeopenai.ChatRequest) reply) *fakeModel {
	fm := &fakeModel{answer: answer}
	srv := fakeopenai.Server(t, func(w http.ResponseWriter, path string, body []byte) {
		var req fakeopenai.ChatRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fm.mu.Lock()
		n := fm.n
		fm.n++
		fm.bodies = append(fm.bodies, string(body))
		fm.mu.Unlock()
		r := fm.answer(n, &req)
		seed := path + "/" + string(body)
		switch {
		case r.status != 0:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(r.status)
			_, _ = w.Write([]byte(`{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}`))
		case req.Stream:
			var u *fakeopenai.Usage
			if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
				x := fakeopenai.NewUsage(req.PromptTokens(), r.outputTokens())
				u = &x
			}
			if len(r.calls) > 0 {
				fakeopenai.WriteToolCallStream(w, seed, 1764670000, r.calls, u)
				return
			}
			fakeopenai.WriteStream(w, seed, 1764670000, fakeopenai.SplitTokens(r.content), u)
		default:
			fakeopenai.WriteCompletion(w, seed, 1764670000, r.content, r.calls, fakeopenai.NewUsage(req.PromptTokens(), r.outputTokens()))
		}
	})
	fm.srv = &httpServer{URL: srv.URL}
	return fm
}

// requests returns the number of requests the server answered.
func (fm *fakeModel) requests() int {
	fm.mu.Lock()
	defer fm.mu.Unlock()
	return fm.n
}

// chatModel is eino-ext's OpenAI ChatModel over the fake server, with no HTTPClient of its
// own: it sends with http.DefaultClient, as a program that sets none does.
func (fm *fakeModel) chatModel(t *testing.T) *einoopenai.ChatModel {
	t.Helper()
	cm, err := einoopenai.NewChatModel(context.Background(), &einoopenai.ChatModelConfig{
		APIKey:  fakeopenai.Key,
		BaseURL: fm.srv.URL + "/v1",
		Model:   "gpt-4o-mini",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// lastUser is the content of the request's last user message.
func lastUser(req *fakeopenai.ChatRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return req.Messages[i].Content
		}
	}
	return ""
}

var _ = strings.TrimSpace
