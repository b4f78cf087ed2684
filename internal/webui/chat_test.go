package webui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConversationShapes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		inputs, outputs string
		want            []message
	}{
		{"openai chat", `{"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"x"}}]}]}`,
			`{"choices":[{"message":{"role":"assistant","content":"hello"}}]}`,
			[]message{{Role: "user", Content: "hi\n[image_url]"}, {Role: "assistant", Content: "hello"}}},
		{"openai under request", `{"request":{"messages":[{"role":"user","content":"q"}]}}`, ``,
			[]message{{Role: "user", Content: "q"}}},
		{"responses api", `{"instructions":"be brief","input":[{"role":"user","content":"weather?"},{"type":"function_call","call_id":"c1","name":"w","arguments":"{}"},{"type":"function_call_output","call_id":"c1","output":"sunny"}]}`,
			`{"output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Sunny."}]}]}`,
			[]message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "weather?"},
				{Role: "assistant", ToolCalls: []toolCall{{ID: "c1", Name: "w", Arguments: "{}"}}},
				{Role: "tool", ToolCallID: "c1", Content: "sunny"}, {Role: "assistant", Content: "Sunny."}}},
		{"gemini", `{"model":"gemini-2.0-flash","contents":[{"role":"user","parts":[{"text":"weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"w","args":{"city":"Oslo"}}}]},{"role":"user","parts":[{"functionResponse":{"name":"w","response":{"sky":"grey"}}}]}],"config":{"systemInstruction":{"parts":[{"text":"sys"}]}}}`,
			`{"candidates":[{"content":{"role":"model","parts":[{"text":"Grey."}]}}]}`,
			[]message{{Role: "system", Content: "sys"}, {Role: "user", Content: "weather?"},
				{Role: "model", ToolCalls: []toolCall{{Name: "w", Arguments: `{"city":"Oslo"}`}}},
				{Role: "tool", Name: "w", Content: `{"sky":"grey"}`}, {Role: "model", Content: "Grey."}}},
		{"gemini string contents", `{"contents":"hello"}`, ``, []message{{Role: "user", Content: "hello"}}},
		{"bare list and message", `[{"role":"system","content":"s"},{"role":"user","content":"u"}]`, `{"role":"assistant","content":"a"}`,
			[]message{{Role: "system", Content: "s"}, {Role: "user", Content: "u"}, {Role: "assistant", Content: "a"}}},
		{"not chat", `{"city":"Paris"}`, `{"temperature_c":18}`, nil},
		{"scalar", `"text"`, `42`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, conversation([]byte(tc.inputs), []byte(tc.outputs)))
		})
	}
}
