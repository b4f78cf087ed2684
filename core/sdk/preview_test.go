package sdk

import (
	"github.com/agentlens/agentlens/internal/termtext"

	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPreviewLimits(t *testing.T) {
	if previewMaxChars != 1000 || metadataMaxChars != 250 {
		t.Errorf("limits = %d, %d; MLflow uses 1000 and 250", previewMaxChars, metadataMaxChars)
	}
}

func TestRequestPreview(t *testing.T) {
	long1001 := strings.Repeat("é", 1001)
	cut1001 := strings.Repeat("é", 997) + "..."
	cases := []struct {
		name, in, want string
	}{
		{
			"chat request: last user message",
			`{"model":"gpt-4o","messages":[{"role":"system","content":"be nice"},{"role":"user","content":"first"},{"role":"assistant","content":"reply"},{"role":"user","content":"last question"}]}`,
			"last question",
		},
		{
			"bare list of messages (a framework model's input): first user message",
			`[{"role":"system","content":"be nice"},{"role":"user","content":"first question"},{"role":"assistant","content":"reply"},{"role":"user","content":"follow-up"}]`,
			"first question",
		},
		{
			"bare list without a user message: the first message",
			`[{"role":"system","content":"be nice"},{"role":"assistant","content":"hello"}]`,
			"be nice",
		},
		{
			"list of things that are not messages: the JSON",
			`[{"role":1},{"name":"x"}]`,
			`[{"role":1},{"name":"x"}]`,
		},
		{
			"content parts: first text part",
			`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/y.png"}},{"type":"text","text":"hi"},{"type":"text","text":"second"}]}]}`,
			"hi",
		},
		{
			"content parts: only text part",
			`{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`,
			"hi",
		},
		{
			"Responses API input list",
			`{"model":"gpt-4o","input":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"input_text","text":"what is Go?"}]}]}`,
			"what is Go?",
		},
		{
			"Responses API input with string content",
			`{"input":[{"role":"user","content":"plain input"}]}`,
			"plain input",
		},
		{
			"request wrapper",
			`{"request":{"messages":[{"role":"user","content":"wrapped"}]}}`,
			"wrapped",
		},
		{
			"request wrapper twice",
			`{"request":{"request":{"input":[{"role":"user","content":"deep"}]}}}`,
			"deep",
		},
		{
			"request wrapper three times is not unwrapped",
			`{"request":{"request":{"request":{"messages":[{"role":"user","content":"too deep"}]}}}}`,
			`{"request":{"request":{"request":{"messages":[{"role":"user","content":"too deep"}]}}}}`,
		},
		{
			"no user message: last message",
			`{"messages":[{"role":"system","content":"sys"},{"role":"assistant","content":"only assistant"}]}`,
			"only assistant",
		},
		{
			"items without role or content are skipped",
			`{"messages":[{"role":"user","content":"q"},{"role":"user"},{"content":"no role"},"text",42]}`,
			"q",
		},
		{
			"user message with empty content: JSON itself",
			`{"messages":[{"role":"user","content":""}]}`,
			`{"messages":[{"role":"user","content":""}]}`,
		},
		{
			"user message without text parts: JSON itself",
			`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]}`,
			`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]}`,
		},
		{
			"empty messages: JSON itself",
			`{"messages":[]}`,
			`{"messages":[]}`,
		},
		{
			"non-chat object: JSON itself",
			`{"query":"weather in <Paris> & Rome","k":3}`,
			`{"query":"weather in <Paris> & Rome","k":3}`,
		},
		{
			"Anthropic request: system apart, last user message's text block",
			`{"model":"claude-sonnet-4-5","max_tokens":1024,"system":[{"type":"text","text":"You are terse."}],"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0"}},{"type":"text","text":"What is in the picture?"}]}]}`,
			"What is in the picture?",
		},
		{
			"Anthropic request with a string system and string content",
			`{"model":"claude-sonnet-4-5","system":"be terse","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"How are you?"}]}`,
			"How are you?",
		},
		{
			"Anthropic tool round trip: a user message of tool results is a tool's",
			`{"messages":[{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18 °C"}]}]}`,
			"Weather in Paris?",
		},
		{
			"Anthropic user message with tool results and text stays the user's",
			`{"messages":[{"role":"user","content":"first"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"},{"type":"text","text":"and now?"}]}]}`,
			"and now?",
		},
		{"JSON string", `"plain"`, "plain"},
		{"JSON string with escapes", `"a\nb \u00e9 \"q\""`, "a\nb é \"q\""},
		{"empty JSON string", `""`, ""},
		{"array", `[1,2,3]`, `[1,2,3]`},
		{"number", `42`, `42`},
		{"null", `null`, `null`},
		{"empty input", ``, ``},
		{"invalid JSON object", `{"messages": [`, `{"messages": [`},
		{"invalid JSON string", `"unterminated`, `"unterminated`},
		{"not JSON", `hello world`, `hello world`},
		{"non-ASCII text", `{"messages":[{"role":"user","content":"héllo 世界"}]}`, "héllo 世界"},
		{"exactly 1000 characters", `"` + strings.Repeat("é", 1000) + `"`, strings.Repeat("é", 1000)},
		{"1001 characters", `"` + long1001 + `"`, cut1001},
		{
			"long user message is cut",
			`{"messages":[{"role":"user","content":"` + strings.Repeat("世", 1500) + `"}]}`,
			strings.Repeat("世", 997) + "...",
		},
		{
			"long non-chat JSON is cut",
			`{"k":"` + strings.Repeat("a", 2000) + `"}`,
			`{"k":"` + strings.Repeat("a", 991) + "...",
		},
		{
			"long invalid JSON is cut",
			`{` + strings.Repeat("x", 1000),
			`{` + strings.Repeat("x", 996) + "...",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RequestPreview(c.in); got != c.want {
				t.Errorf("RequestPreview(%s)\n got: %q\nwant: %q", c.in, got, c.want)
			}
		})
	}
}

