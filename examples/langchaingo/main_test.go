package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestLangchaingo runs the program offline, replaying its cassette, and checks both traces.
func TestLangchaingo(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "") // replay even on a machine with a key
	t.Setenv("AGENTLENS_RECORD", "")
	rec := tracetest.Capture(t)
	before := http.DefaultTransport

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, before, http.DefaultTransport, "run restores http.DefaultTransport")

	var agent, qa = -1, -1
	trs := rec.Traces()
	for i, tr := range trs {
		switch tr.Info.Tags["mlflow.traceName"] {
		case "AgentExecutor":
			agent = i
		case "RetrievalQA":
			qa = i
		}
	}
	require.GreaterOrEqual(t, agent, 0, "an agent trace")
	require.GreaterOrEqual(t, qa, 0, "a QA trace")

	at := trs[agent]
	assert.Equal(t, "AGENT AgentExecutor OK\n"+
		"  CHAT_MODEL GenerateContent OK\n"+
		"  TOOL calculator OK\n"+
		"  CHAT_MODEL GenerateContent OK\n"+
		"  TOOL order_status OK\n"+
		"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(at))
	tools := at.SearchSpans(core.SpanQuery{Type: spantypes.Tool})
	assert.JSONEq(t, `"3 * 12"`, string(tools[0].Inputs()))
	assert.JSONEq(t, `"36"`, string(tools[0].Outputs()))
	assert.JSONEq(t, `"A-1042"`, string(tools[1].Inputs()))
	assert.JSONEq(t, `{"output":"`+fakeAgentAnswer+`"}`, string(at.RootSpan().Outputs()))
	for _, s := range at.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel}) {
		// One span per API call, enriched by the OpenAI adapter below the LLM.
		assert.Equal(t, chatModel, s.StringAttribute(spantypes.KeyGenAIRequestModel))
		assert.NotEmpty(t, s.StringAttribute(spantypes.KeyGenAIResponseID))
		_, ok := s.TokenUsage()
		assert.True(t, ok)
	}
	actions := 0
	for _, e := range at.RootSpan().Events {
		if e.Name == lcg.AgentActionEvent {
			actions++
		}
	}
	assert.Equal(t, 2, actions)

	qt := trs[qa]
	assert.Equal(t, "CHAIN RetrievalQA OK\n"+
		"  RETRIEVER retriever OK\n"+
		"    EMBEDDING embeddings.EmbedderImpl.EmbedQuery OK\n"+
		"  CHAIN StuffDocuments OK\n"+
		"    CHAIN LLMChain OK\n"+
		"      CHAT_MODEL GenerateContent OK\n", tracetest.Tree(qt))
	r := qt.SearchSpans(core.SpanQuery{Type: spantypes.Retriever})[0]
	var docs []struct {
		PageContent string `json:"page_content"`
		ID          string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(r.Outputs(), &docs))
	require.Len(t, docs, 1)
	assert.Equal(t, documents[0], docs[0].PageContent)
	assert.Equal(t, "doc-0", docs[0].ID)
	emb := qt.SearchSpans(core.SpanQuery{Type: spantypes.Embedding})[0]
	assert.Equal(t, embeddingModel, emb.StringAttribute(spantypes.KeyGenAIRequestModel))
	chat := qt.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})[0]
	assert.Contains(t, string(chat.Inputs()), "returned within 30 days")
	assert.Contains(t, qt.Info.ResponsePreview, fakeQAAnswer)

	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/langchaingo.yaml",
		"agent answer: " + fakeAgentAnswer + "\n",
		"qa answer: " + fakeQAAnswer + "\n",
		"└─ AGENT AgentExecutor OK",
		"│  └─ EMBEDDING embeddings.EmbedderImpl.EmbedQuery OK",
	} {
		assert.True(t, strings.Contains(out.String(), want), "output lacks %q:\n%s", want, out.String())
	}
}
