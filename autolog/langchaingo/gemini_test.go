package langchaingo_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/googleai"
	"github.com/tmc/langchaingo/prompts"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/tracetest"
)

// Gemini through langchaingo's googleai LLM: the handler gives the model span, its usage
// from the response's generation info (there is no Gemini HTTP adapter below it here).
func TestLLMChainGoogleAIHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestLLMChainWithGoogleAI.httprr")
	h := lcg.NewHandler()
	model, err := googleai.New(context.Background(), googleai.WithRest(), googleai.WithAPIKey("test-api-key"), googleai.WithHTTPClient(newClient(rp)))
	require.NoError(t, err)
	model.CallbacksHandler = h
	chain := chains.NewLLMChain(model, prompts.NewPromptTemplate("What is the capital of {{.country}}", []string{"country"}), chains.WithCallback(h))

	out, err := chains.Predict(context.Background(), chain, map[string]any{"country": "France"})
	require.NoError(t, err)

	var body struct {
		Candidates []struct {
			Content struct {
				Parts []struct {
					Text string `json:"text"`
				} `json:"parts"`
			} `json:"content"`
		} `json:"candidates"`
		Usage struct {
			Prompt     int64 `json:"promptTokenCount"`
			Candidates int64 `json:"candidatesTokenCount"`
			Total      int64 `json:"totalTokenCount"`
		} `json:"usageMetadata"`
	}
	require.NoError(t, json.Unmarshal(exs[0].ResponseBody, &body))
	recorded := body.Candidates[0].Content.Parts[0].Text
	assert.Equal(t, strings.TrimSpace(recorded), out) // LLMChain's output parser trims

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN LLMChain OK\n  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	m := modelSpans(tr)[0]
	u, ok := m.TokenUsage()
	require.True(t, ok)
	assert.Equal(t, tracedata.TokenUsage{InputTokens: body.Usage.Prompt, OutputTokens: body.Usage.Candidates, TotalTokens: body.Usage.Total}, u)
	var resp struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	require.NoError(t, json.Unmarshal(m.Outputs(), &resp))
	assert.Equal(t, recorded, resp.Choices[0].Message.Content)
	assert.Zero(t, rp.Unused())
}
