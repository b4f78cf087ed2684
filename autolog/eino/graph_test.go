package eino_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// weatherGraph is model -> (tool calls? tools -> answer : END).
func weatherGraph(t *testing.T, fm *fakeModel) compose.Runnable[[]*schema.Message, *schema.Message] {
	t.Helper()
	ctx := context.Background()
	wt := weatherTool(t)
	info, err := wt.Info(ctx)
	require.NoError(t, err)
	cm, err := fm.chatModel(t).WithTools([]*schema.ToolInfo{info})
	require.NoError(t, err)
	tn, err := compose.NewToolNode(ctx, &compose.ToolsNodeConfig{Tools: []tool.BaseTool{wt}})
	require.NoError(t, err)

	g := compose.NewGraph[[]*schema.Message, *schema.Message]()
	require.NoError(t, g.AddChatModelNode("model", cm, compose.WithNodeName("model")))
	require.NoError(t, g.AddToolsNode("tools", tn, compose.WithNodeName("tools")))
	require.NoError(t, g.AddLambdaNode("answer", compose.InvokableLambda(func(_ context.Context, msgs []*schema.Message) (*schema.Message, error) {
		parts := make([]string, len(msgs))
		for i, m := range msgs {
			parts[i] = m.Content
		}
		return schema.AssistantMessage("Tool said: "+strings.Join(parts, "; "), nil), nil
	}), compose.WithNodeName("answer")))
	require.NoError(t, g.AddEdge(compose.START, "model"))
	require.NoError(t, g.AddBranch("model", compose.NewGraphBranch(func(_ context.Context, m *schema.Message) (string, error) {
		if len(m.ToolCalls) > 0 {
			return "tools", nil
		}
		return compose.END, nil
	}, map[string]bool{"tools": true, compose.END: true})))
	require.NoError(t, g.AddEdge("tools", "answer"))
	require.NoError(t, g.AddEdge("answer", compose.END))
	r, err := g.Compile(ctx, compose.WithGraphName("weather"))
	require.NoError(t, err)
	return r
}

