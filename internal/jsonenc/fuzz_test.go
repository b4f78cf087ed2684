package jsonenc

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "hello", "<&>", "\x00\x1f\x7f", "\u2028\u2029", "a\xffb", "\xed\xa0\x80", "日本語", `"\`, "\ufffd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString([]byte("["), s)
		out = append(out, ']')
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for %q: %s", s, out)
		}
		lit := out[1 : len(out)-1]
		var got string
		if err := json.Unmarshal(lit, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", lit, err)
		}
		if want := replaceInvalid(s); got != want {
			t.Fatalf("round trip of %q: got %q, want %q", s, got, want)
		}
		// Same bytes as encoding/json, and the same as the generic Append.
		if want := stdEncode(t, s); string(lit) != want {
			t.Fatalf("encoding/json writes %s, AppendString wrote %s", want, lit)
		}
		if a := Append(nil, s); string(a) != string(lit) {
			t.Fatalf("Append wrote %s, AppendString wrote %s", a, lit)
		}
	})
}

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

func FuzzQuotedLen(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s", "\x00\x1f\n\t", "é世\u2028\u2029", "bad\xff\xfe", `{"k":"v"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := QuotedLen(s), len(AppendString(nil, s)); got != want {
			t.Fatalf("QuotedLen(%q) = %d, want %d", s, got, want)
		}
	})
}
