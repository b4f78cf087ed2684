package main

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateLangchaingoCassette rewrites recordings/cassettes/examples/langchaingo.yaml by
// running the program against a fake OpenAI API through the real recording path (a fake key,
// AGENTLENS_RECORD=1): the requests are langchaingo's own, the answers in the API's wire
// format. It runs only when asked:
//
//	AGENTLENS_REGEN_EXAMPLES=1 go test ./examples/langchaingo -run TestGenerateLangchaingoCassette
//
// With a real key, `AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go run ./examples/langchaingo`
// records the cassette from the real API instead (the test's expectations may then need
// updating).
func TestGenerateLangchaingoCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_EXAMPLES") != "1" {
		t.Skip("set AGENTLENS_REGEN_EXAMPLES=1 to rewrite recordings/cassettes/examples/langchaingo.yaml")
	}
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t)

	srv := fakeopenai.Server(t, shopAPI(t))
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	fakeopenai.CheckScrubbed(t, recordings.Path(cassette))
}

const (
	fakeCreated     = 1757933400
	fakeAgentAnswer = "That is 36 mugs, and order A-1042 shipped on 2025-09-12; it arrives in 2 days."
	fakeQAAnswer    = "You can return an unused mug within 30 days of delivery for a full refund."
)

// shopAPI answers as gpt-4o-mini would: the agent calls the calculator, then the order
// tool, then answers; the QA chain's call answers from its context.
func shopAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		seed := string(body)
		switch path {
		case "/v1/embeddings":
			var req struct {
				Model string   `json:"model"`
				Input []string `json:"input"`
			}
			if err := json.Unmarshal(body, &req); err != nil || req.Model != embeddingModel {
				t.Errorf("fake OpenAI: unexpected embeddings request %s", body)
				http.Error(w, "unexpected request", http.StatusBadRequest)
				return
			}
			writeEmbeddings(w, seed, req.Model, req.Input)
		case "/v1/chat/completions":
			var req fakeopenai.ChatRequest
			if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
				t.Errorf("fake OpenAI: unexpected chat request %s", body)
				http.Error(w, "unexpected request", http.StatusBadRequest)
				return
			}
			var calls []fakeopenai.ToolCall
			content := ""
			if len(req.Tools) > 0 {
				switch toolResults := countRole(req, "tool"); toolResults {
				case 0:
					calls = []fakeopenai.ToolCall{toolCall(seed, "calculator", "3 * 12")}
				case 1:
					calls = []fakeopenai.ToolCall{toolCall(seed, "order_status", "A-1042")}
				default:
					content = fakeAgentAnswer
				}
			} else if strings.Contains(req.Messages[len(req.Messages)-1].Content, "returned within 30 days") {
				content = fakeQAAnswer
			} else {
				content = "The context does not say."
			}
			completion := fakeopenai.Tokens(content) + 12*len(calls)
			fakeopenai.WriteCompletion(w, seed, fakeCreated, content, calls, fakeopenai.NewUsage(req.PromptTokens(), completion))
		default:
			t.Errorf("fake OpenAI: unexpected path %s", path)
			http.Error(w, "unexpected request", http.StatusNotFound)
		}
	}
}

func countRole(req fakeopenai.ChatRequest, role string) int {
	n := 0
	for _, m := range req.Messages {
		if m.Role == role {
			n++
		}
	}
	return n
}

func toolCall(seed, name, arg string) fakeopenai.ToolCall {
	var c fakeopenai.ToolCall
	c.ID = fakeopenai.ID("call_", seed+name, 24)
	c.Type = "function"
	c.Function.Name = name
	args, _ := json.Marshal(map[string]string{"__arg1": arg})
	c.Function.Arguments = string(args)
	return c
}

// writeEmbeddings answers with small bag-of-words vectors, so that texts sharing words are
// close (the real model's vectors have 1536 dimensions; these have 32).
func writeEmbeddings(w http.ResponseWriter, seed, model string, inputs []string) {
	type item struct {
		Object    string     `json:"object"`
		Index     int        `json:"index"`
		Embedding []apiFloat `json:"embedding"`
	}
	list := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
		Usage  struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		} `json:"usage"`
	}{Object: "list", Model: model}
	for i, text := range inputs {
		list.Data = append(list.Data, item{Object: "embedding", Index: i, Embedding: vector(text)})
		list.Usage.PromptTokens += fakeopenai.Tokens(text)
	}
	list.Usage.TotalTokens = list.Usage.PromptTokens
	fakeopenai.Headers(w, "application/json", seed)
	w.Header().Set("Openai-Model", model)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(list)
	_, _ = w.Write(b.Bytes())
}

type apiFloat float32

func (f apiFloat) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 32), nil
}

func vector(text string) []apiFloat {
	v := make([]float64, 32)
	for _, word := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(word) < 4 {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(strings.TrimSuffix(word, "ed")))
		v[h.Sum32()%32]++
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]apiFloat, len(v))
	for i, x := range v {
		if n > 0 {
			out[i] = apiFloat(x / math.Sqrt(n))
		}
	}
	return out
}
