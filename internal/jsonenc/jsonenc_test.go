package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// stdEncode is the reference: encoding/json with HTML escaping off, minus
// the trailing newline.
func stdEncode(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json cannot encode %T: %v", v, err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

type Inner struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
}

type Embedded struct {
	E1     int
	Shadow string
	Tagged string `json:"tagged_embedded"`
}

type embeddedUnexported struct {
	Promoted string
}

type Tagged struct {
	Name string `json:"name"`
	Age  int    `json:"age,omitempty"`
	Skip string `json:"-"`
	//lint:ignore SA5008 a field named "-" is part of what is tested
	Dash    string `json:"-,"`
	Inner   Inner  `json:"inner"`
	Ptr     *Inner `json:"ptr"`
	NilPtr  *Inner `json:"nil_ptr,omitempty"`
	NilPtr2 *Inner
	Embedded
	embeddedUnexported
	Shadow     int
	unexported int
	Quoted     int     `json:",string"`
	QStr       string  `json:"qs,string"`
	QFloat     float64 `json:"qf,string"`
	QBool      *bool   `json:"qb,string"`
	Any        any
	Map        map[string]int
	IntMap     map[int]string
	Bytes      []byte
	Arr        [2]bool
	Time       time.Time
	ZeroTime   time.Time `json:",omitzero"`
	Num        json.Number
	EmptyNum   json.Number
	Raw        json.RawMessage
	F32        float32
	Addr       netip.Addr
	//lint:ignore SA5008 an invalid tag name is part of what is tested
	BadTag     string `json:"bad\"tag"`
	Weird      string `json:"a-b.c@d"`
	EmptySlice []int  `json:",omitempty"`
}

type Point struct{ X, Y int }

type ConflictA struct{ X, Y, Z int }
type ConflictB struct {
	X int
	Y int `json:"Y"`
}
type conflictDeep struct{ Z int }
type ConflictC struct{ conflictDeep }

// conflicting exercises Go's embedding rules: X is ambiguous (dropped), the
// tagged Y wins, and the shallower Z wins over the deeper one.
type conflicting struct {
	ConflictA
	ConflictB
	ConflictC
}

type withEmbeddedPtr struct {
	*Inner
	Z int
}

// TextKey is a map key encoded through MarshalText.
type TextKey struct{ A, B string }

func (k TextKey) MarshalText() ([]byte, error) { return []byte(k.A + "/" + k.B), nil }

type valueMarshaler struct{ N int }

