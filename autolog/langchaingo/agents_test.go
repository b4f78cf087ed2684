package langchaingo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/memory"
	"github.com/tmc/langchaingo/prompts"
	"github.com/tmc/langchaingo/tools"
	"github.com/tmc/langchaingo/tools/serpapi"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// eventsNamed returns the events of s named name, in order.
func eventsNamed(s *tracedata.Span, name string) []tracedata.Event {
	var out []tracedata.Event
	for _, e := range s.Events {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// The handler is given to the executor, the LLM and the tool, not to the agent: an agent
// with a handler makes langchaingo stream its LLM calls, which the recordings did not.
func TestOpenAIFunctionsAgentHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "agents/testdata/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithModel("gpt-4o"), openai.WithCallback(h))
	agent := agents.NewOpenAIFunctionsAgent(llm, []tools.Tool{tools.Calculator{CallbacksHandler: h}},
		agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations."))
	executor := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))

	out, err := chains.Run(context.Background(), executor, "What is 15 multiplied by 4?")
	require.NoError(t, err)
	assert.Equal(t, "15 multiplied by 4 is 60.", out)

	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAT_MODEL GenerateContent OK\n"+
		"  TOOL calculator OK\n"+
		"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	m := modelSpans(tr)
	require.Len(t, m, 2)
	assertModelSpan(t, m[0], exs[0])
	assertModelSpan(t, m[1], exs[1])
	tool := spansOfType(tr, spantypes.Tool)[0]
	assert.JSONEq(t, `"15 * 4"`, string(tool.Inputs()))
	assert.JSONEq(t, `"60"`, string(tool.Outputs()))

	root := tr.RootSpan()
	assert.JSONEq(t, `{"input":"What is 15 multiplied by 4?"}`, string(root.Inputs()))
	assert.JSONEq(t, `{"output":"15 multiplied by 4 is 60."}`, string(root.Outputs()))
	actions := eventsNamed(root, lcg.AgentActionEvent)
	require.Len(t, actions, 1)
	assert.Equal(t, "calculator", actions[0].Attributes["tool"])
	assert.Equal(t, "15 * 4", actions[0].Attributes["tool_input"])
	assert.Equal(t, "call_sgvhmmuASadOaDtd93TmrUsY", actions[0].Attributes["tool_call_id"])
	finish := eventsNamed(root, lcg.AgentFinishEvent)
	require.Len(t, finish, 1)
	assert.JSONEq(t, `{"output":"15 multiplied by 4 is 60."}`, fmt.Sprint(finish[0].Attributes["return_values"]))
	assert.Equal(t, "AgentExecutor", tr.Info.Tags["mlflow.traceName"])
	assert.Zero(t, rp.Unused())
}

// A built-in tool with its own HTTP traffic (serpapi), named after the agent's action.
func TestOpenAIFunctionsAgentSerpAPIHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "agents/testdata/TestExecutorWithOpenAIFunctionAgent.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithModel("gpt-4"), openai.WithCallback(h))
	search, err := serpapi.New(serpapi.WithHTTPClient(newClient(rp)), serpapi.WithAPIKey("test-api-key"))
	require.NoError(t, err)
	search.CallbacksHandler = h
	agent := agents.NewOpenAIFunctionsAgent(llm, []tools.Tool{search, tools.Calculator{}},
		agents.NewOpenAIOption().WithSystemMessage("you are a helpful assistant"),
		agents.NewOpenAIOption().WithExtraMessages([]prompts.MessageFormatter{
			prompts.NewHumanMessagePromptTemplate("please be strict", nil),
		}))
	executor := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))

	out, err := chains.Run(context.Background(), executor, "when was the Go programming language tagged version 1.0?")
	require.NoError(t, err)
	assert.Equal(t, "The Go programming language version 1.0 was released in March 2012.", out)

	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAT_MODEL GenerateContent OK\n"+
		"  TOOL GoogleSearch OK\n"+
		"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	m := modelSpans(tr)
	require.Len(t, m, 2)
	assertModelSpan(t, m[0], exs[0])
	assertModelSpan(t, m[1], exs[2])
	tool := spansOfType(tr, spantypes.Tool)[0]
	assert.JSONEq(t, `"Go programming language version 1.0 release date"`, string(tool.Inputs()))
	var obs string
	require.NoError(t, json.Unmarshal(tool.Outputs(), &obs))
	assert.Contains(t, obs, "version 1.0 was released in March 2012")
	assert.Zero(t, rp.Unused())
}

