package jsonenc

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzTruncate(f *testing.F) {
	f.Add(`{"a":"b"}`, 5)
	f.Add(strings.Repeat("日本語", 50), 64)
	f.Add(strings.Repeat("\"\\\n", 40), 70)
	f.Add(strings.Repeat("a\xff", 60), 65)
	f.Add(strings.Repeat("🎉", 40), 100)
	f.Add("short", 0)
	f.Add("short", -3)
	f.Fuzz(func(t *testing.T, js string, max int) {
		got := Truncate(js, max)
		if max <= 0 || len(js) <= max {
			if got != js {
				t.Fatalf("Truncate(%q, %d) changed the input to %q", js, max, got)
			}
			return
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("Truncate(%q, %d) = %q: invalid JSON", js, max, got)
		}
		if max >= 64 && len(got) > max {
			t.Fatalf("Truncate(%q, %d) = %q: length %d over max", js, max, got, len(got))
		}
		var content string
		if err := json.Unmarshal([]byte(got), &content); err != nil {
			t.Fatal(err)
		}
		i := strings.LastIndex(content, "...[truncated, ")
		if i < 0 || !strings.HasSuffix(content, " bytes total]") {
			t.Fatalf("marker missing: %q", content)
		}
		if !strings.HasPrefix(replaceInvalid(js), content[:i]) {
			t.Fatalf("content %q is not a prefix of %q", content[:i], js)
		}
	})
}