func (v valueMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{ "n" : %d , "s": "a b" }`, v.N)), nil
}

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`[%d, true]`, p.N)), nil
}

type holdsPtrMarshaler struct {
	V  ptrMarshaler
	P  *ptrMarshaler
	NP *ptrMarshaler
}

type myString string
type myInt int
type myMap map[string]any
type mySlice []any

func ptr[T any](v T) *T { return &v }

func encodableCases() []struct {
	name string
	v    any
} {
	deep := map[string]any{"leaf": true}
	for range 100 {
		deep = map[string]any{"d": deep}
	}
	deepSlice := []any{"leaf"}
	for range 100 {
		deepSlice = []any{deepSlice}
	}
	shared := map[string]any{"x": 1}
	return []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"true", true},
		{"false", false},
		{"int", 42},
		{"negative int", -7},
		{"int8 min", int8(math.MinInt8)},
		{"int16", int16(-300)},
		{"int32", int32(math.MaxInt32)},
		{"int64 min", int64(math.MinInt64)},
		{"int64 max", int64(math.MaxInt64)},
		{"uint", uint(7)},
		{"uint8", uint8(255)},
		{"uint16", uint16(65535)},
		{"uint32", uint32(math.MaxUint32)},
		{"uint64 max", uint64(math.MaxUint64)},
		{"uintptr", uintptr(12345)},
		{"float 0", 0.0},
		{"float -0", math.Copysign(0, -1)},
		{"float 0.1", 0.1},
		{"float 1e21", 1e21},
		{"float 1e20", 1e20},
		{"float 123456789e12", 123456789e12},
		{"float 1e-7", 1e-7},
		{"float 1e-6", 1e-6},
		{"float -1.5e-10", -1.5e-10},
		{"float 5e-324", 5e-324},
		{"float max", math.MaxFloat64},
		{"float 3", 3.0},
		{"float 2^53+1", float64(1<<53 + 1)},
		{"float32 0.1", float32(0.1)},
		{"float32 1e21", float32(1e21)},
		{"float32 1e-7", float32(1e-7)},
		{"float32 max", float32(math.MaxFloat32)},
		{"float32 -0", float32(math.Copysign(0, -1))},
		{"empty string", ""},
		{"ascii", "hello, world"},
		{"html", "<a href=\"x\">&amp;</a>"},
		{"unicode", "héllo 世界 🎉 Ωμέγα"},
		{"control chars", "\x00\x01\x07\b\t\n\v\f\r\x0e\x1f\x7f"},
		{"quotes and backslash", `say "hi" \ bye \\ \"`},
		{"U+2028 U+2029", "line\u2028sep\u2029para"},
		{"invalid utf8", "a\xffb\xfe\xc3(\xe2\x82"},
		{"truncated rune at end", "abc\xe4\xb8"},
		{"surrogate half", "\xed\xa0\x80"},
		{"overlong", "\xc0\xaf"},
		{"U+FFFD literal", "\ufffd"},
		{"nil bytes", []byte(nil)},
		{"empty bytes", []byte{}},
		{"bytes", []byte("hello\x00\xff")},
		{"raw message", json.RawMessage(`{ "a" : [1, 2 ,"x y"], "b":null }`)},
		{"raw message scalar", json.RawMessage(`  "str\u00e9"  `)},
		{"nil raw message", json.RawMessage(nil)},
		{"map[string]any", map[string]any{"query": "what is mlflow?", "k": 3, "z": nil, "a": []any{1, "2", 3.5, false}}},
		{"map[string]any many keys", func() map[string]any {
			m := map[string]any{}
			for i := range 40 {
				m[fmt.Sprintf("key%02d\u00e9", 40-i)] = i
			}
			return m
		}()},
		{"map keys needing escape", map[string]any{"a\"b": 1, "\n": 2, "<>": 3, "\xff": 4, "é": 5, "": 6}},
		{"nil map[string]any", map[string]any(nil)},
		{"empty map[string]any", map[string]any{}},
		{"map[string]string", map[string]string{"b": "2", "a": "1", "c": "\u2028"}},
		{"map[string]string many", func() map[string]string {
			m := map[string]string{}
			for i := range 30 {
				m[fmt.Sprint(i)] = fmt.Sprint(i * i)
			}
			return m
		}()},
		{"nil map[string]string", map[string]string(nil)},
		{"[]any", []any{nil, 1, "two", 3.0, []string{"x"}, map[string]string{"k": "v"}}},
		{"nil []any", []any(nil)},
		{"empty []any", []any{}},
		{"[]string", []string{"a", "b\"", ""}},
		{"nil []string", []string(nil)},
		{"[]int", []int{1, -2, 3}},
		{"nil []int", []int(nil)},
		{"[]float64", []float64{0.1, 1e21, 1e-7, math.Copysign(0, -1)}},
		{"nil []float64", []float64(nil)},
		{"nested", map[string]any{
			"messages": []any{
				map[string]any{"role": "user", "content": "hi"},
				map[string]any{"role": "assistant", "content": "hello <b>there</b> & welcome", "tokens": []int{1, 2}},
			},
			"meta": map[string]string{"model": "gpt"},
			"raw":  json.RawMessage(`{"x": 1}`),
			"blob": []byte{1, 2, 3},
		}},
		{"shared (non-cyclic) map", map[string]any{"a": shared, "b": []any{shared, shared}}},
		{"deep map", deep},
		{"deep slice", deepSlice},
		{"struct with tags", Tagged{
			Name: "n", Skip: "s", Dash: "d", Inner: Inner{A: 1}, Ptr: &Inner{A: 2, B: "b"},
			Embedded: Embedded{E1: 5, Shadow: "hidden", Tagged: "t"}, embeddedUnexported: embeddedUnexported{"p"},
			Shadow: 9, unexported: 1, Quoted: 12, QStr: "q\"s", QFloat: 1.5, QBool: ptr(true),
			Any: map[string]any{"k": []any{1}}, Map: map[string]int{"b": 2, "a": 1}, IntMap: map[int]string{10: "ten", -1: "neg", 2: "two"},
			Bytes: []byte("bytes"), Arr: [2]bool{true, false}, Time: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC),
			Num: "1.5e3", Raw: json.RawMessage(`[1, 2]`), F32: 0.3, Addr: netip.MustParseAddr("10.0.0.1"),
			BadTag: "bt", Weird: "w",
		}},
		{"pointer to struct", &Inner{A: 1, B: "x"}},
		{"embedding conflicts", conflicting{ConflictA{1, 2, 3}, ConflictB{4, 5}, ConflictC{conflictDeep{6}}}},
		{"embedded pointer", withEmbeddedPtr{&Inner{A: 1}, 2}},
		{"embedded nil pointer", withEmbeddedPtr{nil, 2}},
		{"nil pointer", (*Inner)(nil)},
		{"anonymous struct", struct {
			X int
			Y []string
		}{1, []string{"a"}}},
		{"named string", myString("named")},
		{"named int", myInt(3)},
		{"named map", myMap{"a": 1}},
		{"named slice", mySlice{1, "a"}},
		{"pointer to string", ptr("p")},
		{"map with struct keys via TextMarshaler", map[TextKey]int{{"a", "b"}: 1, {"c", "d"}: 2}},
		{"map[int]any", map[int]any{3: "c", 1: "a", 20: "t"}},
		{"map[uint8]bool", map[uint8]bool{1: true, 0: false}},
		{"array", [3]int{1, 2, 3}},
		{"byte array", [2]byte{1, 2}},
		{"value marshaler", valueMarshaler{N: 4}},
		{"pointer marshaler via struct", &holdsPtrMarshaler{V: ptrMarshaler{1}, P: &ptrMarshaler{2}}},
		{"pointer marshaler by value", holdsPtrMarshaler{V: ptrMarshaler{1}, P: &ptrMarshaler{2}}},
		{"time", time.Date(2025, 6, 7, 8, 9, 10, 0, time.FixedZone("X", 3600))},
		{"json.Number", json.Number("-12.5e-3")},
		{"interface slice of structs", []any{Inner{A: 1}, &Inner{A: 2}, Point{3, 4}}},
		{"map of structs", map[string]any{"p": Point{1, 2}, "e": &Embedded{E1: 1}, "t": time.Unix(0, 0).UTC()}},
	}
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, tc := range encodableCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := stdEncode(t, tc.v)
			if got := String(tc.v); got != want {
				t.Errorf("String mismatch\n got: %s\nwant: %s", got, want)
			}
			prefix := []byte("prefix:")
			got := Append(prefix, tc.v)
			if string(got) != "prefix:"+want {
				t.Errorf("Append with prefix mismatch\n got: %s\nwant: prefix:%s", got, want)
			}
			if !json.Valid(got[len(prefix):]) {
				t.Errorf("invalid JSON: %s", got)
			}
		})
	}
}

