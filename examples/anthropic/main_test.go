package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestAnthropic runs the program offline, replaying its cassette, and checks its output and
// its trace: the tree, the two model spans' usage, tools and assembled stream, the preview.
func TestAnthropic(t *testing.T) {
	for k, v := range map[string]string{keyEnv: "", "ANTHROPIC_BASE_URL": "", "AGENTLENS_RECORD": ""} {
		t.Setenv(k, v) // replay, even on a machine with a key
	}
	traces := tracetest.Capture(t)
	transport := http.DefaultTransport
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, transport, http.DefaultTransport, "run puts http.DefaultTransport back")

	answer := strings.Join(fakeAnswer, "")
	printed := out.String()
	assert.Contains(t, printed, "(offline: replaying recordings/cassettes/examples/anthropic.yaml")
	assert.Contains(t, printed, "model: get_weather(map[city:Paris])\n")
	assert.Contains(t, printed, "model: "+answer+"\n")
	assert.Contains(t, printed, "└─ AGENT weather assistant OK")

	all := traces.Traces()
	require.Len(t, all, 1)
	tr := all[0]
	require.Equal(t, "AGENT weather assistant OK\n"+
		"  CHAT_MODEL Messages.create OK\n"+
		"  TOOL get_weather OK\n"+
		"  CHAT_MODEL Messages.create OK\n", tracetest.Tree(tr))
	calls := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	require.Len(t, calls, 2)
	for i, want := range []tracedata.TokenUsage{
		{InputTokens: 412, OutputTokens: 67, TotalTokens: 479},
		{InputTokens: 521, OutputTokens: 17, TotalTokens: 538},
	} {
		got, ok := calls[i].TokenUsage()
		assert.True(t, ok)
		assert.Equal(t, want, got, "call %d", i)
		assert.Contains(t, string(calls[i].Attribute(spantypes.KeyChatTools)), `"name":"get_weather"`)
	}
	assert.Equal(t, `["tool_use"]`, string(calls[0].Attribute(spantypes.KeyGenAIResponseFinishReasons)))
	assert.Contains(t, string(calls[1].Outputs()), `"text":"`+answer+`"`, "the stream is assembled")
	assert.Len(t, calls[1].Events, 9, "one chunk event per server-sent event")
	assert.Equal(t, answer, tr.Info.ResponsePreview)
	assert.Equal(t, question, tr.Info.RequestPreview)
}
