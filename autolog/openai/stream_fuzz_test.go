package openai

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzChatStream feeds arbitrary chunk payloads (the fuzz input split at newlines) to the
// three stream assemblers: they must not panic, a rejected payload must leave the
// assembled response unchanged, and the response must always marshal to JSON.
func FuzzChatStream(f *testing.F) {
	f.Add([]byte(chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}`, "") + "\n" +
		chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":3,"id":"c","function":{"name":"f","arguments":"{"}}]},"finish_reason":"tool_calls"}`, "") + "\n" +
		chatChunkJSON(``, `{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}`)))
	f.Add([]byte(`{"choices":[{"index":-5,"delta":{"tool_calls":[{"function":{"arguments":"x"}},{"id":"b"},{"id":"c","index":9223372036854775807}]}}]}` + "\n" +
		`{"choices":[{"index":0,"delta":{"function_call":{"name":"f"},"refusal":"no"}}],"usage":{"x":1e400}}` + "\n" + `[DONE]`))
	f.Add([]byte(`{"id":"cmpl","object":"text_completion","created":1,"choices":[{"text":"a","index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}`))
	for _, e := range responsesEvents() {
		f.Add([]byte(e))
	}
	f.Add([]byte(`{"type":"error","code":5,"message":{"a":1}}` + "\n" + `{"type":"response.failed","response":{"error":"boom"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			chat chatStream
			text completionStream
			resp responsesStream
		)
		marshal := func(what string, v map[string]any) string {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s response does not marshal: %v (%#v)", what, err, v)
			}
			return string(b)
		}
		for _, payload := range bytes.Split(data, []byte("\n")) {
			before := marshal("chat", chat.response())
			if chat.add("", string(payload)) != nil && marshal("chat", chat.response()) != before {
				t.Fatalf("a rejected chunk changed the chat response: %q", payload)
			}
			before = marshal("completion", text.response())
			if text.add("", string(payload)) != nil && marshal("completion", text.response()) != before {
				t.Fatalf("a rejected chunk changed the completion response: %q", payload)
			}
			before = marshal("responses", resp.response())
			if resp.add("response.output_text.delta", string(payload)) != nil && marshal("responses", resp.response()) != before {
				t.Fatalf("a rejected event changed the responses response: %q", payload)
			}
		}
		for _, r := range []map[string]any{chat.response(), text.response(), resp.response()} {
			marshal("final", r)
			usageOf(r)
		}
		resp.failed()
	})
}