func TestResponsePreview(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{
			"one message on its own (eino's *schema.Message)",
			`{"role":"assistant","content":"Lisbon is warmer.","response_meta":{"finish_reason":"stop"}}`,
			"Lisbon is warmer.",
		},
		{
			"one message with tool calls and no text: the JSON",
			`{"role":"assistant","content":"","tool_calls":[{"id":"c1"}]}`,
			`{"role":"assistant","content":"","tool_calls":[{"id":"c1"}]}`,
		},
		{
			"bare list of messages: last assistant message",
			`[{"role":"user","content":"q"},{"role":"assistant","content":"first answer"},{"role":"tool","content":"42"},{"role":"assistant","content":"final answer"}]`,
			"final answer",
		},
		{
			"chat completion",
			`{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"answer"},"finish_reason":"stop"}]}`,
			"answer",
		},
		{
			"chat completion: first choice",
			`{"choices":[{"message":{"role":"assistant","content":"one"}},{"message":{"role":"assistant","content":"two"}}]}`,
			"one",
		},
		{
			"chat completion with content parts",
			`{"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"parts"}]}}]}`,
			"parts",
		},
		{
			"chat completion with null content (tool call): JSON itself",
			`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[]}}]}`,
			`{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[]}}]}`,
		},
		{
			"empty choices: JSON itself",
			`{"choices":[]}`,
			`{"choices":[]}`,
		},
		{
			"Responses API output with output_text",
			`{"id":"resp_1","output":[{"type":"reasoning","summary":[]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Go is a language.","annotations":[]}]}]}`,
			"Go is a language.",
		},
		{
			"messages: last assistant message",
			`{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a1"},{"role":"assistant","content":"a2"},{"role":"user","content":"thanks"}]}`,
			"a2",
		},
		{
			"messages without assistant: last message",
			`{"messages":[{"role":"user","content":"q1"},{"role":"tool","content":"tool out"}]}`,
			"tool out",
		},
		{
			"Anthropic Message: text blocks joined, thinking and tool use left out",
			`{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"thinking","thinking":"hmm","signature":"x"},{"type":"text","text":"It is "},{"type":"tool_use","id":"toolu_1","name":"f","input":{}},{"type":"text","text":"sunny."}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}}`,
			"It is sunny.",
		},
		{
			"Anthropic Message of a tool use only: JSON itself",
			`{"type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]}`,
			`{"type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]}`,
		},
		{"JSON string", `"plain"`, "plain"},
		{"non-chat object", `{"result":42}`, `{"result":42}`},
		{"invalid JSON", `{"choices":`, `{"choices":`},
		{"exactly 1000 characters", `"` + strings.Repeat("é", 1000) + `"`, strings.Repeat("é", 1000)},
		{"1001 characters", `"` + strings.Repeat("é", 1001) + `"`, strings.Repeat("é", 997) + "..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ResponsePreview(c.in); got != c.want {
				t.Errorf("ResponsePreview(%s)\n got: %q\nwant: %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzPreview(f *testing.F) {
	seeds := []string{
		``,
		`"plain"`,
		`{"messages":[{"role":"user","content":"hi"}]}`,
		`{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`,
		`{"choices":[{"message":{"role":"assistant","content":"answer"}}]}`,
		`{"input":[{"role":"user","content":[{"type":"input_text","text":"q"}]}]}`,
		`{"output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"a"}]}]}`,
		`{"request":{"request":{"messages":[{"role":"user","content":"deep"}]}}}`,
		`{"messages":[{"role":1,"content":{"x":[]}}]}`,
		`{"type":"message","role":"assistant","content":[{"type":"text","text":"a"},{"type":"text"}]}`,
		`{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"r"}]}]}`,
		`"` + strings.Repeat("é", 1001) + `"`,
		strings.Repeat("世", 1200),
		"\xff\xfe\"",
		`"\ud800"`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, fn := range map[string]func(string) string{
			"RequestPreview": RequestPreview, "ResponsePreview": ResponsePreview,
		} {
			got := fn(s)
			if n := utf8.RuneCountInString(got); n > previewMaxChars {
				t.Fatalf("%s(%q) has %d runes", name, s, n)
			}
			// Input that is not JSON, and short, passes through unchanged.
			if !json.Valid([]byte(s)) && utf8.RuneCountInString(s) <= previewMaxChars && got != s {
				t.Fatalf("%s(%q) = %q, want the input unchanged", name, s, got)
			}
		}
		for _, n := range []int{metadataMaxChars, previewMaxChars} {
			got := termtext.Truncate(s, n)
			if utf8.RuneCountInString(s) <= n {
				if got != s {
					t.Fatalf("Truncate(%q, %d) = %q, want unchanged", s, n, got)
				}
				continue
			}
			if utf8.RuneCountInString(got) != n || !strings.HasSuffix(got, "...") ||
				!strings.HasPrefix(s, strings.TrimSuffix(got, "...")) {
				t.Fatalf("Truncate(%q, %d) = %q: want a %d-rune prefix ending in ...", s, n, got, n)
			}
		}
	})
}
