package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	vcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestEino runs the program offline, replaying its cassette, and checks its trace against
// what the cassette holds.
func TestEino(t *testing.T) {
	// The tracing handler reads its copies of eino's streams on goroutines of its own: none
	// outlives the run. Registered first, the check runs after the other cleanups (the
	// capturing SDK's shutdown among them).
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	t.Setenv("OPENAI_API_KEY", "") // replay even on a machine with a key
	t.Setenv("AGENTLENS_RECORD", "")
	rec := tracetest.Capture(t)
	before := http.DefaultTransport

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, before, http.DefaultTransport, "run restores http.DefaultTransport")

	traces := rec.Traces()
	require.Len(t, traces, 1)
	tr := traces[0]
	tr.ExpandChunks()
	require.Equal(t, strings.Join([]string{
		"CHAIN ReActAgent OK",
		"  CHAT_MODEL ChatModel OK",
		"  CHAIN Tools OK",
		"    TOOL get_weather OK",
		"    TOOL get_weather OK",
		"  CHAT_MODEL ChatModel OK",
		""}, "\n"), tracetest.Tree(tr))
	require.Len(t, tr.Spans, 6, "no span but eino's: the HTTP adapter adds none of its own")
	root := tr.RootSpan()
	assert.JSONEq(t, mustJSON(t, map[string]any{"messages": []map[string]string{
		{"role": "system", "content": system}, {"role": "user", "content": question}}}), string(root.Inputs()))
	assert.JSONEq(t, mustJSON(t, map[string]string{"role": "assistant", "content": fakeAnswer}), string(root.Outputs()))

	// One CHAT_MODEL span per API call of the cassette: eino's, streamed, which the HTTP
	// adapter enriched with that call's response id.
	wire := cassetteCalls(t)
	require.Len(t, wire, 2)
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	require.Len(t, models, len(wire), "one model span per API call")
	var sum tracedata.TokenUsage
	for i, s := range models {
		assert.Equal(t, root.SpanID, s.ParentID)
		assert.Equal(t, wire[i].id, s.StringAttribute(spantypes.KeyGenAIResponseID), "model span %d", i)
		assert.Equal(t, chatModel, s.StringAttribute(spantypes.KeyGenAIRequestModel))
		assert.Contains(t, string(s.Attribute(spantypes.KeyChatTools)), `"name":"get_weather"`)
		u, ok := s.TokenUsage()
		require.True(t, ok, "model span %d has token usage", i)
		assert.Equal(t, wire[i].usage, u, "model span %d: the usage the API reported", i)
		sum.InputTokens += u.InputTokens
		sum.OutputTokens += u.OutputTokens
		sum.TotalTokens += u.TotalTokens
		assert.Equal(t, len(wire[i].events), len(chunkEvents(s)), "model span %d: one chunk event a server-sent event", i)
	}
	total, ok := tr.TokenUsage()
	require.True(t, ok)
	assert.Equal(t, sum, total)

	// The first call streamed two tool calls: the span's outputs hold them assembled, with the
	// arguments the fragments make.
	first := assistantMessage(t, models[0])
	assert.Equal(t, "tool_calls", first.FinishReason)
	require.Len(t, wire[0].calls, 2)
	assert.Equal(t, wire[0].calls, first.Message.ToolCalls)
	assert.Equal(t, `{"city":"Lisbon"}`, first.Message.ToolCalls[0].Function.Arguments)
	assert.Equal(t, `{"city":"Porto"}`, first.Message.ToolCalls[1].Function.Arguments)
	// The second streamed the answer.
	second := assistantMessage(t, models[1])
	assert.Equal(t, "stop", second.FinishReason)
	assert.Equal(t, fakeAnswer, wire[1].content)
	assert.Equal(t, fakeAnswer, second.Message.Content)

	// The ToolsNode ran both calls, each a TOOL span under it with the call's id.
	toolsNode := tr.SearchSpans(tracedata.SpanQuery{Name: "Tools"})
	require.Len(t, toolsNode, 1)
	assert.Equal(t, root.SpanID, toolsNode[0].ParentID)
	tools := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.Tool})
	require.Len(t, tools, 2)
	byCall := map[string]*tracedata.Span{}
	for _, s := range tools {
		assert.Equal(t, toolsNode[0].SpanID, s.ParentID)
		byCall[s.StringAttribute(spantypes.KeyGenAIToolCallID)] = s
	}
	for _, c := range wire[0].calls {
		s := byCall[c.ID]
		require.NotNil(t, s, "a TOOL span for call %s", c.ID)
		assert.JSONEq(t, c.Function.Arguments, string(s.Inputs()))
		var in weatherArgs
		require.NoError(t, json.Unmarshal([]byte(c.Function.Arguments), &in))
		w, err := getWeather(context.Background(), in)
		require.NoError(t, err)
		assert.JSONEq(t, mustJSON(t, w), string(s.Outputs()))
	}

	// The previews: the question, and the answer (the text of eino's assistant message).
	assert.Equal(t, question, tr.Info.RequestPreview)
	assert.Equal(t, fakeAnswer, tr.Info.ResponsePreview)

	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/eino.yaml; set OPENAI_API_KEY to call the API)\n",
		"you: " + question + "\n",
		"agent: " + fakeAnswer + "\n",
	} {
		assert.Contains(t, out.String(), want)
	}
	// The printed tree: sdk.FormatTree of the trace.
	tree := regexp.MustCompile(`(?m)^trace (tr-[0-9a-f]{32}) "ReActAgent" OK \S+ tokens=(\d+)\n` +
		`└─ CHAIN ReActAgent OK \S+\n` +
		`   ├─ CHAT_MODEL ChatModel OK \S+ tokens=(\d+)\n` +
		`   ├─ CHAIN Tools OK \S+\n` +
		`   │  ├─ TOOL get_weather OK \S+\n` +
		`   │  └─ TOOL get_weather OK \S+\n` +
		`   └─ CHAT_MODEL ChatModel OK \S+ tokens=(\d+)\n`).FindStringSubmatch(out.String())
	require.NotNil(t, tree, "output lacks the trace tree:\n%s", out.String())
	assert.Equal(t, tr.Info.TraceID, tree[1])
	assert.Equal(t, fmt.Sprint(total.TotalTokens), tree[2])
	assert.Equal(t, fmt.Sprint(wire[0].usage.TotalTokens), tree[3])
	assert.Equal(t, fmt.Sprint(wire[1].usage.TotalTokens), tree[4])
}

