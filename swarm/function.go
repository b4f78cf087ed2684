package swarm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
)

// NewFunction makes a Function from a typed Go func. The model's arguments are decoded into
// A with encoding/json (unknown fields are ignored; empty arguments decode as {}), and a
// decoding error becomes the function's error, so the model reads it in the tool message.
// The run's context variables are the cv argument: they are not part of the schema, so the
// model never sees them (Swarm's hidden context_variables parameter).
//
// A is a struct, a pointer to a struct, or a map with string keys (for free-form arguments).
// The JSON schema of the arguments is generated from A by reflection:
//
//   - the properties are A's exported fields, with the names encoding/json uses (json tags,
//     "-" skipped, embedded structs flattened);
//   - a field is required unless its json tag has omitempty (or omitzero) or it is a
//     pointer; the "required" list keeps the order of the fields;
//   - string, bool, integer and floating-point kinds give "string", "boolean", "integer"
//     and "number"; slices and arrays give "array" with "items" ([]byte is a base64
//     "string", as encoding/json writes it); maps with string keys give "object" with
//     "additionalProperties"; structs give nested "object" schemas with their own
//     properties and required lists; time.Time is a "string" with format "date-time";
//     interfaces and json.RawMessage accept any JSON value ({}); the ",string" tag option
//     gives "string";
//   - the `description:"..."` struct tag is the property's description, and
//     `enum:"a,b,c"` lists the allowed values of a string property.
//
// There is no tag to override the required rule: make a field a pointer (or omitempty) to
// make it optional. NewFunction panics when name is empty, fn is nil, or A (or a field type)
// has no JSON schema (channels, funcs, complex numbers, maps with other keys).
func NewFunction[A any](name, description string, fn func(ctx context.Context, args A, cv ContextVariables) (any, error)) Function {
	if name == "" {
		panic("swarm: NewFunction: empty name")
	}
	if fn == nil {
		panic(fmt.Sprintf("swarm: NewFunction(%q): nil func", name))
	}
	t := reflect.TypeFor[A]()
	if _, err := argumentsSchema(t); err != nil {
		panic(fmt.Sprintf("swarm: NewFunction(%q): %v", name, err))
	}
	return &typedFunction[A]{name: name, description: description, fn: fn, t: t}
}

type typedFunction[A any] struct {
	name, description string
	fn                func(context.Context, A, ContextVariables) (any, error)
	t                 reflect.Type
}

func (f *typedFunction[A]) Name() string        { return f.name }
func (f *typedFunction[A]) Description() string { return f.description }

// Parameters returns a new schema at each call, so callers may modify it.
func (f *typedFunction[A]) Parameters() map[string]any {
	s, _ := argumentsSchema(f.t) // checked by NewFunction
	return s
}

func (f *typedFunction[A]) Call(ctx context.Context, args json.RawMessage, cv ContextVariables) (any, error) {
	var a A
	data := bytes.TrimSpace(args)
	if len(data) == 0 || string(data) == "null" {
		data = []byte("{}")
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("invalid arguments for %s: %w", f.name, err)
	}
	return f.fn(ctx, a, cv)
}
