package replaytest

import (
	"context"
	"net/http"
	"os"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// article is the text the test summarizes. The cassette holds the API's answer to exactly
// this request: change the text (or the request Summarize builds) and the test fails with
// "no recorded interaction matches" until the cassette is recorded again.
const article = "The city council of Porto voted on Tuesday to close the riverside road to cars " +
	"on weekends from June to September. Cyclists and pedestrians will have the road to " +
	"themselves from 8 a.m. to 8 p.m., and buses will be rerouted through the upper town. " +
	"Shop owners along the river welcomed the plan, while taxi drivers warned of longer journeys."

func TestSummarize(t *testing.T) {
	// Step 1: capture traces. Until the test ends, finished traces go to memory only (not to
	// the local store), where the test can read them.
	traces := tracetest.Capture(t)

	// Step 2: replay. recordings.ForTest opens recordings/cassettes/examples/summarize.yaml
	// and stops it when the test ends. Requests are answered from the cassette and never
	// reach the network; a request that is not in it fails with a message naming the
	// request and the command that records the cassette again. To record it from the real
	// API (the key is scrubbed from what is saved):
	//
	//	AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go test ./examples/replaytest -run TestSummarize
	cassette := recordings.ForTest(t, "examples/summarize", recordings.Options{})

	// Step 3: trace. openai.NewTransport(cassette) makes a span of each OpenAI call and hands
	// the request on to the cassette; the go-openai client gets it as its HTTP transport. A
	// program would call openai.Autolog() instead; wiring the transport into one client
	// leaves http.DefaultTransport alone. The key is sent only when recording.
	cfg := goopenai.DefaultConfig(os.Getenv("OPENAI_API_KEY"))
	cfg.HTTPClient = &http.Client{Transport: openai.NewTransport(cassette)}
	client := goopenai.NewClientWithConfig(cfg)

	// Step 4: run the code under test, exactly as in production.
	summary, err := Summarize(context.Background(), client, article)
	if err != nil {
		t.Fatal(err)
	}

	// Step 5: check the result. Replayed, the model's answer is the same on every run.
	const want = "Porto will close its riverside road to cars on summer weekends, a plan shop owners welcome and taxi drivers criticize."
	if summary != want {
		t.Errorf("summary = %q, want %q", summary, want)
	}

	// Step 6: check the trace's shape. tracetest.Tree renders one line a span (type, name,
	// status), indented under its parent, without ids or timings, so it compares exactly:
	// the manual CHAIN span of Summarize, and under it the model call the transport traced.
	tr := traces.LastTrace()
	const wantTree = "CHAIN summarize OK\n" +
		"  CHAT_MODEL Completions OK\n"
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("trace:\n%s\nwant:\n%s", got, wantTree)
	}

	// Step 7: check what the model span learnt from the exchange: the token usage the API
	// reported, and the model asked for and the model that answered.
	llm := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})[0]
	wantUsage := tracedata.TokenUsage{InputTokens: 112, OutputTokens: 30, TotalTokens: 142}
	if u, ok := llm.TokenUsage(); !ok || u != wantUsage {
		t.Errorf("span usage = %+v (recorded: %v), want %+v", u, ok, wantUsage)
	}
	if m := llm.StringAttribute(spantypes.KeyLLMModel); m != Model {
		t.Errorf("model = %q, want %q", m, Model)
	}
	if m := llm.StringAttribute(spantypes.KeyGenAIResponseModel); m != "gpt-4o-mini-2024-07-18" {
		t.Errorf("response model = %q", m)
	}
	// The trace's usage adds up its model calls; here there is one.
	if u, ok := tr.TokenUsage(); !ok || u != wantUsage {
		t.Errorf("trace usage = %+v, want %+v", u, wantUsage)
	}
	// The trace's response preview is the model's answer.
	if tr.Info.ResponsePreview != want {
		t.Errorf("response preview = %q", tr.Info.ResponsePreview)
	}
}
