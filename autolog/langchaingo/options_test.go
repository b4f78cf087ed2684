package langchaingo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/httputil"
	"github.com/tmc/langchaingo/prompts"

	"github.com/agentlens/agentlens/autolog"
	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/tracetest"
)

func TestCaptureContentOff(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestLLMChain.httprr")
	h := lcg.NewHandler(lcg.WithCaptureContent(false))
	llm := newLLM(t, lcg.NewTransport(rp, lcg.WithCaptureContent(false)), withCallback(h))
	chain := chains.NewLLMChain(llm, prompts.NewPromptTemplate("What is the capital of {{.country}}", []string{"country"}), chains.WithCallback(h))
	_, err := chains.Predict(context.Background(), chain, map[string]any{"country": "France"})
	require.NoError(t, err)

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN LLMChain OK\n  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	for _, s := range tr.Spans {
		assert.Nil(t, s.Inputs(), "inputs of %s", s.Name)
		assert.Nil(t, s.Outputs(), "outputs of %s", s.Name)
	}
	u, ok := modelSpans(tr)[0].TokenUsage()
	require.True(t, ok, "usage is not content")
	assert.Equal(t, recordedChat(t, exs[0]).Usage, u)
}

func TestSuppressed(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, _ := recording(t, "chains/testdata/TestLLMChain.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, lcg.NewTransport(rp), withCallback(h))
	chain := lcg.WrapChain(chains.NewLLMChain(lcg.WrapModel(llm), prompts.NewPromptTemplate("What is the capital of {{.country}}", []string{"country"}), chains.WithCallback(h)))
	before := lcg.Stats()
	_, err := chains.Predict(core.Suppress(context.Background()), chain, map[string]any{"country": "France"})
	require.NoError(t, err)
	assert.Empty(t, rec.Traces())
	assert.Equal(t, before, lcg.Stats(), "nothing counted under Suppress")
}

func TestAutologRegistered(t *testing.T) {
	require.True(t, slices.Contains(autolog.Registered(), "langchaingo"))
	inner := httputil.DefaultTransport.(*httputil.Transport)
	before := inner.Transport
	undo := autolog.Enable()
	assert.NotSame(t, before, inner.Transport)
	undo()
	assert.Same(t, before, inner.Transport, "Disable restores langchaingo's inner transport")

	// Autolog twice wraps once; its undo restores the original.
	u1 := lcg.Autolog()
	first := inner.Transport
	u2 := lcg.Autolog()
	second := inner.Transport
	assert.NotSame(t, first, second)
	u1() // an undo of a replaced Autolog changes nothing
	assert.Same(t, second, inner.Transport)
	u2()
	assert.Same(t, before, inner.Transport)
}

// The wrappers' types keep the interfaces of what they wrap.
func TestWrappersUnwrap(t *testing.T) {
	rp, _ := recording(t, "chains/testdata/TestLLMChain.httprr")
	llm := newLLM(t, rp)
	m := lcg.WrapModel(llm)
	assert.Same(t, m, lcg.WrapModel(m), "wrapping twice wraps once")
	assert.Equal(t, llm, m.Unwrap())
	c := chains.NewLLMChain(m, prompts.NewPromptTemplate("x", nil))
	wc := lcg.WrapChain(c)
	assert.Equal(t, c.GetInputKeys(), wc.GetInputKeys())
	assert.Equal(t, c.GetOutputKeys(), wc.GetOutputKeys())
	assert.Equal(t, c.GetMemory(), wc.GetMemory())
}
