package langchaingo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/prompts"
	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/tools"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// Callbacks without a matching start, and ends twice, change nothing and are counted.
func TestUnmatchedCallbacks(t *testing.T) {
	rec := tracetest.Capture(t)
	h := lcg.NewHandler()
	ctx := context.Background()
	before := lcg.Stats().Unmatched

	assert.NotPanics(t, func() {
		h.HandleChainEnd(ctx, map[string]any{"text": "x"})
		h.HandleChainError(ctx, errors.New("boom"))
		h.HandleLLMGenerateContentEnd(ctx, nil)
		h.HandleLLMError(ctx, errors.New("boom"))
		h.HandleToolEnd(ctx, "out")
		h.HandleToolError(ctx, errors.New("boom"))
		h.HandleRetrieverEnd(ctx, "q", nil)
		h.HandleAgentAction(ctx, schema.AgentAction{Tool: "x"})
		h.HandleAgentFinish(ctx, schema.AgentFinish{})
		h.HandleStreamingFunc(ctx, []byte("chunk"))
		h.HandleText(ctx, "text")
		//lint:ignore SA1012 a nil context must not panic either
		h.HandleChainEnd(nil, nil)
	})
	assert.Equal(t, int64(9), lcg.Stats().Unmatched-before)
	assert.Positive(t, lcg.Stats().Untracked)
	assert.Empty(t, rec.Traces())

	// An end twice: the second one is counted, the trace is the first one's.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.HandleChainStart(cctx, map[string]any{"in": 1})
	h.HandleChainEnd(cctx, map[string]any{"out": 1})
	h.HandleChainEnd(cctx, map[string]any{"out": 2})
	assert.Equal(t, int64(10), lcg.Stats().Unmatched-before)
	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN Chain OK\n", tracetest.Tree(tr))
	assert.JSONEq(t, `{"out":1}`, string(tr.RootSpan().Outputs()))
}

// langchaingo's OpenAI LLM fires no LLMError: a failed call leaves its span open until the
// chain's error ends it, with the chain's error.
func TestLLMErrorWithoutCallback(t *testing.T) {
	rec := tracetest.Capture(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"message":"bad model","type":"invalid_request_error"}}`))
	}))
	defer srv.Close()
	h := lcg.NewHandler()
	llm, err := openai.New(openai.WithToken("k"), openai.WithBaseURL(srv.URL), openai.WithCallback(h))
	require.NoError(t, err)
	chain := chains.NewLLMChain(llm, prompts.NewPromptTemplate("say {{.x}}", []string{"x"}), chains.WithCallback(h))
	before := lcg.Stats().Inferred

	_, callErr := chains.Call(context.Background(), chain, map[string]any{"x": "hi"})
	require.Error(t, callErr)

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN LLMChain ERROR\n"+
		"  CHAT_MODEL GenerateContent ERROR\n", tracetest.Tree(tr))
	m := modelSpans(tr)[0]
	assert.JSONEq(t, `true`, string(m.Attribute(lcg.KeyInferredEnd)))
	require.NotEmpty(t, eventsNamed(m, spantypes.ExceptionEventName))
	assert.Contains(t, tr.RootSpan().Status.Message, "bad model")
	assert.Equal(t, int64(1), lcg.Stats().Inferred-before)
}

// scriptedAgent plans a calculator action on bad input, then finishes.
type scriptedAgent struct{ calls int }

func (a *scriptedAgent) Plan(_ context.Context, steps []schema.AgentStep, _ map[string]string, _ ...chains.ChainCallOption) ([]schema.AgentAction, *schema.AgentFinish, error) {
	a.calls++
	if len(steps) == 0 {
		return []schema.AgentAction{{Tool: "calculator", ToolInput: "1 +"}}, nil, nil
	}
	return nil, &schema.AgentFinish{ReturnValues: map[string]any{"output": steps[0].Observation}}, nil
}
func (a *scriptedAgent) GetInputKeys() []string  { return []string{"input"} }
func (a *scriptedAgent) GetOutputKeys() []string { return []string{"output"} }
func (a *scriptedAgent) GetTools() []tools.Tool  { return nil }

// The calculator returns an evaluator error as its result without its end callback: the
// tool span ends when the executor moves on, and the next step is not put under it.
func TestToolWithoutEndCallback(t *testing.T) {
	rec := tracetest.Capture(t)
	h := lcg.NewHandler()
	a := &scriptedAgent{}
	exec := agents.NewExecutor(agentWithTools{a, []tools.Tool{tools.Calculator{CallbacksHandler: h}}}, agents.WithCallbacksHandler(h))
	out, err := chains.Run(context.Background(), exec, "add")
	require.NoError(t, err)
	assert.Contains(t, out, "error from evaluator")

	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  TOOL calculator OK\n", tracetest.Tree(tr))
	tool := spansOfType(tr, spantypes.Tool)[0]
	assert.JSONEq(t, `true`, string(tool.Attribute(lcg.KeyInferredEnd)))
	assert.Len(t, eventsNamed(tr.RootSpan(), lcg.AgentFinishEvent), 1)
}

type agentWithTools struct {
	*scriptedAgent
	tools []tools.Tool
}

func (a agentWithTools) GetTools() []tools.Tool { return a.tools }
