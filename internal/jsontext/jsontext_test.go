package jsontext

import (
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