// The MRKL agent plans through an LLMChain, which shows in the tree when it has the handler.
func TestMRKLAgentHandler(t *testing.T) {
	rp, exs := recording(t, "agents/testdata/TestExecutorWithMRKLAgent.httprr")
	mrklAgentHandler(t, rp, exs)
}

func mrklAgentHandler(t *testing.T, rp *httprr.Replay, exs []httprr.Exchange) {
	rec := tracetest.Capture(t)
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithModel("gpt-4"), openai.WithCallback(h))
	search, err := serpapi.New(serpapi.WithHTTPClient(newClient(rp)), serpapi.WithAPIKey("test-api-key"))
	require.NoError(t, err)
	agent := agents.NewOneShotAgent(llm, []tools.Tool{search, tools.Calculator{CallbacksHandler: h}})
	agent.Chain.(*chains.LLMChain).CallbacksHandler = h
	executor := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))

	out, err := chains.Run(context.Background(), executor, "What is 5 plus 3? Please calculate this.")
	require.NoError(t, err)
	assert.Equal(t, "The answer is 8.", out)

	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAIN LLMChain OK\n"+
		"    CHAT_MODEL GenerateContent OK\n"+
		"  TOOL calculator OK\n"+
		"  CHAIN LLMChain OK\n"+
		"    CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	m := modelSpans(tr)
	require.Len(t, m, 2)
	assertModelSpan(t, m[0], exs[0])
	assertModelSpan(t, m[1], exs[1])
	tool := spansOfType(tr, spantypes.Tool)[0]
	assert.JSONEq(t, `"5 + 3"`, string(tool.Inputs()))
	assert.JSONEq(t, `"8"`, string(tool.Outputs()))
	assert.Zero(t, rp.Unused())
}

// A conversational agent with memory: the memory's history reaches the planning chain.
func TestConversationalAgentWithMemoryHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "agents/testdata/TestConversationalWithMemory.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithModel("gpt-4o"), openai.WithCallback(h))
	agent := agents.NewConversationalAgent(llm, []tools.Tool{tools.Calculator{}})
	agent.Chain.(*chains.LLMChain).CallbacksHandler = h
	executor := agents.NewExecutor(agent, agents.WithMemory(memory.NewConversationBuffer()), agents.WithCallbacksHandler(h))

	out, err := chains.Run(context.Background(), executor, "Hi! my name is Bob and the year I was born is 1987")
	require.NoError(t, err)
	assert.Contains(t, out, "Bob")

	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAIN LLMChain OK\n"+
		"    CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	m := modelSpans(tr)
	require.Len(t, m, 1)
	assertModelSpan(t, m[0], exs[0])
	plan := spansOfType(tr, spantypes.Chain)[0]
	var in map[string]any
	require.NoError(t, json.Unmarshal(plan.Inputs(), &in))
	assert.Contains(t, in, "agent_scratchpad")
	assert.Contains(t, in, "history")
	assert.Len(t, eventsNamed(tr.RootSpan(), lcg.AgentFinishEvent), 1)
	assert.Zero(t, rp.Unused())
}

// A wrapped tool under an executor traced by the handler nests under the executor's span,
// which is not in the tool's context but open in the handler.
func TestWrappedToolUnderHandlerExecutor(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "agents/testdata/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithModel("gpt-4o"), openai.WithCallback(h))
	agent := agents.NewOpenAIFunctionsAgent(llm, lcg.WrapTools([]tools.Tool{tools.Calculator{}}),
		agents.NewOpenAIOption().WithSystemMessage("You are a helpful assistant that can perform calculations."))
	out, err := chains.Run(context.Background(), agents.NewExecutor(agent, agents.WithCallbacksHandler(h)), "What is 15 multiplied by 4?")
	require.NoError(t, err)
	assert.Equal(t, "15 multiplied by 4 is 60.", out)
	tr := rec.LastTrace()
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAT_MODEL GenerateContent OK\n"+
		"  TOOL calculator OK\n"+
		"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	assertModelSpan(t, modelSpans(tr)[1], exs[1])
	tool := spansOfType(tr, spantypes.Tool)[0]
	assert.JSONEq(t, `"60"`, string(tool.Outputs()))
	assert.JSONEq(t, `"calculator"`, string(tool.Attribute(spantypes.KeyGenAIToolName)))
}
