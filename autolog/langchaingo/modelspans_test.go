package langchaingo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/httputil"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/tools"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	oaiadapter "github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// calculatorAgent runs the OpenAI functions agent of TestOpenAIFunctionsAgentWithHTTPRR
// (two API calls, one calculator call), traced as mode says.
func calculatorAgent(t *testing.T, mode string, rp *httprr.Replay) {
	t.Helper()
	h := lcg.NewHandler()
	opts := []openai.Option{openai.WithToken("test-api-key"), openai.WithModel("gpt-4o")}
	var rt http.RoundTripper = rp
	switch mode {
	case "handler+transport", "wrappers+transport":
		rt = lcg.NewTransport(rp)
	case "handler+autolog":
		// langchaingo's default client, whose inner transport Autolog wraps.
		inner := httputil.DefaultTransport.(*httputil.Transport)
		saved := inner.Transport
		inner.Transport = rp
		undo := lcg.Autolog()
		t.Cleanup(func() { undo(); inner.Transport = saved })
		rt = nil
	}
	if rt != nil {
		opts = append(opts, openai.WithHTTPClient(&http.Client{Transport: rt}))
	}
	handler := mode == "handler" || mode == "handler+transport" || mode == "handler+autolog"
	if handler {
		opts = append(opts, openai.WithCallback(h))
	}
	llm, err := openai.New(opts...)
	require.NoError(t, err)
	calc := tools.Calculator{}
	if handler {
		calc.CallbacksHandler = h
	}
	var model llms.Model = llm
	toolList := []tools.Tool{calc}
	if !handler {
		model = lcg.WrapModel(llm)
		toolList = lcg.WrapTools(toolList)
	}
	agent := agents.NewOpenAIFunctionsAgent(model, toolList, agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations."))
	var exec chains.Chain
	if handler {
		exec = agents.NewExecutor(agent, agents.WithCallbacksHandler(h))
	} else {
		exec = lcg.WrapChain(agents.NewExecutor(agent))
	}
	out, err := chains.Run(context.Background(), exec, "What is 15 multiplied by 4?")
	require.NoError(t, err)
	assert.Equal(t, "15 multiplied by 4 is 60.", out)
}

// One model call is one model span, whichever way the program is traced.
func TestOneModelSpanPerAPICall(t *testing.T) {
	for _, mode := range []string{"handler", "wrappers", "handler+transport", "wrappers+transport", "handler+autolog"} {
		t.Run(mode, func(t *testing.T) {
			rec := tracetest.Capture(t)
			rp, exs := recording(t, "agents/testdata/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
			calculatorAgent(t, mode, rp)
			assert.Zero(t, rp.Unused())

			trs := rec.Traces()
			require.Len(t, trs, 1)
			tr := trs[0]
			model := "GenerateContent"
			if mode == "wrappers" || mode == "wrappers+transport" {
				model = "openai.LLM"
			}
			assert.Equal(t, "AGENT AgentExecutor OK\n"+
				"  CHAT_MODEL "+model+" OK\n"+
				"  TOOL calculator OK\n"+
				"  CHAT_MODEL "+model+" OK\n", tracetest.Tree(tr))
			m := modelSpans(tr)
			require.Len(t, m, len(exs), "model spans")
			for i, s := range m {
				assertModelSpan(t, s, exs[i])
				if mode != "handler" && mode != "wrappers" {
					// Enriched by the OpenAI adapter below.
					assert.NotNil(t, s.Attribute(spantypes.KeyGenAIResponseID), "response id on %s", s.Name)
					assert.JSONEq(t, `"gpt-4o"`, string(s.Attribute(spantypes.KeyGenAIRequestModel)))
				}
			}
		})
	}
}

// openai.Autolog wraps http.DefaultTransport, which langchaingo's default client copied at
// start-up: on its own it sees nothing of langchaingo, and with langchaingo.Autolog the
// calls are traced once, not twice.
func TestOpenAIAutologWithLangchaingoAutolog(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestLLMChain.httprr")
	inner := httputil.DefaultTransport.(*httputil.Transport)
	saved := inner.Transport
	inner.Transport = rp
	t.Cleanup(func() { inner.Transport = saved })
	undoOpenAI := oaiadapter.Autolog()
	defer undoOpenAI()
	undo := lcg.Autolog()
	defer undo()

	llm, err := openai.New(openai.WithToken("test-api-key"))
	require.NoError(t, err)
	out, err := llm.Call(context.Background(), "What is the capital of France")
	require.NoError(t, err)
	assert.Equal(t, recordedChat(t, exs[0]).Content, out)

	trs := rec.Traces()
	require.Len(t, trs, 1)
	m := modelSpans(trs[0])
	require.Len(t, m, 1)
	u, ok := m[0].TokenUsage()
	require.True(t, ok)
	assert.Equal(t, recordedChat(t, exs[0]).Usage, u)

	undo()
	assert.Same(t, rp, inner.Transport.(*httprr.Replay), "undo restores the inner transport")
}
