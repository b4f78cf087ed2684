package jsontext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `null`, `1`, `-0.5e+3`, `"a\u00e9\n"`, ` {"a":[1,2,{"b":null}]} `,
		`{`, `{"a":}`, `[1,]`, `NaN`, `Infinity`, `01`, `1.`, `"\x"`, `{"a":1} x`, "\"\xff\"", `tru`, ``, ` `,
		`{"a":"b",}`, `[1 2]`, "\"a\tb\"",
		strings.Repeat("[", 999) + strings.Repeat("]", 999),
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000),
		strings.Repeat("[", 5000) + strings.Repeat("]", 4999),
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000), // deeper than encoding/json accepts
	}
	for _, c := range cases {
		name := c
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			if got, want := Valid(c), json.Valid([]byte(c)); got != want {
				t.Errorf("Valid = %v, encoding/json says %v", got, want)
			}
		})
	}
}

func TestValidDeepInputDoesNotRecurse(t *testing.T) {
	deep := strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000)
	if Valid(deep) {
		t.Error("a million levels are valid, but encoding/json rejects them")
	}
}

func TestObject(t *testing.T) {
	if r, ok := Object(` {"a":1} `); !ok || r.Get("a").Int() != 1 {
		t.Errorf("Object of an object = %v, %v", r, ok)
	}
	for _, s := range []string{`[1]`, `"x"`, `{"a":1`, `null`} {
		if _, ok := Object(s); ok {
			t.Errorf("Object(%q) is an object", s)
		}
	}
}

func TestMember(t *testing.T) {
	obj := gjson.Parse(`{"a":1,"b":{"c":true},"a":"last"}`)
	if got := Member(obj, "a"); got.Str != "last" {
		t.Errorf("Member(a) = %s, want the last of the repeated key", got.Raw)
	}
	if got := Member(obj, "b"); !got.IsObject() || Member(got, "c").Type != gjson.True {
		t.Errorf("Member(b) = %s", got.Raw)
	}
	if Member(obj, "x").Exists() || Member(gjson.Parse(`[1]`), "a").Exists() {
		t.Error("Member found what is not there")
	}
}

func TestCompactAgreesWithEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, ` 1 `, "{\n  \"a\": [1, 2,\t{\"b\" : null}],\r\n  \"c\": \"x y\\\" z \\\\\"\n}",
		`"no space"`, `"\\"`, `["a\\", " b "]`, `{"a":1}`, "[\n]", `"é \u2028"`,
		`{`, `{"a" 1}`, "\"a\nb\"", ``,
	}
	for _, c := range cases {
		got, ok := Compact(c)
		var want bytes.Buffer
		wantOK := json.Compact(&want, []byte(c)) == nil
		if ok != wantOK || (ok && got != want.String()) {
			t.Errorf("Compact(%q) = %q, %v; encoding/json gives %q, %v", c, got, ok, want.String(), wantOK)
		}
	}
}

func TestCompactKeepsCompactText(t *testing.T) {
	s := `{"a":[1,"x y"]}`
	if n := testing.AllocsPerRun(100, func() { _, _ = Compact(s) }); n != 0 {
		t.Errorf("compact text costs %v allocations, want 0", n)
	}
}

func FuzzCompact(f *testing.F) {
	for _, s := range []string{"{\n \"a\" : [1, \"x \\\" y\"]\n}", `"\\"`, ` 1 `, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Compact(s)
		var want bytes.Buffer
		wantOK := json.Compact(&want, []byte(s)) == nil
		if ok != wantOK || (ok && got != want.String()) {
			t.Fatalf("Compact(%q) = %q, %v; encoding/json gives %q, %v", s, got, ok, want.String(), wantOK)
		}
	})
}

func TestValidRemembersByIdentityOnly(t *testing.T) {
	good := `{"text":"` + strings.Repeat("a", 600) + `"}`
	bad := `{"text":"` + strings.Repeat("a", 600) + `" }x` // another text, not JSON
	bad = bad[:len(good)-1] + "x"                          // the same length as good
	for range 2 {                                          // checked, then remembered
		if !Valid(good) {
			t.Fatal("valid text reported invalid")
		}
	}
	if Valid(bad) {
		t.Error("invalid text of a remembered text's length reported valid")
	}
	if Valid(good[:len(good)-1]) {
		t.Error("a prefix of a remembered text (same address) reported valid")
	}
	compact, ok := Compact("{\n  \"text\": \"" + strings.Repeat("b", 600) + "\"\n}")
	if !ok || !Valid(compact) || compact != `{"text":"`+strings.Repeat("b", 600)+`"}` {
		t.Errorf("Compact = %q, %v", compact, ok)
	}
}

func TestValidKeepsNoLongTextAlive(t *testing.T) {
	long := `["` + strings.Repeat("x", maxRemembered) + `"]`
	if !Valid(long) {
		t.Fatal("valid text reported invalid")
	}
	for i := range remembered {
		if p := remembered[i].Load(); p != nil && len(*p) > maxRemembered {
			t.Errorf("a text of %d bytes is remembered, and kept alive", len(*p))
		}
	}
}

func TestValidConcurrent(t *testing.T) {
	texts := make([]string, 32)
	for i := range texts {
		texts[i] = `["` + strings.Repeat(string(rune('a'+i%26)), 550+i) + `"]`
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for n := 0; n < 2000; n++ {
				s := texts[(n*7+g)%len(texts)]
				ok = ok && Valid(s) && !Valid(s[:len(s)-1])
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("a goroutine got a wrong answer")
		}
	}
}
