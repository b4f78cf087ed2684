package eino_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cloudwego/eino/components/prompt"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

const poem = "Rain on the river, light on the hill."

// waitTraces waits until n traces were recorded: a streamed span ends on the handler's
// goroutine, once eino's stream has ended.
func waitTraces(t *testing.T, rec *tracetest.Recorder, n int) []*tracedata.Trace {
	t.Helper()
	var got []*tracedata.Trace
	require.Eventually(t, func() bool {
		got = rec.Traces()
		return len(got) >= n
	}, 5*time.Second, 5*time.Millisecond)
	require.Len(t, got, n)
	return got
}

func chunkEvents(s *tracedata.Span) []tracedata.Event {
	var out []tracedata.Event
	for _, e := range s.Events {
		if strings.HasPrefix(e.Name, "mlflow.chunk.item.") {
			out = append(out, e)
		}
	}
	return out
}

func TestStreamedModelReadToEnd(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	cm := fm.chatModel(t)

	sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("A short poem, please.")})
	require.NoError(t, err)
	var got strings.Builder
	n := 0
	for {
		m, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		got.WriteString(m.Content)
		n++
	}
	sr.Close()
	require.Equal(t, poem, got.String()) // the program reads what it always did

	tr := waitTraces(t, rec, 1)[0]
	// A standalone eino-ext model has no node name: the span takes its type.
	require.Equal(t, "CHAT_MODEL OpenAI OK\n", tracetest.Tree(tr))
	s := tr.RootSpan()
	pieces := fakeopenai.SplitTokens(poem)
	require.Equal(t, len(pieces)+1, n, "the pieces, then the finish and usage message")
	ev := chunkEvents(s)
	require.Len(t, ev, n)
	require.Equal(t, "mlflow.chunk.item.0", ev[0].Name)
	requireJSON(t, `{"role":"assistant","content":"Rain"}`, ev[0].Attributes[spantypes.KeyChunkValue].(string))
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"`+poem+`"},"finish_reason":"stop"}]}`,
		attr(s, spantypes.KeySpanOutputs))
	require.Equal(t, `["stop"]`, attr(s, spantypes.KeyGenAIResponseFinishReasons))
	requireJSON(t, `{"input_tokens":13,"output_tokens":10,"total_tokens":23}`, attr(s, spantypes.KeyChatTokenUsage))
}

func TestStreamedModelClosedEarly(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	cm := fm.chatModel(t)

	sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("A short poem, please.")})
	require.NoError(t, err)
	m, err := sr.Recv()
	require.NoError(t, err)
	require.Equal(t, "Rain", m.Content)
	sr.Close() // the program stops reading after one chunk

	// eino feeds every copy of a stream from one source, which runs until all copies are
	// closed: the handler's copy reads the rest, and the span ends when the stream does.
	tr := waitTraces(t, rec, 1)[0]
	require.Equal(t, "CHAT_MODEL OpenAI OK\n", tracetest.Tree(tr))
	s := tr.RootSpan()
	require.Len(t, chunkEvents(s), len(fakeopenai.SplitTokens(poem))+1)
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"`+poem+`"},"finish_reason":"stop"}]}`,
		attr(s, spantypes.KeySpanOutputs))
}

func TestStreamedModelFails(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return reply{status: 500} })
	cm := fm.chatModel(t)

	_, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("A short poem, please.")})
	require.Error(t, err)
	tr := waitTraces(t, rec, 1)[0]
	require.Equal(t, "CHAT_MODEL OpenAI ERROR\n", tracetest.Tree(tr))
	require.Contains(t, tr.RootSpan().Status.Message, "500")
}

