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
	t.Log("\n" + tracetest.Tree(tr))
	for _, s := range tr.Spans {
		t.Logf("%s %v", s.Name, s.Attributes)
	}
}
