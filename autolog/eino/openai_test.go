package eino_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	registry "github.com/agentlens/agentlens/autolog"
	oaiautolog "github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// With the OpenAI adapter's wrap of http.DefaultTransport on as well, each API call of
// eino-ext's OpenAI ChatModel is one CHAT_MODEL span: eino's, which the HTTP adapter
// enriches with what only the wire shows (the response model and id).
func TestWithOpenAIAutologOneModelSpanPerCall(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	t.Cleanup(oaiautolog.Autolog())
	fm := newFakeModel(t, func(n int, req *fakeopenai.ChatRequest) reply {
		if strings.Contains(lastUser(req), "Lisbon") && req.LastRole() != "tool" {
			return call("call_W0000000000000000000001", "get_weather", `{"city":"Lisbon"}`)
		}
		return say(poem)
	})
	ctx := context.Background()

	// A graph with two model calls' worth of work in one run: the tool call, then a plain one.
	r := weatherGraph(t, fm)
	_, err := r.Invoke(ctx, []*schema.Message{schema.UserMessage("Weather in Lisbon?")})
	require.NoError(t, err)
	_, err = r.Invoke(ctx, []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)

	// And a streamed call of the model on its own.
	sr, err := fm.chatModel(t).Stream(ctx, []*schema.Message{schema.UserMessage("A poem, streamed")})
	require.NoError(t, err)
	msg, err := schema.ConcatMessageStream(sr)
	require.NoError(t, err)
	require.Equal(t, poem, msg.Content)

	traces := waitTraces(t, rec, 3)
	require.Equal(t, 3, fm.requests())
	var models []*tracedata.Span
	for _, tr := range traces {
		models = append(models, tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})...)
		require.Empty(t, tr.SearchSpans(tracedata.SpanQuery{Name: "Completions"}), "no span of the HTTP adapter's own")
	}
	require.Len(t, models, 3, "one model span per API call")
	for _, s := range models {
		// eino's span, as eino named it, enriched by the HTTP adapter.
		require.Contains(t, []string{"model", "OpenAI"}, s.Name)
		require.Equal(t, `"openai"`, attr(s, spantypes.KeyMessageFormat))
		require.Equal(t, mustJSON(fakeopenai.Model), attr(s, spantypes.KeyGenAIResponseModel))
		require.True(t, strings.HasPrefix(attr(s, spantypes.KeyGenAIResponseID), `"chatcmpl-`), attr(s, spantypes.KeyGenAIResponseID))
		require.NotEmpty(t, attr(s, spantypes.KeyChatTokenUsage))
	}
	require.Equal(t, "CHAIN weather OK\n  CHAT_MODEL model OK\n  CHAIN tools OK\n    TOOL get_weather OK\n  CHAIN answer OK\n", tracetest.Tree(traces[0]))
	require.Equal(t, "CHAT_MODEL OpenAI OK\n", tracetest.Tree(traces[2]))
	// Each chunk is recorded once: the wire's server-sent events (the role, the pieces, the
	// finish and the usage), which the HTTP adapter records, and not eino's messages too.
	ev := chunkEvents(traces[2].RootSpan())
	require.Len(t, ev, len(fakeopenai.SplitTokens(poem))+3)
	for _, e := range ev {
		require.Contains(t, e.Attributes[spantypes.KeyChunkValue], `"object":"chat.completion.chunk"`)
	}
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"`+poem+`"},"finish_reason":"stop"}]}`,
		attr(traces[2].RootSpan(), spantypes.KeySpanOutputs))
}

func TestRegisteredWithAutolog(t *testing.T) {
	require.Contains(t, registry.Registered(), "eino")
	rec := tracetest.Capture(t)
	undo := registry.Enable(registry.WithCaptureContent(false))
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	_, err := fm.chatModel(t).Generate(context.Background(), []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)
	undo()
	tr := rec.LastTrace()
	require.Equal(t, "CHAT_MODEL OpenAI OK\n", tracetest.Tree(tr))
	// Enable's option reached the adapters: no content.
	require.Empty(t, attr(tr.RootSpan(), spantypes.KeySpanInputs))
	require.Empty(t, attr(tr.RootSpan(), spantypes.KeySpanOutputs))

	// Undone: nothing more is traced.
	rec.Reset()
	_, err = fm.chatModel(t).Generate(context.Background(), []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)
	require.Empty(t, rec.Traces())
}