func TestGraphBranchesToolsNode(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(_ int, req *fakeopenai.ChatRequest) reply {
		if strings.Contains(lastUser(req), "Lisbon") {
			return call("call_W0000000000000000000001", "get_weather", `{"city":"Lisbon"}`)
		}
		return say("I can only tell the weather.")
	})
	r := weatherGraph(t, fm)
	ctx := context.Background()

	// The branch that calls the tool.
	out, err := r.Invoke(ctx, []*schema.Message{schema.UserMessage("Weather in Lisbon?")})
	require.NoError(t, err)
	require.Equal(t, `Tool said: {"city":"Lisbon","temperature_c":24,"conditions":"sunny"}`, out.Content)
	tr := rec.LastTrace()
	require.Equal(t, strings.Join([]string{
		"CHAIN weather OK",
		"  CHAT_MODEL model OK",
		"  CHAIN tools OK",
		"    TOOL get_weather OK",
		"  CHAIN answer OK",
		""}, "\n"), tracetest.Tree(tr))

	model := span(t, tr, "model")
	requireJSON(t, `[{"type":"function","function":{"name":"get_weather","description":"Get the current weather in a city.","parameters":{"type":"object","additionalProperties":false,"properties":{"city":{"type":"string","description":"The city name"}},"required":["city"]}}}]`,
		attr(model, spantypes.KeyChatTools))
	requireJSON(t, `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Weather in Lisbon?"}],"tool_choice":"auto"}`, attr(model, spantypes.KeySpanInputs))
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
		"tool_calls":[{"id":"call_W0000000000000000000001","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lisbon\"}"}}]}}]}`,
		attr(model, spantypes.KeySpanOutputs))
	require.Equal(t, `["tool_calls"]`, attr(model, spantypes.KeyGenAIResponseFinishReasons))
	require.NotEmpty(t, attr(model, spantypes.KeyChatTokenUsage))

	tl := span(t, tr, "get_weather")
	require.Equal(t, `"call_W0000000000000000000001"`, attr(tl, spantypes.KeyGenAIToolCallID))
	require.Equal(t, `"get_weather"`, attr(tl, spantypes.KeyGenAIToolName))
	requireJSON(t, `{"city":"Lisbon"}`, attr(tl, spantypes.KeySpanInputs))
	requireJSON(t, `{"city":"Lisbon","temperature_c":24,"conditions":"sunny"}`, attr(tl, spantypes.KeySpanOutputs))
	require.Equal(t, span(t, tr, "tools").SpanID, tl.ParentID)

	// The branch straight to END.
	rec.Reset()
	out, err = r.Invoke(ctx, []*schema.Message{schema.UserMessage("Tell me a joke")})
	require.NoError(t, err)
	require.Equal(t, "I can only tell the weather.", out.Content)
	require.Equal(t, "CHAIN weather OK\n  CHAT_MODEL model OK\n", tracetest.Tree(rec.LastTrace()))
}

func TestGraphNodeError(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	boom := errors.New("inventory service unavailable")
	g := compose.NewGraph[string, string]()
	require.NoError(t, g.AddLambdaNode("upper", compose.InvokableLambda(func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	}), compose.WithNodeName("upper")))
	require.NoError(t, g.AddLambdaNode("lookup", compose.InvokableLambda(func(context.Context, string) (string, error) {
		return "", boom
	}), compose.WithNodeName("lookup")))
	require.NoError(t, g.AddEdge(compose.START, "upper"))
	require.NoError(t, g.AddEdge("upper", "lookup"))
	require.NoError(t, g.AddEdge("lookup", compose.END))
	r, err := g.Compile(context.Background(), compose.WithGraphName("stock"))
	require.NoError(t, err)

	_, err = r.Invoke(context.Background(), "widget")
	require.ErrorIs(t, err, boom) // the program sees eino's error, unchanged by tracing

	tr := rec.LastTrace()
	require.Equal(t, "CHAIN stock ERROR\n  CHAIN upper OK\n  CHAIN lookup ERROR\n", tracetest.Tree(tr))
	lookup := span(t, tr, "lookup")
	require.Equal(t, `"WIDGET"`, attr(lookup, spantypes.KeySpanInputs))
	require.Contains(t, lookup.Status.Message, "inventory service unavailable")
	require.Len(t, lookup.Events, 1)
	require.Equal(t, "exception", lookup.Events[0].Name)
	require.Equal(t, "inventory service unavailable", lookup.Events[0].Attributes[spantypes.KeyExceptionMessage])
	require.Contains(t, span(t, tr, "stock").Status.Message, "inventory service unavailable")
}

func TestLambdaPanic(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	g := compose.NewGraph[string, string]()
	require.NoError(t, g.AddLambdaNode("explode", compose.InvokableLambda(func(context.Context, string) (string, error) {
		panic("stock table missing")
	}), compose.WithNodeName("explode")))
	require.NoError(t, g.AddEdge(compose.START, "explode"))
	require.NoError(t, g.AddEdge("explode", compose.END))
	r, err := g.Compile(context.Background(), compose.WithGraphName("fragile"))
	require.NoError(t, err)

	_, err = r.Invoke(context.Background(), "x")
	require.Error(t, err)
	require.Contains(t, err.Error(), "stock table missing")

	tr := rec.LastTrace()
	t.Log("\n" + tracetest.Tree(tr))
	// eino recovers the panic into the graph's error and calls no handler of the node: the
	// node's span ends with the graph's, with its error.
	require.Equal(t, "CHAIN fragile ERROR\n  CHAIN explode ERROR\n", tracetest.Tree(tr))
	require.Contains(t, span(t, tr, "fragile").Status.Message, "stock table missing")
	require.Contains(t, span(t, tr, "explode").Status.Message, "stock table missing")
}
