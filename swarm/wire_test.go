package swarm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWithToolContent(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"adds content, keeps the rest byte for byte",
			`{"model":"m", "messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"a"} ,{"role":"tool","content":"x","tool_call_id":"b"},{"tool_call_id":"c","role":"tool"}]}`,
			`{"model":"m", "messages":[{"role":"user","content":"hi"},{"content":"","role":"tool","tool_call_id":"a"} ,{"role":"tool","content":"x","tool_call_id":"b"},{"content":"","tool_call_id":"c","role":"tool"}]}`},
		{"content null counts as present", `{"messages":[{"role":"tool","content":null}]}`, `{"messages":[{"role":"tool","content":null}]}`},
		{"no tool message", `{"messages":[{"role":"user"}]}`, `{"messages":[{"role":"user"}]}`},
		{"not JSON", `{"messages":[{"role":"tool"}`, `{"messages":[{"role":"tool"}`},
		{"messages not an array", `{"messages":{"role":"tool"}}`, `{"messages":{"role":"tool"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := withToolContent([]byte(tc.in))
			assert.Equal(t, tc.want, string(got))
			assert.Equal(t, tc.in != tc.want, changed)
		})
	}
}
