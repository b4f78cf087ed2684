package eino_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudwego/eino/adk"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// supervisorModel answers as three agents, told apart by their instructions: the
// supervisor transfers weather questions to weather_agent, which calls get_weather and
// then answers; math_agent is never asked.
func supervisorModel(_ int, req *fakeopenai.ChatRequest) reply {
	system := ""
	if len(req.Messages) > 0 && req.Messages[0].Role == "system" {
		system = req.Messages[0].Content
	}
	switch {
	case strings.Contains(system, "You route"):
		return call("call_T0000000000000000000001", adk.TransferToAgentToolName, `{"agent_name":"weather_agent"}`)
	case strings.Contains(system, "You report the weather"):
		if req.LastRole() == "tool" {
			return say("It is sunny in Lisbon, 24°C.")
		}
		return call("call_W0000000000000000000002", "get_weather", `{"city":"Lisbon"}`)
	}
	return say("I only do sums.")
}

// supervisor is an ADK supervisor with two sub-agents.
func supervisor(t *testing.T, fm *fakeModel) adk.Agent {
	t.Helper()
	ctx := context.Background()
	newAgent := func(name, desc, instruction string, tools ...tool.BaseTool) adk.Agent {
		cfg := &adk.ChatModelAgentConfig{Name: name, Description: desc, Instruction: instruction, Model: fm.chatModel(t)}
		if len(tools) > 0 {
			cfg.ToolsConfig = adk.ToolsConfig{ToolsNodeConfig: compose.ToolsNodeConfig{Tools: tools}}
		}
		a, err := adk.NewChatModelAgent(ctx, cfg)
		require.NoError(t, err)
		return a
	}
	sup := newAgent("supervisor", "Routes questions.", "You route each question to the agent that can answer it.")
	weather := newAgent("weather_agent", "Knows the weather.", "You report the weather.", weatherTool(t))
	math := newAgent("math_agent", "Does sums.", "You do sums.")
	a, err := adk.SetSubAgents(ctx, sup, []adk.Agent{weather, math})
	require.NoError(t, err)
	return a
}

func runAgent(t *testing.T, ctx context.Context, a adk.Agent, q string, opts ...adk.AgentRunOption) []*adk.AgentEvent {
	t.Helper()
	it := adk.NewRunner(ctx, adk.RunnerConfig{Agent: a}).Query(ctx, q, opts...)
	var evs []*adk.AgentEvent
	for {
		ev, ok := it.Next()
		if !ok {
			return evs
		}
		require.NoError(t, ev.Err)
		evs = append(evs, ev)
	}
}

func TestADKSupervisorTransfer(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, supervisorModel)

	evs := runAgent(t, context.Background(), supervisor(t, fm), "Weather in Lisbon?")
	last := evs[len(evs)-1]
	require.Equal(t, "weather_agent", last.AgentName)
	require.Equal(t, "It is sunny in Lisbon, 24°C.", last.Output.MessageOutput.Message.Content)
	require.Equal(t, 3, fm.requests())

	tr := waitTraces(t, rec, 1)[0]
	// The ReAct graph inside each ChatModelAgent is eino's own: its nodes are what eino reports.
	react := func(indent string, tools ...string) []string {
		out := []string{
			"CHAIN Lambda OK",
			"CHAIN ReAct OK",
			"  CHAIN Init OK",
			"  CHAT_MODEL ChatModel OK",
			"  CHAIN CancelCheck OK",
			"  CHAIN ToolNode OK",
		}
		for _, tl := range tools {
			out = append(out, "    TOOL "+tl+" OK")
		}
		out = append(out, "  CHAIN AfterToolCalls OK", "  CHAIN AfterToolCallsCancelCheck OK")
		for i := range out {
			out[i] = indent + out[i]
		}
		return out
	}
	want := []string{"AGENT supervisor OK", "  CHAIN supervisor OK"}
	want = append(want, react("    ", "transfer_to_agent")...)
	want = append(want, "      CHAIN ToolNodeToEndConverter OK",
		// The receiving agent runs under the supervisor, after the transfer tool.
		"  AGENT weather_agent OK", "    CHAIN weather_agent OK")
	want = append(want, react("      ", "get_weather")...)
	want = append(want, "        CHAT_MODEL ChatModel OK", "")
	require.Equal(t, strings.Join(want, "\n"), tracetest.Tree(tr))

	agents := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.Agent})
	require.Len(t, agents, 2)
	sup, wa := agents[0], agents[1]
	require.Equal(t, "supervisor", sup.Name)
	require.Equal(t, "weather_agent", wa.Name)
	require.Equal(t, sup.SpanID, wa.ParentID)
	require.GreaterOrEqual(t, sup.EndTimeUnixNano, wa.EndTimeUnixNano, "the supervisor's span lasts until its events are exhausted")
	for _, c := range []struct {
		s    *tracedata.Span
		name string
	}{{sup, "supervisor"}, {wa, "weather_agent"}} {
		require.Equal(t, mustJSON(c.name), attr(c.s, spantypes.KeyGenAIAgentName))
		require.Equal(t, `"invoke_agent"`, attr(c.s, spantypes.KeyGenAIOperationName))
		require.Equal(t, `"supervisor"`, attr(c.s, eino.KeyHandoffSourceName))
		require.Equal(t, `"weather_agent"`, attr(c.s, eino.KeyHandoffTargetName))
	}
	require.Len(t, sup.Events, 1)
	require.Equal(t, eino.HandoffEventName, sup.Events[0].Name)
	require.Equal(t, map[string]any{"from": "supervisor", "to": "weather_agent", "tool_call_id": "call_T0000000000000000000001"}, sup.Events[0].Attributes)
	requireJSON(t, `{"messages":[{"role":"user","content":"Weather in Lisbon?"}]}`, attr(sup, spantypes.KeySpanInputs))
	requireJSON(t, `{"messages":[{"role":"assistant","content":"It is sunny in Lisbon, 24°C."}]}`, attr(wa, spantypes.KeySpanOutputs))

	transfer := span(t, tr, adk.TransferToAgentToolName)
	require.Equal(t, `"call_T0000000000000000000001"`, attr(transfer, spantypes.KeyGenAIToolCallID))
	require.Equal(t, `"supervisor"`, attr(transfer, eino.KeyHandoffSourceName))
	require.Equal(t, `"weather_agent"`, attr(transfer, eino.KeyHandoffTargetName))
	requireJSON(t, `{"agent_name":"weather_agent"}`, attr(transfer, spantypes.KeySpanInputs))
	require.Equal(t, `"call_W0000000000000000000002"`, attr(span(t, tr, "get_weather"), spantypes.KeyGenAIToolCallID))
	require.Len(t, tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel}), 3, "one model span per API call")
}
