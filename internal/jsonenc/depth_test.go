package jsonenc

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type node struct {
	Next *node
	V    int
}

// list returns a linked list of n nodes, which takes n levels.
func list(n int) *node {
	var head *node
	for i := range n {
		head = &node{Next: head, V: i}
	}
	return head
}

// nestedSlices returns []any nested n levels deep, [] innermost.
func nestedSlices(n int) any {
	var v any = []any{}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

// tree takes two levels a node: the struct and its slice of kids.
type tree struct{ Kids []tree }

// chain returns n trees each holding the next, the last one with no kids:
// 2n levels.
func chain(n int) tree {
	t := tree{Kids: []tree{}}
	for range n - 1 {
		t = tree{Kids: []tree{t}}
	}
	return t
}

type mtree map[string]mtree

func nestedMaps(n int) mtree {
	m := mtree{}
	for range n - 1 {
		m = mtree{"m": m}
	}
	return m
}

type holder struct{ V any }

// embedsHolder's V is promoted, so holder takes no level of its own.
type embedsHolder struct {
	holder
	W int
}

type embedsHolderPtr struct{ *holder }

type unexportedHolder struct{ V any }

// embedsUnexported's V is promoted too: encoding/json writes the exported
// fields of an unexported embedded struct.
type embedsUnexported struct{ unexportedHolder }

type hidden struct {
	deep any // encoding/json ignores it, so must the depth check
	Skip any `json:"-"`
	X    int
}

type flat struct{ Deep any }

func (flat) MarshalJSON() ([]byte, error) { return []byte(`"flat"`), nil }

type ptrFlat struct{ Deep any }

func (*ptrFlat) MarshalJSON() ([]byte, error) { return []byte(`"flat"`), nil }

// arrays returns a value of type [1][1]...[1]int, n arrays deep, built with
// reflect so that its static bound is n.
func arrays(n int) any {
	t := reflect.TypeFor[int]()
	for range n {
		t = reflect.ArrayOf(1, t)
	}
	return reflect.New(t).Elem().Interface()
}

func TestDepthCap(t *testing.T) {
	cyclic := list(3)
	cyclic.Next.Next.Next = cyclic
	sliceMarker := func(typ string) string {
		return strings.Repeat("[", fastMaxDepth) + deepMarker(typ) + strings.Repeat("]", fastMaxDepth)
	}
	cases := []struct {
		name string
		v    any
		want string // "" for what encoding/json writes
	}{
		{"list at the cap", list(MaxDepth), ""},
		{"list past the cap", list(MaxDepth + 1), deepMarker("*jsonenc.node")},
		{"list 1,000,000 deep", list(1_000_000), deepMarker("*jsonenc.node")},
		{"cyclic list", cyclic, deepMarker("*jsonenc.node")},
		{"[]any at the cap", nestedSlices(MaxDepth), strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)},
		{"[]any past the cap", nestedSlices(MaxDepth + 1), sliceMarker("[]interface {}")},
		{"[]any 1,000,000 deep", nestedSlices(1_000_000), sliceMarker("[]interface {}")},
		{"struct in []any at the cap", []any{holder{nestedSlices(MaxDepth - 2)}}, ""},
		{"struct in []any past the cap", []any{holder{nestedSlices(MaxDepth - 1)}}, "[" + deepMarker("jsonenc.holder") + "]"},
		{"any field at the cap", holder{nestedSlices(MaxDepth - 1)}, ""},
		{"any field past the cap", holder{nestedSlices(MaxDepth)}, deepMarker("jsonenc.holder")},
		{"any field 1,000,000 deep", &holder{nestedSlices(1_000_000)}, deepMarker("*jsonenc.holder")},
		{"promoted field at the cap", embedsHolder{holder: holder{nestedSlices(MaxDepth - 1)}}, ""},
		{"promoted field past the cap", embedsHolder{holder: holder{nestedSlices(MaxDepth)}}, deepMarker("jsonenc.embedsHolder")},
		{"promoted through a pointer past the cap", embedsHolderPtr{&holder{nestedSlices(MaxDepth)}}, deepMarker("jsonenc.embedsHolderPtr")},
		{"promoted through a nil pointer", embedsHolderPtr{}, `{}`},
		{"promoted from an unexported type at the cap", embedsUnexported{unexportedHolder{nestedSlices(MaxDepth - 1)}}, ""},
		{"promoted from an unexported type past the cap", embedsUnexported{unexportedHolder{map[string]any{"m": nestedSlices(MaxDepth - 1)}}},
			deepMarker("jsonenc.embedsUnexported")},
		{"structs and slices at the cap", chain(MaxDepth / 2), ""},
		{"structs and slices past the cap", tree{Kids: []tree{chain(MaxDepth / 2)}}, deepMarker("jsonenc.tree")},
		{"maps at the cap", nestedMaps(MaxDepth), ""},
		{"maps past the cap", nestedMaps(MaxDepth + 1), deepMarker("jsonenc.mtree")},
		{"map of any past the cap", map[int]any{1: "x", 2: nestedSlices(MaxDepth)}, deepMarker("map[int]interface {}")},
		{"static arrays at the cap", arrays(MaxDepth), ""},
		{"static arrays past the cap", arrays(MaxDepth + 1), deepMarker(reflect.TypeOf(arrays(MaxDepth + 1)).String())},
		{"ignored fields are not looked at", hidden{deep: nestedSlices(2 * MaxDepth), Skip: nestedSlices(2 * MaxDepth), X: 1}, `{"X":1}`},
		{"MarshalJSON is a leaf", flat{nestedSlices(2 * MaxDepth)}, `"flat"`},
		{"pointer MarshalJSON is a leaf", &ptrFlat{nestedSlices(2 * MaxDepth)}, `"flat"`},
		{"pointer MarshalJSON on an addressable value", []ptrFlat{{nestedSlices(2 * MaxDepth)}}, `["flat"]`},
		{"pointer MarshalJSON unused on a map value", map[string]ptrFlat{"k": {nestedSlices(2 * MaxDepth)}}, deepMarker("map[string]jsonenc.ptrFlat")},
		{"[]byte is a leaf", []any{holder{nestedSlices(MaxDepth - 3)}, []byte("x")}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got := String(tc.v)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			want := tc.want
			if want == "" {
				want = stdEncode(t, tc.v)
			}
			if got != want {
				t.Errorf("\n got: %.300s\nwant: %.300s", got, want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("invalid JSON: %.300s", got)
			}
		})
	}
}