type withChan struct {
	A    int
	C    chan int
	B    string
	F    func()
	Nest Inner
	Z    complex64
}

type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("boom") }

type panickyWithError struct{}

func (panickyWithError) MarshalJSON() ([]byte, error) { panic(errors.New("bad state")) }

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("nope") }

type invalidJSON struct{}

func (invalidJSON) MarshalJSON() ([]byte, error) { return []byte(`{"a":`), nil }

type badText struct{}

func (badText) MarshalText() ([]byte, error) { return nil, errors.New("no text") }

type panicErr struct{ msg string }

func (e *panicErr) Error() string { return e.msg } // panics on a nil receiver

type explodingErr struct{}

func (explodingErr) Error() string { panic("kaboom") }

// explodingMarshaler's MarshalJSON fails with an error whose Error panics.
type explodingMarshaler struct{}

func (explodingMarshaler) MarshalJSON() ([]byte, error) { return nil, explodingErr{} }

type errWithJSON struct{}

func (errWithJSON) Error() string                { return "plain" }
func (errWithJSON) MarshalJSON() ([]byte, error) { return []byte(`{"custom":true}`), nil }

type nanHolder struct {
	Name string
	X    float64
	Y    float32
	Keep []int
}

type deepStruct struct {
	Child *deepStruct
	C     chan int
}

// deepMarker and cannot are the strings the general path writes in place of
// a value, as JSON.
func deepMarker(typ string) string {
	return jsonString(fmt.Sprintf("[not recorded: %s nests deeper than 1000 levels]", typ))
}

func cannot(typ, reason string) string {
	return jsonString(fmt.Sprintf("[not recorded: cannot encode %s as JSON: %s]", typ, reason))
}

