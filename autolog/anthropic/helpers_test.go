package anthropic_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// expect is what a Messages.create span must hold; empty fields must be absent.
type expect struct {
	status       string // "OK" (default) or "ERROR"
	message      string // the status message of an ERROR span
	model        string // requested
	respModel    string
	respID       string
	stopReason   string
	usage        *tracedata.TokenUsage
	usageJSON    string // mlflow.chat.tokenUsage as JSON, when it carries the cache counts
	inputs       string // JSON values the span's must equal
	outputs      string
	tools        string
	apiErrorType string
	httpStatus   string
	events       int  // chunk events
	streamed     bool // time to first token is set
}

func tokens(in, out int64) *tracedata.TokenUsage {
	return &tracedata.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: in + out}
}

// assertSpan checks a span against e.
func assertSpan(t *testing.T, s *tracedata.Span, e expect) {
	t.Helper()
	require.NotNil(t, s)
	assert.Equal(t, "Messages.create", s.Name)
	assert.Equal(t, spantypes.ChatModel, s.SpanType())
	if e.status == "" {
		e.status = "OK"
	}
	assert.Equal(t, e.status, string(s.Status.Code), "status %q", s.Status.Message)
	if e.message != "" {
		assert.Equal(t, e.message, s.Status.Message)
	}
	attrs := map[string]string{
		spantypes.KeyMessageFormat:      "anthropic",
		spantypes.KeyLLMProvider:        "anthropic",
		spantypes.KeyGenAIProviderName:  "anthropic",
		spantypes.KeyGenAIOperationName: "chat",
		spantypes.KeyLLMModel:           e.model,
		spantypes.KeyGenAIRequestModel:  e.model,
		spantypes.KeyGenAIResponseModel: e.respModel,
		spantypes.KeyGenAIResponseID:    e.respID,
		spantypes.KeyAPIErrorType:       e.apiErrorType,
	}
	for k, want := range attrs {
		assert.Equal(t, want, s.StringAttribute(k), k)
	}
	assert.Equal(t, e.httpStatus, string(s.Attribute(spantypes.KeyHTTPStatusCode)), "HTTP status attribute")
	reasons := ""
	if e.stopReason != "" {
		reasons = `["` + e.stopReason + `"]`
	}
	assert.Equal(t, reasons, string(s.Attribute(spantypes.KeyGenAIResponseFinishReasons)))
	u, ok := s.TokenUsage()
	if e.usage == nil {
		assert.False(t, ok, "token usage %+v", u)
	} else {
		assert.True(t, ok, "no token usage")
		assert.Equal(t, *e.usage, u)
	}
	if e.usageJSON != "" {
		assert.JSONEq(t, e.usageJSON, string(s.Attribute(spantypes.KeyChatTokenUsage)))
	}
	jsonOrAbsent(t, "inputs", e.inputs, s.Inputs())
	jsonOrAbsent(t, "outputs", e.outputs, s.Outputs())
	jsonOrAbsent(t, "tools", e.tools, s.Attribute(spantypes.KeyChatTools))
	assert.Len(t, chunkEvents(s), e.events, "chunk events")
	_, ttft := s.Attributes[spantypes.KeyTimeToFirstTokenMS]
	assert.Equal(t, e.streamed, ttft, "time to first token set")
	assert.NotContains(t, string(mustJSON(t, s)), testKey, "the API key reached the span")
}

func jsonOrAbsent(t *testing.T, what, want string, got []byte) {
	t.Helper()
	if want == "" {
		assert.Nil(t, got, "%s: want none", what)
		return
	}
	if assert.NotNil(t, got, "%s missing", what) {
		assert.JSONEq(t, want, string(got), what)
	}
}

func chunkEvents(s *tracedata.Span) []tracedata.Event {
	var out []tracedata.Event
	for _, ev := range s.Events {
		if strings.HasPrefix(ev.Name, spantypes.ChunkEventPrefix) {
			out = append(out, ev)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
