package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateEinoCassette rewrites recordings/cassettes/examples/eino.yaml by running the
// program against a fake OpenAI API through the real recording path (a fake key,
// AGENTLENS_RECORD=1): the requests are eino-ext's own, the streamed answers in the API's
// wire format (tool calls streamed as the API streams them). It runs only when asked:
//
//	AGENTLENS_REGEN_EXAMPLES=1 go test ./examples/eino -run TestGenerateEinoCassette
//
// With a real key, `AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go run ./examples/eino`
// records the cassette from the real API instead (the test's expectations may then need
// updating).
func TestGenerateEinoCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_EXAMPLES") != "1" {
		t.Skip("set AGENTLENS_REGEN_EXAMPLES=1 to rewrite recordings/cassettes/examples/eino.yaml")
	}
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t) // keep the generator's trace out of any local store

	srv := fakeopenai.Server(t, walkAPI(t))
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	fakeopenai.CheckScrubbed(t, recordings.Path(cassette))
}

const fakeCreated = 1764670000

// fakeCities are the cities the fake model compares, in the order it calls the tool.
var fakeCities = []string{"Lisbon", "Porto"}

// walkAPI answers the agent's two streamed requests as gpt-4o-mini would: first two
// get_weather calls (parallel tool calls, streamed), then, given their results, the answer.
func walkAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		var req fakeopenai.ChatRequest
		if path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil || !req.Stream ||
			req.StreamOptions == nil || !req.StreamOptions.IncludeUsage || len(req.Tools) != 1 {
			t.Errorf("fake OpenAI: unexpected request to %s: %s", path, body)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		seed := string(body)
		if req.LastRole() != "tool" {
			var calls []fakeopenai.ToolCall
			completion := 0
			for _, city := range fakeCities {
				c := fakeopenai.ToolCall{ID: fakeopenai.ID("call_", seed+city, 24), Type: "function"}
				c.Function.Name = "get_weather"
				c.Function.Arguments = `{"city":"` + city + `"}`
				calls = append(calls, c)
				completion += 4 + len(fakeopenai.SplitArguments(c.Function.Arguments))
			}
			u := fakeopenai.NewUsage(req.PromptTokens(), completion)
			fakeopenai.WriteToolCallStream(w, seed, fakeCreated, calls, &u)
			return
		}
		// The answer says what the tools returned.
		got := map[string]weather{}
		for _, m := range req.Messages {
			if m.Role != "tool" {
				continue
			}
			var wr weather
			if err := json.Unmarshal([]byte(m.Content), &wr); err != nil {
				t.Errorf("fake OpenAI: tool result %q: %v", m.Content, err)
			}
			got[wr.City] = wr
		}
		if len(got) != len(fakeCities) {
			t.Errorf("fake OpenAI: tool results for %v", got)
		}
		best, other := got["Lisbon"], got["Porto"]
		if other.TemperatureC > best.TemperatureC {
			best, other = other, best
		}
		answer := fmt.Sprintf("%s has the better weather this afternoon: %d °C and %s, against %d °C and %s in %s.",
			best.City, best.TemperatureC, best.Conditions, other.TemperatureC, other.Conditions, other.City)
		pieces := fakeopenai.SplitTokens(answer)
		u := fakeopenai.NewUsage(req.PromptTokens(), len(pieces))
		fakeopenai.WriteStream(w, seed, fakeCreated+2, pieces, &u)
	}
}

// fakeAnswer is what the fake model answers, given the tool's results.
var fakeAnswer = strings.Join([]string{"Lisbon has the better weather this afternoon:",
	"24 °C and sunny, against 17 °C and light rain in Porto."}, " ")