// jsonString is s as a JSON string, as encoding/json writes it.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestAppendUnencodable(t *testing.T) {
	cyclicMap := map[string]any{"a": 1}
	cyclicMap["self"] = cyclicMap

	cyclicSlice := []any{1, nil}
	cyclicSlice[1] = cyclicSlice

	ring := &node{V: 1}
	ring.Next = &node{V: 2, Next: ring}

	mutualA := map[string]any{"name": "a"}
	mutualB := map[string]any{"name": "b", "a": mutualA}
	mutualA["b"] = mutualB

	selfPtr := new(any)
	*selfPtr = selfPtr

	var nilPanicErr *panicErr

	deepCyclic := map[string]any{}
	cur := deepCyclic
	for range 80 {
		next := map[string]any{}
		cur["d"] = next
		cur = next
	}
	cur["loop"] = deepCyclic

	var deepS *deepStruct
	for range 100 {
		deepS = &deepStruct{Child: deepS}
	}

	cases := []struct {
		name string
		v    any
		want string
	}{
		{"chan", make(chan int), cannot("chan int", "json: unsupported type: chan int")},
		{"recv chan", make(<-chan string), cannot("<-chan string", "json: unsupported type: <-chan string")},
		{"func", func() {}, cannot("func()", "json: unsupported type: func()")},
		{"complex128", complex(1, -2), cannot("complex128", "json: unsupported type: complex128")},
		{"complex64", complex64(complex(0.5, 3)), cannot("complex64", "json: unsupported type: complex64")},
		{"unsafe pointer", unsafe.Pointer(ring), cannot("unsafe.Pointer", "json: unsupported type: unsafe.Pointer")},
		{"NaN", math.NaN(), `"NaN"`},
		{"+Inf", math.Inf(1), `"+Inf"`},
		{"-Inf float32", float32(math.Inf(-1)), `"-Inf"`},
		{"NaN in map", map[string]any{"x": math.NaN(), "y": 1}, `{"x":"NaN","y":1}`},
		{"NaN in []float64", []float64{1, math.Inf(1)}, `[1,"+Inf"]`},
		{"NaN in struct", nanHolder{"n", math.NaN(), float32(math.Inf(1)), []int{1}}, cannot("jsonenc.nanHolder", "json: unsupported value: NaN")},
		{"cyclic map", cyclicMap, `{"a":1,"self":"<cycle map[string]interface {}>"}`},
		{"cyclic slice", cyclicSlice, `[1,"<cycle []interface {}>"]`},
		{"mutually cyclic maps", mutualA, `{"b":{"a":"<cycle map[string]interface {}>","name":"b"},"name":"a"}`},
		{"cyclic pointer struct", ring, deepMarker("*jsonenc.node")},
		{"cyclic struct inside map", map[string]any{"ok": "yes", "ring": ring}, `{"ok":"yes","ring":` + deepMarker("*jsonenc.node") + `}`},
		{"self-referencing pointer", selfPtr, deepMarker("*interface {}")},
		{"pointer to cyclic slice", &cyclicSlice, deepMarker("*[]interface {}")},
		{"cycle past the fast path's depth", deepCyclic,
			strings.Repeat(`{"d":`, fastMaxDepth) + deepMarker("map[string]interface {}") + strings.Repeat("}", fastMaxDepth)},
		{"struct with chan field", withChan{A: 1, C: make(chan int), B: "kept", Nest: Inner{A: 7}, Z: 1i},
			cannot("jsonenc.withChan", "json: unsupported type: chan int")},
		{"deep struct with chan fields", deepS, cannot("*jsonenc.deepStruct", "json: unsupported type: chan int")},
		{"chan inside map[string]any", map[string]any{"c": make(chan bool), "n": 1},
			`{"c":` + cannot("chan bool", "json: unsupported type: chan bool") + `,"n":1}`},
		{"chan inside []any", []any{1, make(chan int), "x"}, `[1,` + cannot("chan int", "json: unsupported type: chan int") + `,"x"]`},
		{"map[string]chan", map[string]chan int{"c": nil}, cannot("map[string]chan int", "json: unsupported type: chan int")},
		{"MarshalJSON panics", panicky{}, cannot("jsonenc.panicky", "panic: boom")},
		{"MarshalJSON panics with an error", []any{panickyWithError{}}, "[" + cannot("jsonenc.panickyWithError", "panic: bad state") + "]"},
		{"MarshalJSON errors", failing{}, cannot("jsonenc.failing", "json: error calling MarshalJSON for type jsonenc.failing: nope")},
		{"MarshalJSON invalid", invalidJSON{}, cannot("jsonenc.invalidJSON",
			"json: error calling MarshalJSON for type jsonenc.invalidJSON: unexpected end of JSON input")},
		{"MarshalJSON error whose Error panics", explodingMarshaler{}, cannot("jsonenc.explodingMarshaler",
			"<panic calling Error for type *json.MarshalerError: kaboom>")},
		{"panicking field among normal fields", struct {
			A int
			P panicky
			B string
		}{1, panicky{}, "b"}, cannot("struct { A int; P jsonenc.panicky; B string }", "panic: boom")},
		{"MarshalText error", map[string]any{"t": badText{}},
			`{"t":` + cannot("jsonenc.badText", "json: error calling MarshalText for type jsonenc.badText: no text") + `}`},
		{"MarshalText error in key", map[badText]int{{}: 1},
			cannot("map[jsonenc.badText]int", `json: encoding error for type "map[jsonenc.badText]int": "no text"`)},
		{"error", errors.New("something failed"), `"something failed"`},
		{"wrapped error", fmt.Errorf("outer: %w", errors.New("inner <&>")), `"outer: inner <&>"`},
		{"error in map", map[string]any{"err": errors.New("x"), "ok": true}, `{"err":"x","ok":true}`},
		{"nil pointer error", nilPanicErr, `null`},
		{"nil pointer error in []any", []any{nilPanicErr, 1}, `[null,1]`},
		{"error whose Error panics", explodingErr{}, `"<panic calling Error for type jsonenc.explodingErr: kaboom>"`},
		{"error with MarshalJSON", errWithJSON{}, `{"custom":true}`},
		{"map with complex keys", map[complex128]int{1 + 1i: 1}, cannot("map[complex128]int", "json: unsupported type: map[complex128]int")},
		{"map with struct keys", map[Point]string{{1, 2}: "a"}, cannot("map[jsonenc.Point]string", "json: unsupported type: map[jsonenc.Point]string")},
		{"map with any keys", map[any]int{"s": 1}, cannot("map[interface {}]int", "json: unsupported type: map[interface {}]int")},
		{"invalid json.Number", struct{ N json.Number }{"12abc"}, cannot("struct { N json.Number }", `json: invalid number literal "12abc"`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Append([]byte("x="), tc.v)
			if !bytes.HasPrefix(got, []byte("x=")) {
				t.Fatalf("prefix clobbered: %q", got)
			}
			got = got[2:]
			if !json.Valid(got) {
				t.Fatalf("invalid JSON: %s", got)
			}
			if string(got) != tc.want {
				t.Errorf("\n got: %s\nwant: %s", got, tc.want)
			}
			if s := String(tc.v); s != string(got) {
				t.Errorf("String differs from Append: %s vs %s", s, got)
			}
		})
	}
}

