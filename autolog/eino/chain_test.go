package eino_test

import (
	"context"
	"testing"

	"github.com/cloudwego/eino/components/prompt"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// autolog turns the global handler on for the test.
func autolog(t *testing.T, opts ...eino.Option) {
	t.Helper()
	t.Cleanup(eino.Autolog(opts...))
}

func TestChainPromptModel(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(_ int, req *fakeopenai.ChatRequest) reply {
		return say("Lisbon is the capital of Portugal.")
	})
	ctx := context.Background()
	tpl := prompt.FromMessages(schema.FString,
		schema.SystemMessage("You answer in one sentence."),
		schema.UserMessage("What is the capital of {country}?"))
	chain := compose.NewChain[map[string]any, *schema.Message]()
	chain.AppendChatTemplate(tpl, compose.WithNodeName("prompt")).
		AppendChatModel(fm.chatModel(t), compose.WithNodeName("model"))
	r, err := chain.Compile(ctx, compose.WithGraphName("capital"))
	require.NoError(t, err)
	out, err := r.Invoke(ctx, map[string]any{"country": "Portugal"})
	require.NoError(t, err)
	require.Equal(t, "Lisbon is the capital of Portugal.", out.Content)

	tr := rec.LastTrace()
	require.Equal(t, "CHAIN capital OK\n  PARSER prompt OK\n  CHAT_MODEL model OK\n", tracetest.Tree(tr))
	root := span(t, tr, "capital")
	require.Equal(t, `"Chain"`, attr(root, eino.KeyComponent))
	requireJSON(t, `{"country":"Portugal"}`, attr(root, spantypes.KeySpanInputs))
	requireJSON(t, `{"role":"assistant","content":"Lisbon is the capital of Portugal."}`, attr(root, spantypes.KeySpanOutputs))

	tpl2 := span(t, tr, "prompt")
	requireJSON(t, `{"country":"Portugal"}`, attr(tpl2, spantypes.KeySpanInputs))
	requireJSON(t, `{"messages":[{"role":"system","content":"You answer in one sentence."},{"role":"user","content":"What is the capital of Portugal?"}]}`,
		attr(tpl2, spantypes.KeySpanOutputs))

	model := span(t, tr, "model")
	require.Equal(t, root.SpanID, model.ParentID)
	for k, want := range map[string]string{
		eino.KeyType:                            `"OpenAI"`,
		spantypes.KeyGenAIOperationName:         `"chat"`,
		spantypes.KeyGenAIProviderName:          `"openai"`,
		spantypes.KeyLLMProvider:                `"openai"`,
		spantypes.KeyGenAIRequestModel:          `"gpt-4o-mini"`,
		spantypes.KeyLLMModel:                   `"gpt-4o-mini"`,
		spantypes.KeyGenAIResponseFinishReasons: `["stop"]`,
		spantypes.KeyGenAIUsageInputTokens:      `26`,
		spantypes.KeyGenAIUsageOutputTokens:     `9`,
	} {
		require.Equal(t, want, attr(model, k), k)
	}
	requireJSON(t, `{"input_tokens":26,"output_tokens":9,"total_tokens":35}`, attr(model, spantypes.KeyChatTokenUsage))
	requireJSON(t, `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You answer in one sentence."},{"role":"user","content":"What is the capital of Portugal?"}]}`,
		attr(model, spantypes.KeySpanInputs))
	requireJSON(t, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Lisbon is the capital of Portugal."},"finish_reason":"stop"}]}`,
		attr(model, spantypes.KeySpanOutputs))
}
