package jsonscan

import (
	"strings"
	"testing"
)

func TestZeroAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	deepValue := deep(maxDepth, "null", "[", `{"k":`)
	dst := make([]byte, 0, 2*len(completion))
	tests := []struct {
		name string
		fn   func()
	}{
		{"Valid/chunk", func() { sinkBool = Valid(chunk) }},
		{"Valid/completion", func() { sinkBool = Valid(completion) }},
		{"Valid/deep", func() { sinkBool = Valid(deepValue) }},
		{"Valid/invalid", func() { sinkBool = Valid(chunk[:200]) }},
		{"Next", func() { _, sinkString, sinkErr = Next(messages) }},
		{"Object/chunk", func() {
			var model, content string
			var created string
			sinkErr = Object(chunk, func(key, value string) bool {
				switch key {
				case "model":
					model, _ = Unquote(value)
				case "created":
					created = value
				case "choices":
					return Array(value, func(choice string) bool {
						Object(choice, func(key, value string) bool {
							if key == "delta" {
								Object(value, func(key, value string) bool {
									if key == "content" {
										content, _ = Unquote(value)
									}
									return true
								})
							}
							return true
						})
						return false
					}) == nil
				}
				return true
			})
			sinkString, sinkInt = model, len(created)+len(content)
		}},
		{"Array/messages", func() {
			roles := 0
			sinkErr = Array(messages, func(elem string) bool {
				Object(elem, func(key, value string) bool {
					if key == "role" {
						roles++
					}
					return true
				})
				return true
			})
			sinkInt = roles
		}},
		{"Unquote/fast", func() { sinkString, sinkErr = Unquote(`"a plain string, café ☕"`) }},
		{"AppendCompact", func() { dst, sinkErr = AppendCompact(dst[:0], completion) }},
	}
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", tt.name, n)
		}
	}
	if !strings.Contains(string(dst), `"model":"gpt-4o-2024-08-06"`) {
		t.Errorf("AppendCompact produced %q", dst)
	}
}

var (
	sinkBool   bool
	sinkInt    int
	sinkString string
	sinkErr    error
)