// stringCases exercise the escaping rules, each at several offsets from the
// eight-byte blocks AppendString and QuotedLen go through.
func stringCases() []string {
	base := []string{
		"", "plain", "hello, world", "<&>", "tab\there", "\u2028", "\u2029", "line\u2028sep\u2029para",
		"bad\xff", "\xfe", "a\xffb", "\xed\xa0\x80", "\xc0\xaf", "abc\xe4\xb8", "\ufffd", "日本語", "é世",
		"\x00", "\x1f", "\x7f", "\x00\x1f\n\t", "\b\f\r", `\"`, `"\`, `q"b\s`, `{"k":"v"}`, "🎉",
	}
	cases := slices.Clone(base)
	for _, s := range base {
		for pad := 1; pad <= 9; pad += 4 {
			cases = append(cases, strings.Repeat("x", pad)+s+strings.Repeat("y", 17-pad))
		}
	}
	// Long strings take QuotedLen's fast path, or leave it for a byte anywhere in them.
	long := strings.Repeat(`{"role":"user","content":"hi \\ there"},`, 20)
	cases = append(cases, long, long[:63], long[:64], long[:65])
	for _, s := range base {
		for _, at := range []int{0, 7, 64, 200, len(long)} {
			cases = append(cases, long[:at]+s+long[at:])
		}
	}
	return cases
}

func TestAppendString(t *testing.T) {
	for _, s := range stringCases() {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			want := stdEncode(t, s)
			if got := string(AppendString(nil, s)); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			if got := String(s); got != want {
				t.Errorf("String: got %s, want %s", got, want)
			}
		})
	}
}

