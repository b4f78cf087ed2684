package swarm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/swarm"
)

// schemaOf is the Parameters of a NewFunction with arguments A, as JSON values.
func schemaOf[A any](t *testing.T) map[string]any {
	t.Helper()
	f := swarm.NewFunction("f", "", func(context.Context, A, swarm.ContextVariables) (any, error) { return nil, nil })
	b, err := json.Marshal(f.Parameters())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// js parses JSON test expectations.
func js(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return m
}

func TestSchemaScalarsAndRequired(t *testing.T) {
	type args struct {
		S        string  `json:"s" description:"a string"`
		B        bool    `json:"b"`
		I        int     `json:"i"`
		I8       int8    `json:"i8"`
		U64      uint64  `json:"u64"`
		F32      float32 `json:"f32"`
		F64      float64 `json:"f64,omitempty"`
		Z        int     `json:"z,omitzero"`
		P        *string `json:"p"`
		NoTag    string
		Renamed  string `json:"other_name"`
		OnlyOpts string `json:",omitempty"`
		Skipped  string `json:"-"`
		AsString int    `json:"as_string,string"`
		hidden   string // unexported: not a property
	}
	_ = args{}.hidden
	eq(t, "schema", schemaOf[args](t), js(t, `{
		"type": "object",
		"properties": {
			"s": {"type": "string", "description": "a string"},
			"b": {"type": "boolean"},
			"i": {"type": "integer"},
			"i8": {"type": "integer"},
			"u64": {"type": "integer"},
			"f32": {"type": "number"},
			"f64": {"type": "number"},
			"z": {"type": "integer"},
			"p": {"type": "string"},
			"NoTag": {"type": "string"},
			"other_name": {"type": "string"},
			"OnlyOpts": {"type": "string"},
			"as_string": {"type": "string"}
		},
		"required": ["s", "b", "i", "i8", "u64", "f32", "NoTag", "other_name", "as_string"]
	}`))
}

func TestSchemaComposite(t *testing.T) {
	type address struct {
		Street string `json:"street"`
		Zip    string `json:"zip,omitempty"`
	}
	type args struct {
		Tags     []string          `json:"tags" description:"labels"`
		Matrix   [][]float64       `json:"matrix"`
		Fixed    [3]int            `json:"fixed"`
		Home     address           `json:"home" description:"where they live"`
		Work     *address          `json:"work"`
		Others   []address         `json:"others,omitempty"`
		Scores   map[string]int    `json:"scores"`
		ByID     map[int]string    `json:"by_id"`
		Blob     []byte            `json:"blob"`
		When     time.Time         `json:"when"`
		Any      any               `json:"any"`
		Raw      json.RawMessage   `json:"raw"`
		Num      json.Number       `json:"num"`
		Level    string            `json:"level" enum:"low,high"`
		Extra    map[string]any    `json:"extra,omitempty"`
		Durables map[string][]bool `json:"durables"`
	}
	eq(t, "schema", schemaOf[args](t), js(t, `{
		"type": "object",
		"properties": {
			"tags": {"type": "array", "items": {"type": "string"}, "description": "labels"},
			"matrix": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
			"fixed": {"type": "array", "items": {"type": "integer"}},
			"home": {"type": "object", "description": "where they live",
				"properties": {"street": {"type": "string"}, "zip": {"type": "string"}}, "required": ["street"]},
			"work": {"type": "object",
				"properties": {"street": {"type": "string"}, "zip": {"type": "string"}}, "required": ["street"]},
			"others": {"type": "array", "items": {"type": "object",
				"properties": {"street": {"type": "string"}, "zip": {"type": "string"}}, "required": ["street"]}},
			"scores": {"type": "object", "additionalProperties": {"type": "integer"}},
			"by_id": {"type": "object", "additionalProperties": {"type": "string"}},
			"blob": {"type": "string"},
			"when": {"type": "string", "format": "date-time"},
			"any": {},
			"raw": {},
			"num": {"type": "number"},
			"level": {"type": "string", "enum": ["low", "high"]},
			"extra": {"type": "object", "additionalProperties": {}},
			"durables": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "boolean"}}}
		},
		"required": ["tags", "matrix", "fixed", "home", "scores", "by_id", "blob", "when", "any", "raw", "num", "level", "durables"]
	}`))
}

type Base struct {
	ID   string `description:"the id"`
	Note string `json:"note,omitempty"`
}

type Meta struct {
	ID      string // ambiguous with Base.ID at the same depth
	Version int    `json:"version"`
}

type node struct {
	Value    int     `json:"value"`
	Children []*node `json:"children,omitempty"`
}

func TestSchemaEmbeddedAndRecursive(t *testing.T) {
	type args struct {
		Base
		*Meta
		ID   string `description:"the shallowest wins"`
		Tree node   `json:"tree"`
	}
	eq(t, "schema", schemaOf[args](t), js(t, `{
		"type": "object",
		"properties": {
			"ID": {"type": "string", "description": "the shallowest wins"},
			"note": {"type": "string"},
			"version": {"type": "integer"},
			"tree": {"type": "object",
				"properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"type": "object"}}},
				"required": ["value"]}
		},
		"required": ["version", "ID", "tree"]
	}`))

	type ambiguous struct {
		Base
		Meta
	}
	eq(t, "ambiguous embedded fields are dropped", schemaOf[ambiguous](t), js(t, `{
		"type": "object",
		"properties": {"note": {"type": "string"}, "version": {"type": "integer"}},
		"required": ["version"]
	}`))

	type tagged struct {
		Base
		Named Meta `json:"meta"`
	}
	eq(t, "a named embedded-like field is an object", schemaOf[tagged](t)["properties"].(map[string]any)["meta"], any(js(t, `{
		"type": "object", "properties": {"ID": {"type": "string"}, "version": {"type": "integer"}}, "required": ["ID", "version"]
	}`)))
}

func TestSchemaArgumentKinds(t *testing.T) {
	empty := js(t, `{"type": "object", "properties": {}, "required": []}`)
	eq(t, "struct{}", schemaOf[struct{}](t), empty)
	type args struct {
		X string `json:"x"`
	}
	eq(t, "pointer to struct", schemaOf[*args](t), schemaOf[args](t))
	eq(t, "map", schemaOf[map[string]any](t), js(t, `{"type": "object", "properties": {}, "required": [], "additionalProperties": {}}`))
}

func TestNewFunctionPanics(t *testing.T) {
	ok := func(context.Context, struct{}, swarm.ContextVariables) (any, error) { return nil, nil }
	for name, f := range map[string]func(){
		"empty name": func() { swarm.NewFunction("", "", ok) },
		"nil func": func() {
			swarm.NewFunction[struct{}]("f", "", nil)
		},
		"int arguments": func() {
			swarm.NewFunction("f", "", func(context.Context, int, swarm.ContextVariables) (any, error) { return nil, nil })
		},
		"slice arguments": func() {
			swarm.NewFunction("f", "", func(context.Context, []string, swarm.ContextVariables) (any, error) { return nil, nil })
		},
		"chan field": func() {
			type bad struct {
				C chan int `json:"c"`
			}
			swarm.NewFunction("f", "", func(context.Context, bad, swarm.ContextVariables) (any, error) { return nil, nil })
		},
		"complex field": func() {
			type bad struct{ C complex128 }
			swarm.NewFunction("f", "", func(context.Context, bad, swarm.ContextVariables) (any, error) { return nil, nil })
		},
		"bool map key": func() {
			type bad struct{ M map[bool]string }
			swarm.NewFunction("f", "", func(context.Context, bad, swarm.ContextVariables) (any, error) { return nil, nil })
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if !strings.HasPrefix(r.(string), "swarm: NewFunction") {
					t.Errorf("panic %q", r)
				}
			}()
			f()
		})
	}
}

