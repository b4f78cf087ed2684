package anthropic_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/httputil"
	"github.com/tmc/langchaingo/llms"
	lcanthropic "github.com/tmc/langchaingo/llms/anthropic"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/autolog/anthropic"
	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// langchaingoLLM returns langchaingo's Anthropic LLM for srv, with langchaingo's default
// HTTP client (whose inner transport the adapters wrap).
func langchaingoLLM(t *testing.T, srv *httptest.Server) *lcanthropic.LLM {
	t.Helper()
	llm, err := lcanthropic.New(lcanthropic.WithToken(testKey), lcanthropic.WithBaseURL(srv.URL+"/v1"), lcanthropic.WithModel(model))
	require.NoError(t, err)
	return llm
}

// keepInner restores langchaingo's inner transport when the test ends.
func keepInner(t *testing.T) *httputil.Transport {
	inner := httputil.DefaultTransport.(*httputil.Transport)
	saved := inner.Transport
	t.Cleanup(func() { inner.Transport = saved })
	return inner
}

// anthropic.Autolog reaches langchaingo's Anthropic LLM on its own: a plain and a streamed
// call are a span each.
func TestAutologReachesLangchaingo(t *testing.T) {
	inner := keepInner(t)
	before := inner.Transport
	rec := tracetest.Capture(t)
	plain := message("msg_01LangchaingoAgentlens", `[{"type":"text","text":"Paris."}]`, "end_turn", usageJSON(14, 0, 0, 4))
	_, srv := newFakeAPI(t, answer{body: plain}, streamedText())
	undo := anthropic.Autolog()
	llm := langchaingoLLM(t, srv)

	out, err := llms.GenerateFromSinglePrompt(context.Background(), llm, "Capital of France?")
	require.NoError(t, err)
	assert.Equal(t, "Paris.", out)
	var streamed string
	_, err = llm.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Why errors as values?")},
		llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error { streamed += string(chunk); return nil }))
	require.NoError(t, err)
	assert.Equal(t, "Go keeps errors as values.", streamed)

	trs := rec.Traces()
	require.Len(t, trs, 2)
	for i, tr := range trs {
		assert.Equal(t, oneSpan, tracetest.Tree(tr), "trace %d", i)
	}
	u, _ := trs[1].TokenUsage()
	assert.Equal(t, int64(125), u.InputTokens)
	undo()
	assert.Same(t, before, inner.Transport, "undo restores langchaingo's inner transport")
}

// With langchaingo's adapter, one model call is one model span, whichever adapter was
// turned on first: the wrapper's span, enriched by the Anthropic adapter below. (The
// handler is no help with langchaingo's Anthropic LLM: v0.1.14 starts its callbacks but
// never calls HandleLLMGenerateContentEnd.)
func TestOneModelSpanWithLangchaingo(t *testing.T) {
	for _, order := range []string{"autolog.Enable", "anthropic first", "langchaingo first"} {
		t.Run(order, func(t *testing.T) {
			keepInner(t)
			rec := tracetest.Capture(t)
			plain := message("msg_01HandlerAgentlens", `[{"type":"text","text":"Paris."}]`, "end_turn", usageJSON(14, 0, 0, 4))
			_, srv := newFakeAPI(t, answer{body: plain}, streamedText())
			switch order {
			case "autolog.Enable":
				t.Cleanup(autolog.Enable())
			case "anthropic first":
				t.Cleanup(anthropic.Autolog())
				t.Cleanup(lcg.Autolog())
			default:
				t.Cleanup(lcg.Autolog())
				t.Cleanup(anthropic.Autolog())
			}
			llm := lcg.WrapModel(langchaingoLLM(t, srv))
			_, err := llms.GenerateFromSinglePrompt(context.Background(), llm, "Capital of France?")
			require.NoError(t, err)
			_, err = llm.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Why?")},
				llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
			require.NoError(t, err)

			trs := rec.Traces()
			require.Len(t, trs, 2)
			for i, tr := range trs {
				require.Equal(t, "CHAT_MODEL anthropic.LLM OK\n", tracetest.Tree(tr), "trace %d", i)
				s := tr.RootSpan()
				assert.Equal(t, "anthropic", s.StringAttribute(spantypes.KeyMessageFormat))
				assert.Equal(t, model, s.StringAttribute(spantypes.KeyGenAIResponseModel), "enriched by the Anthropic adapter")
			}
			assert.Equal(t, "msg_01HandlerAgentlens", trs[0].RootSpan().StringAttribute(spantypes.KeyGenAIResponseID))
			assert.Equal(t, "msg_01StreamAgentlens", trs[1].RootSpan().StringAttribute(spantypes.KeyGenAIResponseID))
			u, ok := trs[1].RootSpan().TokenUsage()
			require.True(t, ok)
			assert.Equal(t, int64(14), u.OutputTokens)
		})
	}
}
