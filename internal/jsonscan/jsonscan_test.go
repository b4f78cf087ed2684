package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestKind(t *testing.T) {
	tests := []struct {
		v    string
		want Kind
	}{
		{"", KindInvalid},
		{" 1", KindInvalid},
		{"x", KindInvalid},
		{"+1", KindInvalid},
		{"null", KindNull},
		{"nope", KindNull}, // first byte only, no validation
		{"true", KindBool},
		{"false", KindBool},
		{"0", KindNumber},
		{"-1", KindNumber},
		{"9e9", KindNumber},
		{`"s"`, KindString},
		{"[1]", KindArray},
		{"{}", KindObject},
	}
	for _, tt := range tests {
		if got := KindOf(tt.v); got != tt.want {
			t.Errorf("KindOf(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	names := map[Kind]string{
		KindInvalid: "invalid", KindNull: "null", KindBool: "bool", KindNumber: "number",
		KindString: "string", KindArray: "array", KindObject: "object", 200: "invalid",
	}
	for k, want := range names {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", byte(k), got, want)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", false},
		{" \t\r\n", false},
		{"null", true},
		{" \t\r\nnull\n ", true},
		{"\vnull", false},
		{"\u00a0null", false},
		{"nul", false},
		{"nulll", false},
		{"True", false},
		{"0", true},
		{"-0", true},
		{"00", false},
		{"01", false},
		{"-", false},
		{"--1", false},
		{"+1", false},
		{".1", false},
		{"1.", false},
		{"1.e1", false},
		{"1.5", true},
		{"1e", false},
		{"1e+", false},
		{"1e+5", true},
		{"1E-05", true},
		{"-12.5e3", true},
		{"0x10", false},
		{"1 2", false},
		{`""`, true},
		{`"`, false},
		{`"\"`, false},
		{`"\\"`, true},
		{`"\/\b\f\n\r\t\u0041\uaBcD"`, true},
		{`"\a"`, false},
		{`"\'"`, false},
		{`"\u123"`, false},
		{`"\u123g"`, false},
		{"\"\x1f\"", false},
		{"\"\x7f\"", true},
		{"\"\xff\xfe\xed\xa0\x80\"", true}, // invalid UTF-8 is accepted
		{"\"a\tb\"", false},
		{"{}", true},
		{"[]", true},
		{"{,}", false},
		{"[,]", false},
		{"[1,]", false},
		{`{"a":1,}`, false},
		{`{"a":1}`, true},
		{`{"a" : 1 , "b" : [ ] }`, true},
		{`{"a"}`, false},
		{`{"a":}`, false},
		{`{a:1}`, false},
		{`{"a":1}}`, false},
		{`[1]]`, false},
		{`[1}`, false},
		{`{"a":1]`, false},
		{`[{"a":[{}]}]`, true},
		{chunk, true},
		{lastChunk, true},
		{toolChunk, true},
		{completion, true},
		{messages, true},
		{chunk[:len(chunk)-1], false},
	}
	for _, tt := range tests {
		if got := Valid(tt.s); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := json.Valid([]byte(tt.s)); got != tt.want {
			t.Errorf("json.Valid(%q) = %v: bad test", tt.s, got)
		}
	}
}

// deep returns depth levels of nesting built from open and close around
// inner, cycling through the given openers.
func deep(depth int, inner string, openers ...string) string {
	var b strings.Builder
	closers := make([]string, depth)
	for i := 0; i < depth; i++ {
		o := openers[i%len(openers)]
		b.WriteString(o)
		if strings.TrimSpace(o) == "[" {
			closers[depth-1-i] = "]"
		} else {
			closers[depth-1-i] = "}"
		}
	}
	b.WriteString(inner)
	for _, c := range closers {
		b.WriteString(c)
	}
	return b.String()
}

func TestDepth(t *testing.T) {
	for _, depth := range []int{63, 64, 65, 255, 256, 257, 1000, maxDepth - 1, maxDepth, maxDepth + 1} {
		for _, tc := range []struct {
			name, inner string
			openers     []string
		}{
			{"arrays", "", []string{"["}},
			{"arrays-value", "1", []string{"["}},
			{"objects", "1", []string{`{"k":`}},
			{"mixed", "null", []string{"[", `{"k":`, " [ ", ` { "" : `}},
		} {
			s := deep(depth, tc.inner, tc.openers...)
			want := json.Valid([]byte(s))
			if want != (depth <= maxDepth) {
				t.Fatalf("json.Valid at depth %d = %v: limit changed?", depth, want)
			}
			if got := Valid(s); got != want {
				t.Errorf("Valid(%s, depth %d) = %v, want %v", tc.name, depth, got, want)
			}
			var dst []byte
			if _, err := AppendCompact(dst, s); (err == nil) != want {
				t.Errorf("AppendCompact(%s, depth %d) error %v", tc.name, depth, err)
			}
			_, _, err := Next(s)
			if (err == nil) != want {
				t.Errorf("Next(%s, depth %d) error %v", tc.name, depth, err)
			}
			if err != nil && !strings.Contains(err.Error(), "nesting deeper than 10000") {
				t.Errorf("Next(%s, depth %d) error %v, want nesting error", tc.name, depth, err)
			}
			walk := func() error {
				if KindOf(s) == KindArray {
					return Array(s, func(string) bool { return true })
				}
				return Object(s, func(_, _ string) bool { return true })
			}
			if err := walk(); (err == nil) != want {
				t.Errorf("walking %s at depth %d: error %v", tc.name, depth, err)
			}
		}
	}
	// An invalid tail after deep nesting is found by the deep rescan too.
	s := deep(300, "1", "[")
	if Valid(s[:len(s)-1] + "}") {
		t.Error("Valid accepted a mismatched closer after deep nesting")
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		s, value, rest string
		errOff         int // -1: no error
		errMsg         string
	}{
		{s: "1", value: "1", errOff: -1},
		{s: "  true false", value: "true", rest: " false", errOff: -1},
		{s: "1x", value: "1", rest: "x", errOff: -1},
		{s: "01", value: "0", rest: "1", errOff: -1},
		{s: "truefalse", value: "true", rest: "false", errOff: -1},
		{s: `{"a":[1,2]}{"b":3}`, value: `{"a":[1,2]}`, rest: `{"b":3}`, errOff: -1},
		{s: "\n\"x\"\n", value: `"x"`, rest: "\n", errOff: -1},
		{s: "-0.5e-3,", value: "-0.5e-3", rest: ",", errOff: -1},
		{s: "", errOff: 0, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "   ", errOff: 3, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "[1,2", errOff: 4, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "  x", errOff: 2, errMsg: "jsonscan: invalid character 'x' looking for beginning of value at offset 2"},
		{s: "]", errOff: 0, errMsg: "jsonscan: invalid character ']' looking for beginning of value at offset 0"},
		{s: `{"a":1,}`, errOff: 7, errMsg: "jsonscan: invalid character '}' looking for beginning of object key string at offset 7"},
		{s: `{"a" 1}`, errOff: 5, errMsg: "jsonscan: invalid character '1' after object key at offset 5"},
		{s: `{"a":1 "b":2}`, errOff: 7, errMsg: "jsonscan: invalid character '\"' after object key:value pair at offset 7"},
		{s: `[1 2]`, errOff: 3, errMsg: "jsonscan: invalid character '2' after array element at offset 3"},
		{s: `"a\qb"`, errOff: 3, errMsg: "jsonscan: invalid character 'q' in string escape code at offset 3"},
		{s: `"\u12x4"`, errOff: 5, errMsg: "jsonscan: invalid character 'x' in \\u hexadecimal character escape at offset 5"},
		{s: `"\u12`, errOff: 5, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "\"a\x01\"", errOff: 2, errMsg: "jsonscan: invalid character '\\x01' in string literal at offset 2"},
		{s: "\"abc", errOff: 4, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "nulL", errOff: 3, errMsg: "jsonscan: invalid character 'L' in literal null (expecting 'l')"},
		{s: "nUll", errOff: 1, errMsg: "jsonscan: invalid character 'U' in literal null (expecting 'u')"},
		{s: "[tRue]", errOff: 2, errMsg: "jsonscan: invalid character 'R' in literal true (expecting 'r')"},
		{s: "falsy", errOff: 4, errMsg: "jsonscan: invalid character 'y' in literal false (expecting 'e')"},
		{s: "fals", errOff: 4, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "-x", errOff: 1, errMsg: "jsonscan: invalid character 'x' in numeric literal at offset 1"},
		{s: "1.x", errOff: 2, errMsg: "jsonscan: invalid character 'x' after decimal point in numeric literal at offset 2"},
		{s: "1e+x", errOff: 3, errMsg: "jsonscan: invalid character 'x' in exponent of numeric literal at offset 3"},
		{s: "1e", errOff: 2, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: "-", errOff: 1, errMsg: "jsonscan: unexpected end of JSON input"},
		{s: strings.Repeat("[", maxDepth+1), errOff: maxDepth, errMsg: "jsonscan: nesting deeper than 10000 arrays and objects at offset 10000"},
	}
	for _, tt := range tests {
		value, rest, err := Next(tt.s)
		if tt.errOff < 0 {
			if err != nil || value != tt.value || rest != tt.rest {
				t.Errorf("Next(%q) = %q, %q, %v; want %q, %q, nil", tt.s, value, rest, err, tt.value, tt.rest)
			}
			continue
		}
		checkSyntaxError(t, fmt.Sprintf("Next(%.40q)", tt.s), err, tt.errOff, tt.errMsg)
		if value != "" || rest != tt.s {
			t.Errorf("Next(%.40q) on error = %q, %q; want \"\" and the input", tt.s, value, rest)
		}
	}
}

// checkSyntaxError checks that err is a *SyntaxError at off whose message
// starts with msg.
func checkSyntaxError(t *testing.T, call string, err error, off int, msg string) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("%s error = %v (%T), want *SyntaxError", call, err, err)
		return
	}
	if se.Offset != off || !strings.HasPrefix(se.Error(), msg) {
		t.Errorf("%s error = %q at %d, want %q at %d", call, se.Error(), se.Offset, msg, off)
	}
}

