package langchaingo_test

import (
	"context"
	"testing"

	"github.com/tmc/langchaingo/llms"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/tracetest"
)

// The four callbacks of one LLMChain run allocate a bounded amount, spans included. The count
// is the whole process's, so it also takes in some of the export goroutine's assembly of the
// finished traces, depending on when that runs: 45 to 75 when this was written (the
// benchmark's 70 allocs/op is the same figure with assembly always counted).
func TestHandlerAllocs(t *testing.T) {
	rec := tracetest.Capture(t)
	h := lcg.NewHandler()
	ctx := context.Background()
	in := map[string]any{"country": "France"}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France")}
	resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "Paris.", StopReason: "stop",
		GenerationInfo: map[string]any{"PromptTokens": 14, "CompletionTokens": 2, "TotalTokens": 16}}}}
	out := map[string]any{"text": "Paris."}
	allocs := testing.AllocsPerRun(100, func() {
		h.HandleChainStart(ctx, in)
		h.HandleLLMGenerateContentStart(ctx, msgs)
		h.HandleLLMGenerateContentEnd(ctx, resp)
		h.HandleChainEnd(ctx, out)
	})
	if allocs > 100 {
		t.Errorf("one LLMChain run's callbacks allocate %.0f times, want at most 100", allocs)
	}
	t.Logf("%.0f allocations per run of four callbacks", allocs)

	// Under Suppress the handler allocates nothing (measured once the export goroutine has
	// assembled what came before).
	rec.Traces()
	sctx := context.Background()
	sctx = suppress(sctx)
	if n := testing.AllocsPerRun(100, func() {
		h.HandleChainStart(sctx, in)
		h.HandleLLMGenerateContentStart(sctx, msgs)
		h.HandleLLMGenerateContentEnd(sctx, resp)
		h.HandleChainEnd(sctx, out)
	}); n != 0 {
		t.Errorf("suppressed callbacks allocate %.0f times, want 0", n)
	}
}