func TestQuotedLen(t *testing.T) {
	for _, s := range stringCases() {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			if got, want := QuotedLen(s), len(stdEncode(t, s)); got != want {
				t.Errorf("QuotedLen = %d, encoding/json writes %d bytes", got, want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat(`{"k":"v"},`, 50)
	multi := strings.Repeat("日本語テキスト", 40) // 3-byte runes
	emoji := strings.Repeat("🎉", 100)      // 4-byte runes

	t.Run("unchanged when short", func(t *testing.T) {
		for _, max := range []int{len(long), len(long) + 1, 1 << 20} {
			if got := Truncate(long, max); got != long {
				t.Errorf("max=%d: changed", max)
			}
		}
	})
	t.Run("unchanged when max <= 0", func(t *testing.T) {
		for _, max := range []int{0, -1} {
			if got := Truncate(long, max); got != long {
				t.Errorf("max=%d: changed", max)
			}
		}
	})

	cases := []struct {
		name string
		js   string
		max  int
	}{
		{"ascii json", long, 100},
		{"ascii json at 64", long, 64},
		{"ascii json big max", long, len(long) - 1},
		{"multibyte", multi, 100},
		{"multibyte odd", multi, 101},
		{"multibyte 102", multi, 102},
		{"emoji", emoji, 77},
		{"emoji 78", emoji, 78},
		{"escapes", strings.Repeat("\"\\\n\x01\u2028", 30), 90},
		{"invalid utf8", strings.Repeat("a\xff", 100), 70},
		{"small max", long, 10},
		{"max 1", long, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.js, tc.max)
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON: %s", got)
			}
			if tc.max >= 64 && len(got) > tc.max {
				t.Errorf("len %d > max %d", len(got), tc.max)
			}
			var content string
			if err := json.Unmarshal([]byte(got), &content); err != nil {
				t.Fatal(err)
			}
			marker := fmt.Sprintf("...[truncated, %d bytes total]", len(tc.js))
			if !strings.HasSuffix(content, marker) {
				t.Fatalf("marker %q missing: %s", marker, content)
			}
			prefix := strings.TrimSuffix(content, marker)
			if want := replaceInvalid(tc.js); !strings.HasPrefix(want, prefix) {
				t.Errorf("content %q is not a prefix of the input", prefix)
			}
			if tc.max >= 64 && tc.max-len(got) > 6 {
				t.Errorf("wasted budget: len %d, max %d", len(got), tc.max)
			}
		})
	}

	t.Run("rune boundary", func(t *testing.T) {
		for max := 64; max < 120; max++ {
			got := Truncate(multi, max)
			var content string
			if err := json.Unmarshal([]byte(got), &content); err != nil {
				t.Fatal(err)
			}
			if strings.ContainsRune(content, '\uFFFD') {
				t.Fatalf("max=%d: cut inside a rune: %q", max, content)
			}
			if len(got) > max {
				t.Fatalf("max=%d: len %d", max, len(got))
			}
		}
	})
}

// replaceInvalid replaces each invalid UTF-8 byte with U+FFFD, as
// encoding/json does.
func replaceInvalid(s string) string {
	var b strings.Builder
	for _, r := range s { // range yields U+FFFD once per invalid byte
		b.WriteRune(r)
	}
	return b.String()
}

func TestAppendDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	values := map[string]any{
		"string":         "what is mlflow?",
		"int":            12345,
		"float":          0.25,
		"map[string]any": map[string]any{"query": "what is mlflow?", "k": 3, "nested": []any{1, "x", true}},
		"[]string":       []string{"a", "b"},
		"error":          errors.New("boom"),
	}
	buf := make([]byte, 0, 4096)
	for name, v := range values {
		allocs := testing.AllocsPerRun(100, func() { buf = Append(buf[:0], v) })
		if allocs != 0 {
			t.Errorf("%s: %v allocs per Append, want 0", name, allocs)
		}
	}
}

// Pools and type caches are shared; run everything concurrently under -race.
func TestConcurrentUse(t *testing.T) {
	cases := encodableCases()
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	values := []any{cyclic, withChan{A: 1}, panicky{}, math.NaN(), list(MaxDepth + 1), holder{[]any{list(3), map[string]any{"k": 1}}}}
	for _, tc := range cases {
		values = append(values, tc.v)
	}
	want := make([]string, len(values))
	for i, v := range values {
		want[i] = String(v)
	}
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			var buf []byte
			for r := 0; r < 20; r++ {
				for i, v := range values {
					buf = Append(buf[:0], v)
					if string(buf) != want[i] {
						t.Errorf("value %d: got %s, want %s", i, buf, want[i])
						return
					}
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
