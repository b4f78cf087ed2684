package langchaingo_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/tools"
	"github.com/tmc/langchaingo/tools/serpapi"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/tracetest"
)

// Two agent runs at once, from two goroutines: two separate, exact trees. Through the
// wrappers even when both run under the same context; through the handler alone when each
// run has a context of its own.
func TestConcurrentAgentRunsConcurrentSafe(t *testing.T) {
	const runs = 2
	for _, mode := range []string{"wrappers, one context", "handler, a context per run"} {
		t.Run(mode, func(t *testing.T) {
			rec := tracetest.Capture(t)
			for iter := 0; iter < 10; iter++ {
				rec.Reset()
				var wg sync.WaitGroup
				for g := 0; g < runs; g++ {
					rp, _ := recording(t, "agents/testdata/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
					h := lcg.NewHandler()
					var exec chains.Chain
					ctx := context.Background()
					if mode == "wrappers, one context" {
						llm := newLLM(t, rp, openai.WithModel("gpt-4o"))
						agent := agents.NewOpenAIFunctionsAgent(lcg.WrapModel(llm), lcg.WrapTools([]tools.Tool{tools.Calculator{}}),
							agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations."))
						exec = lcg.WrapChain(agents.NewExecutor(agent))
					} else {
						llm := newLLM(t, rp, openai.WithModel("gpt-4o"), openai.WithCallback(h))
						agent := agents.NewOpenAIFunctionsAgent(llm, []tools.Tool{tools.Calculator{CallbacksHandler: h}},
							agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations."))
						exec = agents.NewExecutor(agent, agents.WithCallbacksHandler(h))
						var cancel context.CancelFunc
						ctx, cancel = context.WithCancel(ctx)
						defer cancel()
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						out, err := chains.Run(ctx, exec, "What is 15 multiplied by 4?")
						assert.NoError(t, err)
						assert.Equal(t, "15 multiplied by 4 is 60.", out)
					}()
				}
				wg.Wait()
				trs := rec.Traces()
				require.Len(t, trs, runs)
				model := "GenerateContent"
				if mode == "wrappers, one context" {
					model = "openai.LLM"
				}
				for _, tr := range trs {
					require.Equal(t, "AGENT AgentExecutor OK\n"+
						"  CHAT_MODEL "+model+" OK\n"+
						"  TOOL calculator OK\n"+
						"  CHAT_MODEL "+model+" OK\n", tracetest.Tree(tr))
					assertOneTrace(t, tr)
					for _, s := range modelSpans(tr) {
						assert.Nil(t, s.Attribute(lcg.KeyAmbiguous))
					}
				}
			}
		})
	}
}

// assertOneTrace checks that every span of tr has tr's trace id and a parent in tr.
func assertOneTrace(t *testing.T, tr *tracedata.Trace) {
	t.Helper()
	ids := map[string]bool{}
	for _, s := range tr.Spans {
		ids[s.SpanID] = true
	}
	for _, s := range tr.Spans {
		assert.Equal(t, tr.Info.TraceID, s.TraceID, "span %s", s.Name)
		if s.ParentID != "" {
			assert.True(t, ids[s.ParentID], "parent of %s in the trace", s.Name)
		}
	}
}

// Two different agent runs started at once with the same context, through the handler alone:
// nothing tells their callbacks apart, so the trees may be split, but no span, output or
// event of one run may land in the other's trace, each span's outputs are its own, and no
// span is lost.
func TestConcurrentRunsOneContextHandlerConcurrentSafe(t *testing.T) {
	rec := tracetest.Capture(t)
	for iter := 0; iter < 20; iter++ {
		rec.Reset()
		dropped := sdk.GetStats().DroppedSpans
		h := lcg.NewHandler()
		rpA, _ := recording(t, "agents/testdata/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
		llmA := newLLM(t, rpA, openai.WithModel("gpt-4o"), openai.WithCallback(h))
		execA := agents.NewExecutor(agents.NewOpenAIFunctionsAgent(llmA, []tools.Tool{tools.Calculator{CallbacksHandler: h}},
			agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations.")),
			agents.WithCallbacksHandler(h))
		rpB, _ := recording(t, "agents/testdata/TestExecutorWithMRKLAgent.httprr")
		llmB := newLLM(t, rpB, openai.WithModel("gpt-4"), openai.WithCallback(h))
		search, err := serpapi.New(serpapi.WithHTTPClient(newClient(rpB)), serpapi.WithAPIKey("test-api-key"))
		require.NoError(t, err)
		agentB := agents.NewOneShotAgent(llmB, []tools.Tool{search, tools.Calculator{CallbacksHandler: h}})
		agentB.Chain.(*chains.LLMChain).CallbacksHandler = h
		execB := agents.NewExecutor(agentB, agents.WithCallbacksHandler(h))

		var wg sync.WaitGroup
		run := func(exec chains.Chain, q, want string) {
			defer wg.Done()
			out, err := chains.Run(context.Background(), exec, q)
			assert.NoError(t, err)
			assert.Equal(t, want, out)
		}
		wg.Add(2)
		go run(execA, "What is 15 multiplied by 4?", "15 multiplied by 4 is 60.")
		go run(execB, "What is 5 plus 3? Please calculate this.", "The answer is 8.")
		wg.Wait()

		models := 0
		for _, tr := range rec.Traces() {
			assertOneTrace(t, tr)
			runs := map[string]bool{}
			for _, s := range tr.Spans {
				in, out := string(s.Inputs()), string(s.Outputs())
				for _, v := range []string{in, out} {
					switch {
					case strings.Contains(v, "15 multiplied") || strings.Contains(v, "15 * 4") || v == `"60"`:
						runs["A"] = true
					case strings.Contains(v, "5 plus 3") || strings.Contains(v, "5 + 3") || v == `"8"` || strings.Contains(v, "answer is 8"):
						runs["B"] = true
					}
				}
				for _, e := range s.Events {
					if e.Attributes["tool_input"] == "15 * 4" {
						runs["A"] = true
					}
					if e.Attributes["tool_input"] == "5 + 3" {
						runs["B"] = true
					}
				}
				if s.SpanType() == "CHAT_MODEL" {
					models++
				}
			}
			assert.LessOrEqual(t, len(runs), 1, "a trace holds one run's data:\n%s", tracetest.Tree(tr))
		}
		// Nothing is lost: every API call has its model span, and no span ended after its
		// trace's root (which the SDK would drop).
		assert.Equal(t, 4, models)
		assert.Equal(t, dropped, sdk.GetStats().DroppedSpans, "spans dropped")
	}
}
