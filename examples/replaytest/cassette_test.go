package replaytest

import (
	"github.com/agentlens/agentlens/internal/fakeopenai"

	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateSummarizeCassette rewrites recordings/cassettes/examples/summarize.yaml from a
// fake OpenAI API, through the real recording path (a fake key, AGENTLENS_RECORD=1); the
// recorded URL is the real API's, only the connection goes to the fake server. It runs only
// when asked:
//
//	AGENTLENS_REGEN_EXAMPLES=1 go test ./examples/replaytest -run TestGenerateSummarizeCassette
//
// It is not part of the example: with a real key, TestSummarize itself records the cassette
// (see its step 2).
func TestGenerateSummarizeCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_EXAMPLES") != "1" {
		t.Skip("set AGENTLENS_REGEN_EXAMPLES=1 to rewrite recordings/cassettes/examples/summarize.yaml")
	}
	const keyEnv = "AGENTLENS_EXAMPLES_FAKE_KEY"
	t.Setenv(keyEnv, fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t) // keep Summarize's trace out of any local store

	srv := fakeopenai.Server(t, summarizeAPI(t))
	rec, err := recordings.Open("examples/summarize", recordings.Options{KeyEnv: keyEnv, RealTransport: fakeopenai.RedirectTransport(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := goopenai.DefaultConfig(fakeopenai.Key)
	cfg.HTTPClient = rec.HTTPClient()
	summary, err := Summarize(context.Background(), goopenai.NewClientWithConfig(cfg), article)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("summary: %s", summary)
	fakeopenai.CheckScrubbed(t, recordings.Path("examples/summarize"))
}

const fakeSummary = "Porto will close its riverside road to cars on summer weekends, a plan shop owners welcome and taxi drivers criticize."

// summarizeAPI answers the summary request.
func summarizeAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		var req fakeopenai.ChatRequest
		if path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil || len(req.Messages) != 2 {
			t.Errorf("fake OpenAI: unexpected request to %s: %s", path, body)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		fakeopenai.WriteCompletion(w, string(body), 1757932000, fakeSummary, nil, fakeopenai.NewUsage(req.PromptTokens(), fakeopenai.Tokens(fakeSummary)))
	}
}
