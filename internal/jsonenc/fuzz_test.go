package jsonenc

import (
	"encoding/json"
	"strconv"
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

func FuzzTruncateText(f *testing.F) {
	f.Add(strings.Repeat("é", 500), 100)
	f.Add(strings.Repeat("\"\\\n", 40), 70)
	f.Add(strings.Repeat("a\xff", 60), 65)
	f.Add("short", 7)
	f.Add("short", 0)
	f.Fuzz(func(t *testing.T, s string, max int) {
		got := TruncateText(s, max)
		quoted := String(s)
		if max <= 0 || len(quoted) <= max {
			if got != s {
				t.Fatalf("TruncateText(%q, %d) changed the text to %q", s, max, got)
			}
			return
		}
		stored := String(got)
		if max >= 64 && len(stored) > max {
			t.Fatalf("TruncateText(%q, %d) stores %d bytes, over max: %s", s, max, len(stored), stored)
		}
		marker := "...[truncated, " + strconv.Itoa(len(quoted)) + " bytes total]"
		if !strings.HasSuffix(got, marker) {
			t.Fatalf("TruncateText(%q, %d) = %q: want the marker %q", s, max, got, marker)
		}
		if !strings.HasPrefix(s, strings.TrimSuffix(got, marker)) {
			t.Fatalf("TruncateText(%q, %d) = %q: not a prefix", s, max, got)
		}
	})
}