func TestParametersIsACopy(t *testing.T) {
	type args struct {
		X string `json:"x"`
	}
	f := swarm.NewFunction("f", "d", func(context.Context, args, swarm.ContextVariables) (any, error) { return nil, nil })
	p := f.Parameters()
	p["properties"].(map[string]any)["x"].(map[string]any)["type"] = "number"
	delete(p, "required")
	eq(t, "schema after modifying a copy", schemaOf[args](t), js(t, `{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}`))
	eq(t, "name", f.Name(), "f")
	eq(t, "description", f.Description(), "d")
}

func TestFunctionCallDecoding(t *testing.T) {
	type args struct {
		X string `json:"x"`
		N *int   `json:"n"`
	}
	var got []args
	f := swarm.NewFunction("f", "", func(_ context.Context, a args, cv swarm.ContextVariables) (any, error) {
		got = append(got, a)
		return cv["k"], nil
	})
	cv := swarm.ContextVariables{"k": "v"}
	for _, in := range []string{``, ` `, `null`, `{}`, `{"x":"a","unknown":1}`} {
		out, err := f.Call(context.Background(), json.RawMessage(in), cv)
		if err != nil || out != "v" {
			t.Errorf("Call(%q) = %v, %v", in, out, err)
		}
	}
	eq(t, "decoded", got, []args{{}, {}, {}, {}, {X: "a"}})
	for _, in := range []string{`{"x":1}`, `{`, `[]`} {
		if _, err := f.Call(context.Background(), json.RawMessage(in), cv); err == nil || !strings.HasPrefix(err.Error(), "invalid arguments for f: ") {
			t.Errorf("Call(%q) error %v", in, err)
		}
	}

	var gotPtr *args
	pf := swarm.NewFunction("p", "", func(_ context.Context, a *args, _ swarm.ContextVariables) (any, error) {
		gotPtr = a
		return nil, nil
	})
	if _, err := pf.Call(context.Background(), json.RawMessage(`{"x":"y","n":3}`), nil); err != nil {
		t.Fatal(err)
	}
	if gotPtr == nil || gotPtr.X != "y" || gotPtr.N == nil || *gotPtr.N != 3 {
		t.Errorf("pointer arguments %+v", gotPtr)
	}
	if _, err := pf.Call(context.Background(), nil, nil); err != nil || gotPtr == nil {
		t.Errorf("pointer arguments from empty input: %+v, %v", gotPtr, err)
	}
}
