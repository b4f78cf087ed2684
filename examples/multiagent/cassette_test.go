package main

import (
	"github.com/agentlens/agentlens/internal/fakeopenai"

	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateMultiagentCassette rewrites recordings/cassettes/examples/multiagent.yaml by
// running the program against a fake OpenAI API through the real recording path (a fake key,
// AGENTLENS_RECORD=1). The recorded URLs are the real API's: only the connection goes to the
// fake server. It runs only when asked:
//
//	AGENTLENS_REGEN_SWARM_TRACE=1 go test ./examples/multiagent -run TestGenerateMultiagentCassette
//
// With a real key, `AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go run ./examples/multiagent`
// records the cassette from the real API instead (the test's expectations may then need
// updating: a real model may word things differently or take another path).
func TestGenerateMultiagentCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_SWARM_TRACE") != "1" {
		t.Skip("set AGENTLENS_REGEN_SWARM_TRACE=1 to rewrite recordings/cassettes/examples/multiagent.yaml")
	}
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t) // keep the generator's trace out of any local store

	srv := fakeopenai.Server(t, multiagentAPI(t))
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	fakeopenai.CheckScrubbed(t, recordings.Path(cassette))
}

// The fake model's answers.
const (
	fakeCreated      = 1757932200
	fakeRefundArgs   = `{"item_id":"item_99","reason":"arrived broken"}`
	fakeConfirmation = "Done, Ana: item_99 is refunded, and you will see the money back on your card within 5 business days."
	fakeSalesPitch   = "Bees! Our bees are the buzziest in town - how many would you like?"
)

// multiagentAPI answers the program's requests as gpt-4o-mini would, the agent being told
// apart by its system message.
func multiagentAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		var req fakeopenai.ChatRequest
		if path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil || len(req.Messages) < 2 || req.Messages[0].Role != "system" {
			t.Errorf("fake OpenAI: unexpected request to %s: %s", path, body)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		seed := string(body)
		system := req.Messages[0].Content
		last := req.Messages[len(req.Messages)-1]
		callTool := func(created int64, name, args string) {
			call := fakeopenai.ToolCall{ID: fakeopenai.ID("call_", seed+"/call", 24), Type: "function"}
			call.Function.Name = name
			call.Function.Arguments = args
			fakeopenai.WriteCompletion(w, seed, created, "", []fakeopenai.ToolCall{call}, fakeopenai.NewUsage(req.PromptTokens(), 7+fakeopenai.Tokens(args)))
		}
		say := func(created int64, text string) {
			fakeopenai.WriteCompletion(w, seed, created, text, nil, fakeopenai.NewUsage(req.PromptTokens(), fakeopenai.Tokens(text)))
		}
		switch {
		case system == triageInstructions && last.Role == "user":
			if strings.Contains(last.Content, "refund") {
				callTool(fakeCreated, "transfer_to_refunds", "{}")
			} else {
				callTool(fakeCreated, "transfer_to_sales", "{}")
			}
		case system == salesInstructions:
			say(fakeCreated+1, fakeSalesPitch)
		case strings.HasPrefix(system, "You help Ana (customer id user_1234)"):
			// The refunds agent: process the refund, then confirm what the function said.
			if last.Role == "tool" && strings.HasPrefix(last.Content, "Success!") {
				say(fakeCreated+2, fakeConfirmation)
			} else {
				callTool(fakeCreated+1, "process_refund", fakeRefundArgs)
			}
		default:
			t.Errorf("fake OpenAI: unexpected conversation: %s", body)
			http.Error(w, "unexpected request", http.StatusBadRequest)
		}
	}
}