// wireCall is what one streamed API call of the cassette answered.
type wireCall struct {
	id      string
	events  []string // the server-sent events' data, [DONE] left out
	content string
	calls   []toolCall // assembled from their fragments, by index
	usage   tracedata.TokenUsage
}

type toolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// cassetteCalls reads the program's cassette: each interaction's stream, assembled.
func cassetteCalls(t *testing.T) []wireCall {
	t.Helper()
	c, err := vcr.Load(strings.TrimSuffix(recordings.Path(cassette), ".yaml"))
	require.NoError(t, err)
	var out []wireCall
	for _, in := range c.Interactions {
		require.Equal(t, "/v1/chat/completions", strings.TrimPrefix(in.Request.URL, "https://api.openai.com"))
		require.Contains(t, in.Request.Body, `"stream":true`)
		var w wireCall
		for _, e := range strings.Split(strings.TrimSpace(in.Response.Body), "\n\n") {
			data, ok := strings.CutPrefix(e, "data: ")
			require.True(t, ok, "an SSE event: %q", e)
			if data == "[DONE]" {
				continue
			}
			w.events = append(w.events, data)
			var chunk struct {
				ID      string `json:"id"`
				Choices []struct {
					Delta struct {
						Content   string `json:"content"`
						ToolCalls []struct {
							Index int `json:"index"`
							toolCall
						} `json:"tool_calls"`
					} `json:"delta"`
				} `json:"choices"`
				Usage *struct {
					Prompt     int64 `json:"prompt_tokens"`
					Completion int64 `json:"completion_tokens"`
					Total      int64 `json:"total_tokens"`
				} `json:"usage"`
			}
			require.NoError(t, json.Unmarshal([]byte(data), &chunk), data)
			w.id = chunk.ID
			for _, ch := range chunk.Choices {
				w.content += ch.Delta.Content
				for _, tc := range ch.Delta.ToolCalls {
					if tc.Index == len(w.calls) {
						w.calls = append(w.calls, tc.toolCall)
						continue
					}
					require.Less(t, tc.Index, len(w.calls), "a fragment of an unknown call")
					w.calls[tc.Index].Function.Arguments += tc.Function.Arguments
				}
			}
			if u := chunk.Usage; u != nil {
				w.usage = tracedata.TokenUsage{InputTokens: u.Prompt, OutputTokens: u.Completion, TotalTokens: u.Total}
			}
		}
		require.NotZero(t, w.usage.TotalTokens, "the stream reports its usage")
		out = append(out, w)
	}
	return out
}

type choice struct {
	FinishReason string `json:"finish_reason"`
	Message      struct {
		Content   string     `json:"content"`
		ToolCalls []toolCall `json:"tool_calls"`
	} `json:"message"`
}

// assistantMessage returns the first choice of a model span's outputs.
func assistantMessage(t *testing.T, s *tracedata.Span) choice {
	t.Helper()
	var out struct {
		Choices []choice `json:"choices"`
	}
	require.NoError(t, json.Unmarshal(s.Outputs(), &out), string(s.Outputs()))
	require.Len(t, out.Choices, 1)
	return out.Choices[0]
}

func chunkEvents(s *tracedata.Span) []tracedata.Event {
	var out []tracedata.Event
	for _, e := range s.Events {
		if strings.HasPrefix(e.Name, "mlflow.chunk.item.") {
			out = append(out, e)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestGetWeather(t *testing.T) {
	for _, city := range []string{"Porto", "porto, Portugal", "PORTO"} {
		w, err := getWeather(context.Background(), weatherArgs{City: city})
		require.NoError(t, err, city)
		assert.Equal(t, weather{City: "Porto", TemperatureC: 17, Conditions: "light rain"}, w, city)
	}
	_, err := getWeather(context.Background(), weatherArgs{City: "Madrid"})
	assert.EqualError(t, err, `get_weather: no forecast for "Madrid"`)
}
