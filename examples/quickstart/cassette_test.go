package main

import (
	"github.com/agentlens/agentlens/internal/fakeopenai"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateQuickstartCassette rewrites recordings/cassettes/examples/quickstart.yaml by
// running the program against a fake OpenAI API through the real recording path (a fake key,
// AGENTLENS_RECORD=1). The recorded URLs are the real API's: only the connection goes to the
// fake server. It runs only when asked:
//
//	AGENTLENS_REGEN_EXAMPLES=1 go test ./examples/quickstart -run TestGenerateQuickstartCassette
//
// With a real key, `AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go run ./examples/quickstart`
// records the same cassette from the real API instead (the test's expected numbers then
// need updating).
func TestGenerateQuickstartCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_EXAMPLES") != "1" {
		t.Skip("set AGENTLENS_REGEN_EXAMPLES=1 to rewrite recordings/cassettes/examples/quickstart.yaml")
	}
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t) // keep the generator's trace out of any local store

	srv := fakeopenai.Server(t, quickstartAPI(t))
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	fakeopenai.CheckScrubbed(t, recordings.Path(cassette))
}

// The fake model's answers.
const (
	fakeCreated = 1757930400
	fakeCity    = "Porto"
	fakeTips    = "1. A light waterproof jacket for the showers.\n" +
		"2. Comfortable shoes with good grip for the steep, wet streets.\n" +
		"3. A warm layer for cool evenings by the Douro."
)

// quickstartAPI answers the program's four requests as gpt-4o-mini would.
func quickstartAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		var req fakeopenai.ChatRequest
		if path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil {
			t.Errorf("fake OpenAI: unexpected request to %s: %s", path, body)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		seed := string(body)
		switch {
		case req.Stream:
			pieces := fakeopenai.SplitTokens(fakeTips)
			var usage *fakeopenai.Usage
			if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
				u := fakeopenai.NewUsage(req.PromptTokens(), len(pieces))
				usage = &u
			}
			fakeopenai.WriteStream(w, seed, fakeCreated+3, pieces, usage)
		case len(req.Tools) > 0 && req.LastRole() == "tool":
			// The answer reports what the tool returned.
			var wr weather
			if err := json.Unmarshal([]byte(req.Messages[len(req.Messages)-1].Content), &wr); err != nil {
				t.Errorf("fake OpenAI: tool result: %v", err)
			}
			answer := fmt.Sprintf("It is %d °C with %s in %s right now.", wr.TemperatureC, wr.Conditions, wr.City)
			fakeopenai.WriteCompletion(w, seed, fakeCreated+2, answer, nil, fakeopenai.NewUsage(req.PromptTokens(), fakeopenai.Tokens(answer)))
		case len(req.Tools) > 0:
			q := req.Messages[len(req.Messages)-1].Content
			if !strings.Contains(q, fakeCity) {
				t.Errorf("fake OpenAI: question without the city: %q", q)
			}
			call := fakeopenai.ToolCall{ID: fakeopenai.ID("call_", seed+"/call", 24), Type: "function"}
			call.Function.Name = "get_weather"
			call.Function.Arguments = `{"city":"` + fakeCity + `"}`
			fakeopenai.WriteCompletion(w, seed, fakeCreated+1, "", []fakeopenai.ToolCall{call}, fakeopenai.NewUsage(req.PromptTokens(), 15))
		default:
			fakeopenai.WriteCompletion(w, seed, fakeCreated, fakeCity, nil, fakeopenai.NewUsage(req.PromptTokens(), 2))
		}
	}
}