type plainFields struct {
	Inner
	Z   []int
	Arr [3][2]int
	T   time.Time
	Raw json.RawMessage
	M   map[string]string
}

type selfPointer *selfPointer

func TestShapeBound(t *testing.T) {
	cases := []struct {
		typ   reflect.Type
		bound int
	}{
		{reflect.TypeFor[int](), 0},
		{reflect.TypeFor[string](), 0},
		{reflect.TypeFor[chan int](), 0},
		{reflect.TypeFor[[]byte](), 0},
		{reflect.TypeFor[json.RawMessage](), 0},
		{reflect.TypeFor[time.Time](), 0},
		{reflect.TypeFor[flat](), 0},
		{reflect.TypeFor[*ptrFlat](), 0},
		{reflect.TypeFor[[]float64](), 1},
		{reflect.TypeFor[*[]float64](), 1},
		{reflect.TypeFor[[][]int](), 2},
		{reflect.TypeFor[map[string][]string](), 2},
		{reflect.TypeFor[Inner](), 1},
		{reflect.TypeFor[struct{}](), 1},
		{reflect.TypeFor[plainFields](), 3},
		{reflect.TypeFor[hidden](), 1},
		{reflect.TypeFor[chatRequest](), 3},
		{reflect.TypeFor[any](), unbounded},
		{reflect.TypeFor[[]any](), unbounded},
		{reflect.TypeFor[*node](), unbounded},
		{reflect.TypeFor[tree](), unbounded},
		{reflect.TypeFor[mtree](), unbounded},
		{reflect.TypeFor[holder](), unbounded},
		{reflect.TypeFor[embedsHolder](), unbounded},
		{reflect.TypeFor[ptrFlat](), unbounded},
		{reflect.TypeFor[selfPointer](), unbounded},
	}
	for _, tc := range cases {
		t.Run(tc.typ.String(), func(t *testing.T) {
			if got := shapeOf(tc.typ).bound; got != tc.bound {
				t.Errorf("bound %d, want %d", got, tc.bound)
			}
		})
	}
}

// A value whose type bounds its nesting is not walked at all, and the walk
// of the others reuses a pooled stack.
func TestDepthCheckDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops walks under the race detector")
	}
	values := map[string]any{
		"[]float64":        make([]float64, 1536),
		"typed request":    typedRequest,
		"struct with any":  holder{[]any{1, "x", []any{true}}},
		"short list":       list(10),
		"[]any of structs": []any{Inner{A: 1}, &Inner{A: 2}, holder{[]string{"a"}}},
		"loose request":    looseRequestValue,
		"map[int]any":      map[int]any{1: []any{2}},
	}
	for name, v := range values {
		rv := reflect.ValueOf(v)
		tooDeep(rv, 0) // analyse the types
		if allocs := testing.AllocsPerRun(100, func() { tooDeep(rv, 0) }); allocs != 0 {
			t.Errorf("%s: %v allocs per check, want 0", name, allocs)
		}
	}
}