type member struct{ key, value string }

func TestObject(t *testing.T) {
	tests := []struct {
		raw     string
		members []member
		errOff  int // -1: no error
		errMsg  string
	}{
		{raw: `{}`, errOff: -1},
		{raw: " \n{ }\t", errOff: -1},
		{raw: `null`, errOff: -1},
		{raw: "\tnull\r\n", errOff: -1},
		{raw: `{"a":1}`, members: []member{{"a", "1"}}, errOff: -1},
		{
			raw:     ` { "a" : 1 , "b":[ 1, {"c" : null} ] ,"a": "x y" , "":{}}  `,
			members: []member{{"a", "1"}, {"b", `[ 1, {"c" : null} ]`}, {"a", `"x y"`}, {"", "{}"}},
			errOff:  -1,
		},
		{
			raw:     `{"k\u00e9y":true,"a\"b":false,"\ud83d\ude00":-1.5e3,"\ud83d":0}`,
			members: []member{{"kéy", "true"}, {`a"b`, "false"}, {"😀", "-1.5e3"}, {"\uFFFD", "0"}},
			errOff:  -1,
		},
		{raw: "{\"\xff\":1}", members: []member{{"\uFFFD", "1"}}, errOff: -1},
		{raw: ``, errOff: 0, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `[1]`, errOff: 0, errMsg: "jsonscan: expected object, found array at offset 0"},
		{raw: ` "s"`, errOff: 1, errMsg: "jsonscan: expected object, found string at offset 1"},
		{raw: `x`, errOff: 0, errMsg: "jsonscan: invalid character 'x' looking for beginning of value at offset 0"},
		{raw: `nul`, errOff: 3, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `null x`, errOff: 5, errMsg: "jsonscan: invalid character 'x' after top-level value at offset 5"},
		{raw: `{"a":1} x`, members: []member{{"a", "1"}}, errOff: 8, errMsg: "jsonscan: invalid character 'x' after top-level value at offset 8"},
		{raw: `{"a":1,"b":x}`, members: []member{{"a", "1"}}, errOff: 11, errMsg: "jsonscan: invalid character 'x' looking for beginning of value at offset 11"},
		{raw: `{"a":1,}`, members: []member{{"a", "1"}}, errOff: 7, errMsg: "jsonscan: invalid character '}' looking for beginning of object key string"},
		{raw: `{"a":1 "b":2}`, members: []member{{"a", "1"}}, errOff: 7, errMsg: "jsonscan: invalid character '\"' after object key:value pair"},
		{raw: `{"a" 1}`, errOff: 5, errMsg: "jsonscan: invalid character '1' after object key"},
		{raw: `{"a\x":1}`, errOff: 4, errMsg: "jsonscan: invalid character 'x' in string escape code"},
		{raw: `{1:2}`, errOff: 1, errMsg: "jsonscan: invalid character '1' looking for beginning of object key string"},
		{raw: `{"a":1`, members: []member{{"a", "1"}}, errOff: 6, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `{"a":`, errOff: 5, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `{"a"`, errOff: 4, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `{`, errOff: 1, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `{"a":[}`, errOff: 6, errMsg: "jsonscan: invalid character '}' looking for beginning of value"},
	}
	for _, tt := range tests {
		var got []member
		err := Object(tt.raw, func(key, value string) bool {
			got = append(got, member{key, value})
			return true
		})
		if fmt.Sprint(got) != fmt.Sprint(tt.members) {
			t.Errorf("Object(%q) members %q, want %q", tt.raw, got, tt.members)
		}
		if tt.errOff < 0 {
			if err != nil {
				t.Errorf("Object(%q) error %v", tt.raw, err)
			}
			continue
		}
		checkSyntaxError(t, fmt.Sprintf("Object(%q)", tt.raw), err, tt.errOff, tt.errMsg)
	}
}

