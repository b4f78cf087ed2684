package sdk_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

// A call traced by the OpenAI adapter (which records the model and the usage on the export
// goroutine) is priced from the table: the request names gpt-4o-mini, the response
// gpt-4o-mini-2024-07-18.
func TestAdapterSpansArePriced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fakeopenai.WriteCompletion(w, "priced", 1700000000, "Hello!", nil, fakeopenai.NewUsage(2000, 1000))
	}))
	defer srv.Close()
	// The client's idle connection ends with the test (goleak checks the package).
	defer http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	rec := agtest.Capture(t, sdk.WithModelPrices(map[string]sdk.ModelPrice{
		"gpt-4o":      {InputPerMillion: 2.5, OutputPerMillion: 10},
		"gpt-4o-mini": {InputPerMillion: 0.15, OutputPerMillion: 0.6},
	}))
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := openai.HTTPClient().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	root.End()

	tr := rec.LastTrace()
	chat := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})
	require.Len(t, chat, 1)
	assert.Equal(t, `"gpt-4o-mini"`, chat[0].Attributes[spantypes.KeyLLMModel])
	assert.Equal(t, `{"input_tokens":2000,"output_tokens":1000,"total_tokens":3000}`, chat[0].Attributes[spantypes.KeyChatTokenUsage])
	assert.Equal(t, `{"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009}`, chat[0].Attributes[spantypes.KeyLLMCost])
	assert.Equal(t, `{"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009}`, tr.Info.Metadata[spantypes.MetaCost])
}
