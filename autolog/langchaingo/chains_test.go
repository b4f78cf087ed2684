package langchaingo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/prompts"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/tracetest"
)

// recorded is what a recorded chat completion answered.
type recorded struct {
	Content string
	Usage   tracedata.TokenUsage
}

func recordedChat(t *testing.T, ex httprr.Exchange) recorded {
	t.Helper()
	var body struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
		Usage struct {
			Prompt     int64 `json:"prompt_tokens"`
			Completion int64 `json:"completion_tokens"`
			Total      int64 `json:"total_tokens"`
		} `json:"usage"`
	}
	require.NoError(t, json.Unmarshal(ex.ResponseBody, &body), "recorded response of %s #%d", ex.File, ex.Index)
	require.NotEmpty(t, body.Choices)
	return recorded{
		Content: body.Choices[0].Message.Content,
		Usage:   tracedata.TokenUsage{InputTokens: body.Usage.Prompt, OutputTokens: body.Usage.Completion, TotalTokens: body.Usage.Total},
	}
}

// assertModelSpan checks a model span against the recorded exchange it made.
func assertModelSpan(t *testing.T, s *tracedata.Span, ex httprr.Exchange) {
	t.Helper()
	want := recordedChat(t, ex)
	u, ok := s.TokenUsage()
	require.True(t, ok, "span %s has no token usage", s.Name)
	assert.Equal(t, want.Usage, u, "usage of %s", s.Name)
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	require.NoError(t, json.Unmarshal(s.Outputs(), &out), "outputs of %s: %s", s.Name, s.Outputs())
	require.NotEmpty(t, out.Choices)
	assert.Equal(t, want.Content, out.Choices[0].Message.Content)
}

func TestLLMChainHandler(t *testing.T) {
	rp, exs := recording(t, "chains/testdata/TestLLMChain.httprr")
	llmChainHandler(t, rp, exs)
}

func llmChainHandler(t *testing.T, rp *httprr.Replay, exs []httprr.Exchange) {
	rec := tracetest.Capture(t)
	h := lcg.NewHandler()
	llm := newLLM(t, rp)
	llm.CallbacksHandler = h
	prompt := prompts.NewPromptTemplate("What is the capital of {{.country}}", []string{"country"})
	chain := chains.NewLLMChain(llm, prompt, chains.WithCallback(h))

	out, err := chains.Predict(context.Background(), chain, map[string]any{"country": "France"})
	require.NoError(t, err)
	assert.Equal(t, recordedChat(t, exs[0]).Content, out)

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN LLMChain OK\n"+
		"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	root := tr.RootSpan()
	assert.JSONEq(t, `{"country":"France"}`, string(root.Inputs()))
	assert.JSONEq(t, `{"text":`+string(must(json.Marshal(out)))+`}`, string(root.Outputs()))
	m := modelSpans(tr)
	require.Len(t, m, 1)
	assertModelSpan(t, m[0], exs[0])
	assert.JSONEq(t, `{"messages":[{"role":"user","content":"What is the capital of France"}]}`, string(m[0].Inputs()))
	assert.Equal(t, "LLMChain", tr.Info.Tags["mlflow.traceName"])
	assert.Zero(t, rp.Unused())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
