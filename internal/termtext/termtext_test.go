package termtext

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"héllo 世界", "héllo 世界"},
		{"red\x1b[31mtext", `red\x1b[31mtext`},
		{"two\nlines\r", `two\nlines\r`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"bad\xffbyte", `bad\xffbyte`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"empty", "", 250, ""},
		{"short", "abc", 250, "abc"},
		{"exactly 250 ASCII", strings.Repeat("a", 250), 250, strings.Repeat("a", 250)},
		{"251 ASCII", strings.Repeat("a", 251), 250, strings.Repeat("a", 247) + "..."},
		{"exactly 250 two-byte runes", strings.Repeat("é", 250), 250, strings.Repeat("é", 250)},
		{"251 two-byte runes", strings.Repeat("é", 251), 250, strings.Repeat("é", 247) + "..."},
		{"251 three-byte runes", strings.Repeat("世", 251), 250, strings.Repeat("世", 247) + "..."},
		{"four-byte runes", strings.Repeat("😀", 300), 250, strings.Repeat("😀", 247) + "..."},
		{"more bytes than n but few runes", strings.Repeat("世", 100), 250, strings.Repeat("世", 100)},
		{"mixed widths", strings.Repeat("aé世😀", 63), 250, strings.Repeat("aé世😀", 61) + "aé世..."},
		{"exactly 1000", strings.Repeat("é", 1000), 1000, strings.Repeat("é", 1000)},
		{"1001", strings.Repeat("é", 1001), 1000, strings.Repeat("é", 997) + "..."},
		{"n=3", "abcd", 3, "..."},
		{"n=4", "abcde", 4, "a..."},
		{"n=4 fits", "abcd", 4, "abcd"},
		{"invalid UTF-8 counts bytes as runes", strings.Repeat("\xff", 251), 250, strings.Repeat("\xff", 247) + "..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Truncate(c.s, c.n)
			if got != c.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > c.n {
				t.Errorf("result has %d runes, more than %d", n, c.n)
			}
		})
	}
}

func TestCleanEscapesInvisibleControls(t *testing.T) {
	for in, want := range map[string]string{
		"a\u061cb":       `a\u061cb`,
		"x\U000e0041y":   `x\U000e0041y`,
		"\U000e007f":     `\U000e007f`,
		"emoji 👍🏽 stays": "emoji 👍🏽 stays",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeJSON(t *testing.T) {
	in := "{\n  \"s\": \"del\x7f c1\u009b rlo\u202e alm\u061c tag\U000e0041 ok é 👍\"\n}"
	want := "{\n  \"s\": \"del\\u007f c1\\u009b rlo\\u202e alm\\u061c tag\\udb40\\udc41 ok é 👍\"\n}"
	got := EscapeJSON([]byte(in))
	if string(got) != want {
		t.Fatalf("EscapeJSON = %s\nwant %s", got, want)
	}
	var a, b map[string]string
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &b); err != nil || a["s"] != b["s"] {
		t.Errorf("escaped JSON decodes to %q (%v), want %q", b["s"], err, a["s"])
	}
	plain := []byte(`{"a":"b"}`)
	if got := EscapeJSON(plain); &got[0] != &plain[0] {
		t.Error("JSON with nothing to escape was copied")
	}
}