func TestStreamedChain(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	ctx := context.Background()
	chain := compose.NewChain[map[string]any, *schema.Message]()
	chain.AppendChatTemplate(prompt.FromMessages(schema.FString, schema.UserMessage("A poem about {topic}.")), compose.WithNodeName("prompt")).
		AppendChatModel(fm.chatModel(t), compose.WithNodeName("model"))
	r, err := chain.Compile(ctx, compose.WithGraphName("poet"))
	require.NoError(t, err)

	sr, err := r.Stream(ctx, map[string]any{"topic": "rain"})
	require.NoError(t, err)
	msg, err := schema.ConcatMessageStream(sr)
	require.NoError(t, err)
	require.Equal(t, poem, msg.Content)

	tr := waitTraces(t, rec, 1)[0]
	require.Equal(t, "CHAIN poet OK\n  PARSER prompt OK\n  CHAT_MODEL model OK\n", tracetest.Tree(tr))
	root := span(t, tr, "poet")
	requireJSON(t, `{"role":"assistant","content":"`+poem+`"}`, attr(root, spantypes.KeySpanOutputs))
	require.NotEmpty(t, chunkEvents(root))
	model := span(t, tr, "model")
	require.LessOrEqual(t, model.EndTimeUnixNano, root.EndTimeUnixNano)
	require.Len(t, chunkEvents(model), len(fakeopenai.SplitTokens(poem))+1)
}

// A ReAct agent run as a stream: the model streams two tool calls (their arguments in
// pieces, by index), the ToolsNode runs them, the model streams the answer. The graph's input
// (one chunk of eino's stream) is recorded as the messages, the ToolsNode's output (a message
// list a tool) as the tool messages in call order, each model span as its assembled answer.
func TestStreamedReActAgent(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	lisbon := call("call_L0000000000000000000001", "get_weather", `{"city":"Lisbon"}`)
	porto := call("call_P0000000000000000000001", "get_weather", `{"city":"Porto"}`)
	both := reply{calls: append(lisbon.calls, porto.calls...)}
	fm := newFakeModel(t, func(n int, req *fakeopenai.ChatRequest) reply {
		if req.LastRole() == "tool" {
			return say("Both are sunny.")
		}
		return both
	})
	ctx := context.Background()
	agent, err := react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: fm.chatModel(t),
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{weatherTool(t)}},
	})
	require.NoError(t, err)
	sr, err := agent.Stream(ctx, []*schema.Message{schema.UserMessage("Lisbon or Porto?")})
	require.NoError(t, err)
	msg, err := schema.ConcatMessageStream(sr)
	require.NoError(t, err)
	require.Equal(t, "Both are sunny.", msg.Content)

	tr := waitTraces(t, rec, 1)[0]
	require.Equal(t, strings.Join([]string{
		"CHAIN ReActAgent OK",
		"  CHAT_MODEL ChatModel OK",
		"  CHAIN Tools OK",
		"    TOOL get_weather OK",
		"    TOOL get_weather OK",
		"  CHAT_MODEL ChatModel OK",
		""}, "\n"), tracetest.Tree(tr))
	root := tr.RootSpan()
	requireJSON(t, `{"messages":[{"role":"user","content":"Lisbon or Porto?"}]}`, attr(root, spantypes.KeySpanInputs))
	requireJSON(t, `{"role":"assistant","content":"Both are sunny."}`, attr(root, spantypes.KeySpanOutputs))

	calls := `[{"id":"call_L0000000000000000000001","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lisbon\"}"}},` +
		`{"id":"call_P0000000000000000000001","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Porto\"}"}}]`
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	require.Len(t, models, 2)
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":`+calls+`}}]}`,
		attr(models[0], spantypes.KeySpanOutputs))
	u, ok := models[0].TokenUsage()
	require.True(t, ok)
	require.Equal(t, int64(both.outputTokens()), u.OutputTokens)

	tools := span(t, tr, "Tools")
	requireJSON(t, `{"role":"assistant","content":null,"tool_calls":`+calls+`}`, attr(tools, spantypes.KeySpanInputs))
	requireJSON(t, `{"messages":[`+
		`{"role":"tool","content":"{\"city\":\"Lisbon\",\"temperature_c\":24,\"conditions\":\"sunny\"}","tool_call_id":"call_L0000000000000000000001"},`+
		`{"role":"tool","content":"{\"city\":\"Porto\",\"temperature_c\":24,\"conditions\":\"sunny\"}","tool_call_id":"call_P0000000000000000000001"}]}`,
		attr(tools, spantypes.KeySpanOutputs))
}
