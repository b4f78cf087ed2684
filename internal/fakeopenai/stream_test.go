package fakeopenai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	einoopenai "github.com/cloudwego/eino-ext/components/model/openai"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitArguments(t *testing.T) {
	for _, tc := range []struct {
		args string
		want []string
	}{
		// As the API streamed {"location":"San Francisco, CA"} in a recorded response.
		{`{"location":"San Francisco, CA"}`, []string{`{"`, `location`, `":"`, `San`, ` Francisco`, `,`, ` CA`, `"}`}},
		{`{"city":"Lisbon"}`, []string{`{"`, `city`, `":"`, `Lisbon`, `"}`}},
		{`{"a":"x","b":2}`, []string{`{"`, `a`, `":"`, `x`, `","`, `b`, `":`, `2`, `}`}},
		{`{"q":"say \"hi\""}`, []string{`{"`, `q`, `":"`, `say`, ` `, `\`, `"`, `hi`, `\`, `"`, `"}`}},
		{``, nil},
	} {
		got := SplitArguments(tc.args)
		assert.Equal(t, tc.want, got, tc.args)
		assert.Equal(t, tc.args, strings.Join(got, ""))
	}
}

// events returns the data of each server-sent event of body.
func events(body string) []string {
	var out []string
	for _, e := range strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n") {
		out = append(out, strings.TrimPrefix(e, "data: "))
	}
	return out
}

func toolCalls() []ToolCall {
	calls := []ToolCall{{ID: "call_A", Type: "function"}, {ID: "call_B", Type: "function"}}
	calls[0].Function.Name, calls[0].Function.Arguments = "get_weather", `{"city":"Lisbon"}`
	calls[1].Function.Name, calls[1].Function.Arguments = "get_weather", `{"city":"Porto"}`
	return calls
}

func TestWriteToolCallStreamWireFormat(t *testing.T) {
	rec := httptest.NewRecorder()
	u := NewUsage(80, 30)
	WriteToolCallStream(rec, "seed", 1764670000, toolCalls(), &u)
	ev := events(rec.Body.String())
	require.Equal(t, "[DONE]", ev[len(ev)-1])

	// The first chunk: the role, null content, the first call's index, id, type, name and
	// empty arguments, and null refusal, in the API's field order.
	head := `{"id":"` + ID("chatcmpl-C", "seed", 28) + `","object":"chat.completion.chunk","created":1764670000,"model":"` + Model +
		`","service_tier":"default","system_fingerprint":"` + Fingerprint + `","choices":[{"index":0,"delta":`
	assert.True(t, strings.HasPrefix(ev[0], head+`{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"`), ev[0])
	assert.True(t, strings.HasPrefix(ev[1], head+`{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"`), ev[1])
	// The second call starts without the role.
	second := head + `{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}]`
	n := 0
	for _, e := range ev {
		if strings.HasPrefix(e, second) {
			n++
		}
	}
	assert.Equal(t, 1, n)
	assert.True(t, strings.HasPrefix(ev[len(ev)-3], head+`{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null,"obfuscation":"`), ev[len(ev)-3])
	assert.True(t, strings.HasPrefix(ev[len(ev)-2], strings.TrimSuffix(head, `{"index":0,"delta":`)+`],"usage":{"prompt_tokens":80,"completion_tokens":30,"total_tokens":110,`), ev[len(ev)-2])

	// The arguments, joined per index, are the calls'; every chunk is JSON.
	args := map[int]string{}
	for _, e := range ev[:len(ev)-1] {
		var c struct {
			Choices []struct {
				Delta struct {
					ToolCalls []struct {
						Index    int `json:"index"`
						Function struct {
							Arguments string `json:"arguments"`
						} `json:"function"`
					} `json:"tool_calls"`
				} `json:"delta"`
			} `json:"choices"`
		}
		require.NoError(t, json.Unmarshal([]byte(e), &c), e)
		for _, ch := range c.Choices {
			for _, tc := range ch.Delta.ToolCalls {
				args[tc.Index] += tc.Function.Arguments
			}
		}
	}
	assert.Equal(t, map[int]string{0: `{"city":"Lisbon"}`, 1: `{"city":"Porto"}`}, args)

	// Without usage asked for, no usage field and no usage chunk.
	rec = httptest.NewRecorder()
	WriteToolCallStream(rec, "seed", 1764670000, toolCalls()[:1], nil)
	assert.NotContains(t, rec.Body.String(), `"usage"`)
}

// A real client, eino-ext's OpenAI ChatModel, reads the stream into the calls it was made of.
func TestWriteToolCallStreamReadByClient(t *testing.T) {
	srv := Server(t, func(w http.ResponseWriter, _ string, body []byte) {
		var req ChatRequest
		require.NoError(t, json.Unmarshal(body, &req))
		require.True(t, req.Stream)
		require.True(t, req.StreamOptions != nil && req.StreamOptions.IncludeUsage)
		u := NewUsage(req.PromptTokens(), 30)
		WriteToolCallStream(w, string(body), 1764670000, toolCalls(), &u)
	})
	cm, err := einoopenai.NewChatModel(context.Background(), &einoopenai.ChatModelConfig{
		APIKey: Key, BaseURL: srv.URL + "/v1", Model: "gpt-4o-mini", HTTPClient: srv.Client(),
	})
	require.NoError(t, err)
	sr, err := cm.Stream(context.Background(), []*schema.Message{schema.UserMessage("Lisbon or Porto?")})
	require.NoError(t, err)
	msg, err := schema.ConcatMessageStream(sr)
	require.NoError(t, err)
	require.Len(t, msg.ToolCalls, 2)
	for i, want := range toolCalls() {
		got := msg.ToolCalls[i]
		assert.Equal(t, want.ID, got.ID)
		assert.Equal(t, want.Function.Name, got.Function.Name)
		assert.Equal(t, want.Function.Arguments, got.Function.Arguments)
	}
	assert.Equal(t, "tool_calls", msg.ResponseMeta.FinishReason)
	assert.Equal(t, 30, msg.ResponseMeta.Usage.CompletionTokens)
}