func TestObjectStop(t *testing.T) {
	// Stopping early leaves the rest, even if invalid, unread.
	raw := `{"model":"gpt-4o","choices":[{"index":0}], this is not JSON`
	var keys []string
	err := Object(raw, func(key, value string) bool {
		keys = append(keys, key)
		return key != "choices"
	})
	if err != nil || strings.Join(keys, ",") != "model,choices" {
		t.Errorf("Object stopped early: keys %q, error %v", keys, err)
	}
	// But a value is only handed out once it is complete and valid.
	raw = `{"a":1,"b":[1,2,}`
	keys = keys[:0]
	err = Object(raw, func(key, value string) bool {
		keys = append(keys, key)
		return true
	})
	if err == nil || strings.Join(keys, ",") != "a" {
		t.Errorf("Object(%q): keys %q, error %v", raw, keys, err)
	}
}

func TestArray(t *testing.T) {
	tests := []struct {
		raw    string
		elems  []string
		errOff int
		errMsg string
	}{
		{raw: `[]`, errOff: -1},
		{raw: ` [ ] `, errOff: -1},
		{raw: `null`, errOff: -1},
		{raw: `[1]`, elems: []string{"1"}, errOff: -1},
		{raw: "[ 1 ,\"a\",\t{\"b\": [ ]} , [[]],null,true,false,-0.1 ]", elems: []string{"1", `"a"`, `{"b": [ ]}`, "[[]]", "null", "true", "false", "-0.1"}, errOff: -1},
		{raw: ``, errOff: 0, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `{}`, errOff: 0, errMsg: "jsonscan: expected array, found object at offset 0"},
		{raw: `  12`, errOff: 2, errMsg: "jsonscan: expected array, found number at offset 2"},
		{raw: `true`, errOff: 0, errMsg: "jsonscan: expected array, found bool at offset 0"},
		{raw: `]`, errOff: 0, errMsg: "jsonscan: invalid character ']' looking for beginning of value at offset 0"},
		{raw: `[1,]`, elems: []string{"1"}, errOff: 3, errMsg: "jsonscan: invalid character ']' looking for beginning of value"},
		{raw: `[,1]`, errOff: 1, errMsg: "jsonscan: invalid character ',' looking for beginning of value"},
		{raw: `[1 2]`, elems: []string{"1"}, errOff: 3, errMsg: "jsonscan: invalid character '2' after array element"},
		{raw: `[1}`, elems: []string{"1"}, errOff: 2, errMsg: "jsonscan: invalid character '}' after array element"},
		{raw: `[1]]`, elems: []string{"1"}, errOff: 3, errMsg: "jsonscan: invalid character ']' after top-level value"},
		{raw: `[1,`, elems: []string{"1"}, errOff: 3, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `[`, errOff: 1, errMsg: "jsonscan: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		var got []string
		err := Array(tt.raw, func(elem string) bool {
			got = append(got, elem)
			return true
		})
		if fmt.Sprint(got) != fmt.Sprint(tt.elems) {
			t.Errorf("Array(%q) elements %q, want %q", tt.raw, got, tt.elems)
		}
		if tt.errOff < 0 {
			if err != nil {
				t.Errorf("Array(%q) error %v", tt.raw, err)
			}
			continue
		}
		checkSyntaxError(t, fmt.Sprintf("Array(%q)", tt.raw), err, tt.errOff, tt.errMsg)
	}

	// Early stop.
	n := 0
	err := Array(`[1,2,3,oops`, func(string) bool { n++; return n < 2 })
	if err != nil || n != 2 {
		t.Errorf("Array stopped early: %d calls, error %v", n, err)
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct {
		raw, want string
		errOff    int
		errMsg    string
	}{
		{raw: `""`, want: "", errOff: -1},
		{raw: `"plain ascii, with / and 'quotes'"`, want: "plain ascii, with / and 'quotes'", errOff: -1},
		{raw: `"café ☕ 😀"`, want: "café ☕ 😀", errOff: -1},
		{raw: `"\"\\\/\b\f\n\r\t"`, want: "\"\\/\b\f\n\r\t", errOff: -1},
		{raw: `"\u0041\u00e9\u20AC\u0000"`, want: "Aé€\x00", errOff: -1},
		{raw: `"\ud83d\ude00"`, want: "😀", errOff: -1},
		{raw: `"\uD83D\uDE00x"`, want: "😀x", errOff: -1},
		{raw: `"\ud83d"`, want: "\uFFFD", errOff: -1},
		{raw: `"\ud83dx"`, want: "\uFFFDx", errOff: -1},
		{raw: `"\ud83d\u0041"`, want: "\uFFFDA", errOff: -1},
		{raw: `"\ude00\ud83d"`, want: "\uFFFD\uFFFD", errOff: -1},
		{raw: `"\ud83d\ud83d\ude00"`, want: "\uFFFD😀", errOff: -1},
		{raw: "\"a\xffb\"", want: "a\uFFFDb", errOff: -1},
		{raw: "\"\xed\xa0\x80\"", want: "\uFFFD\uFFFD\uFFFD", errOff: -1},
		{raw: "\"\xe2\x82\"", want: "\uFFFD\uFFFD", errOff: -1},
		{raw: "\"caf\xc3\xa9\\n\xc3\"", want: "café\n\uFFFD", errOff: -1},
		{raw: "\"\x7f\"", want: "\x7f", errOff: -1},
		{raw: ``, errOff: 0, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `"`, errOff: 1, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `"abc`, errOff: 4, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `"abc\"`, errOff: 6, errMsg: "jsonscan: unexpected end of JSON input"},
		{raw: `null`, errOff: 0, errMsg: "jsonscan: expected string, found null at offset 0"},
		{raw: ` "a"`, errOff: 0, errMsg: "jsonscan: invalid character ' ' looking for beginning of value at offset 0"},
		{raw: `"a" `, errOff: 3, errMsg: "jsonscan: invalid character ' ' after top-level value at offset 3"},
		{raw: `"a""b"`, errOff: 3, errMsg: "jsonscan: invalid character '\"' after top-level value at offset 3"},
		{raw: `"\'"`, errOff: 2, errMsg: "jsonscan: invalid character '\\'' in string escape code at offset 2"},
		{raw: `"\u00g0"`, errOff: 5, errMsg: "jsonscan: invalid character 'g' in \\u hexadecimal character escape at offset 5"},
		{raw: "\"a\nb\"", errOff: 2, errMsg: "jsonscan: invalid character '\\n' in string literal at offset 2"},
	}
	for _, tt := range tests {
		got, err := Unquote(tt.raw)
		if tt.errOff < 0 {
			if err != nil || got != tt.want {
				t.Errorf("Unquote(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			var want string
			if jerr := json.Unmarshal([]byte(tt.raw), &want); jerr != nil || want != tt.want {
				t.Errorf("json.Unmarshal(%q) = %q, %v: bad test", tt.raw, want, jerr)
			}
			continue
		}
		if got != "" {
			t.Errorf("Unquote(%q) = %q on error", tt.raw, got)
		}
		checkSyntaxError(t, fmt.Sprintf("Unquote(%q)", tt.raw), err, tt.errOff, tt.errMsg)
	}
}

func TestAppendCompact(t *testing.T) {
	tests := []struct {
		src, want string
		errOff    int
	}{
		{src: "1", want: "1", errOff: -1},
		{src: " \t\r\n1 \n", want: "1", errOff: -1},
		{src: "{ \"a b\" : [ 1 , 2 ] ,\n\t\"c\":\"\\n \\u0020 <&>\u2028\" }", want: "{\"a b\":[1,2],\"c\":\"\\n \\u0020 <&>\u2028\"}", errOff: -1},
		{src: "\"\xff \"", want: "\"\xff \"", errOff: -1},
		{src: "[ ]", want: "[]", errOff: -1},
		{src: "", errOff: 0},
		{src: "[1,]", errOff: 3},
		{src: "1 2", errOff: 2},
		{src: "{\"a\":1}\n}", errOff: 8},
	}
	for _, tt := range tests {
		dst := []byte("keep:")
		got, err := AppendCompact(dst, tt.src)
		if tt.errOff < 0 {
			if err != nil || string(got) != "keep:"+tt.want {
				t.Errorf("AppendCompact(%q) = %q, %v; want %q", tt.src, got, err, "keep:"+tt.want)
			}
			continue
		}
		if string(got) != "keep:" {
			t.Errorf("AppendCompact(%q) on error = %q, want dst unchanged", tt.src, got)
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset != tt.errOff {
			t.Errorf("AppendCompact(%q) error %v, want a *SyntaxError at %d", tt.src, err, tt.errOff)
		}
	}

	// The pretty-printed response compacts like json.Compact.
	for _, src := range []string{completion, messages, toolChunk} {
		got, err := AppendCompact(nil, src)
		buf := new(bytes.Buffer)
		if jerr := json.Compact(buf, []byte(src)); err != nil || jerr != nil || string(got) != buf.String() {
			t.Errorf("AppendCompact(%.40q...) = %q, %v; json.Compact %q, %v", src, got, err, buf.String(), jerr)
		}
	}
}

func TestSyntaxErrorOffsetsAreIntoInput(t *testing.T) {
	// The offset of an error in a nested value counts from the start of the
	// string given to the exported function, not of the value.
	raw := `{"choices":[{"delta":{"content":"hi\q"}}]}`
	err := Object(raw, func(_, value string) bool { return true })
	checkSyntaxError(t, "Object", err, strings.Index(raw, `\q`)+1, "jsonscan: invalid character 'q' in string escape code")
	err = Array(`[0, {"a": [1, 2, 03]}]`, func(string) bool { return true })
	checkSyntaxError(t, "Array", err, 18, "jsonscan: invalid character '3' after array element")
}
