package jsonenc

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// unbounded is the static bound of a type whose values can nest without
// limit: it holds an interface, or reaches itself through its elements.
const unbounded = -1

// shape is what the depth check knows about a type before seeing a value.
type shape struct {
	// bound is the most JSON levels a value of the type can take, or
	// unbounded; 0 for values encoded without nesting (scalars, []byte,
	// MarshalJSON and MarshalText methods).
	bound int
	// addrLeaf is set when a pointer-receiver MarshalJSON or MarshalText
	// encodes the value if it is addressable, as encoding/json does.
	addrLeaf bool
	// fields lists a struct's fields as encoding/json reaches them.
	fields []jsonField
}

// jsonField is a struct field encoding/json may write, possibly promoted
// from embedded structs.
type jsonField struct {
	index []int
	typ   reflect.Type
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

var shapes sync.Map // reflect.Type -> *shape

// shapeOf returns t's shape, analysing t and the types it contains on first use.
func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	return analyse(t)
}

// outline is a type under analysis: its shape so far and the element or
// field types its bound depends on.
type outline struct {
	t     reflect.Type
	s     *shape
	add   int // levels the type itself takes: 1 for containers, 0 for pointers
	kids  []reflect.Type
	next  int // next kid to fold in
	deep  int // largest bound of the kids folded in so far, or unbounded
	ready bool
}

// analyse computes the shape of root and of every type it needs on the way,
// depth first with an explicit stack (types built with reflect can nest
// deeply too). Meeting a type that is still being analysed means the type
// graph loops, so the values can nest without limit.
func analyse(root reflect.Type) *shape {
	top := outlineOf(root)
	if top.ready {
		return store(root, top.s)
	}
	stack := []outline{top}
	open := map[reflect.Type]bool{root: true}
	for {
		o := &stack[len(stack)-1]
		if o.next < len(o.kids) && o.deep != unbounded {
			k := o.kids[o.next]
			o.next++
			if s, ok := shapes.Load(k); ok {
				o.fold(s.(*shape).bound)
			} else if open[k] {
				o.fold(unbounded)
			} else if c := outlineOf(k); c.ready {
				o.fold(store(k, c.s).bound)
			} else {
				open[k] = true
				stack = append(stack, c)
			}
			continue
		}
		if o.deep == unbounded {
			o.s.bound = unbounded
		} else {
			o.s.bound = o.add + o.deep
		}
		s := store(o.t, o.s)
		delete(open, o.t)
		stack = stack[:len(stack)-1]
		if len(stack) == 0 {
			return s
		}
		stack[len(stack)-1].fold(s.bound)
	}
}

func (o *outline) fold(bound int) {
	if bound == unbounded || o.deep == unbounded {
		o.deep = unbounded
		return
	}
	o.deep = max(o.deep, bound)
}

func store(t reflect.Type, s *shape) *shape {
	actual, _ := shapes.LoadOrStore(t, s)
	return actual.(*shape)
}

// outlineOf sorts t the way encoding/json's newTypeEncoder does; ready
// means its shape needs no other type's.
func outlineOf(t reflect.Type) outline {
	o := outline{t: t, s: &shape{}, ready: true}
	if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
		return o
	}
	if k := t.Kind(); k != reflect.Pointer && k != reflect.Interface {
		p := reflect.PointerTo(t)
		o.s.addrLeaf = p.Implements(marshalerType) || p.Implements(textMarshalerType)
	}
	switch t.Kind() {
	case reflect.Interface:
		o.s.bound = unbounded
	case reflect.Pointer:
		o.kids = []reflect.Type{t.Elem()}
	case reflect.Slice:
		if isByteSlice(t) {
			return o
		}
		o.add, o.kids = 1, []reflect.Type{t.Elem()}
	case reflect.Array, reflect.Map:
		// Map keys are written as strings (or rejected), never nested.
		o.add, o.kids = 1, []reflect.Type{t.Elem()}
	case reflect.Struct:
		o.s.fields = jsonFields(t)
		o.add, o.s.bound = 1, 1
		for _, f := range o.s.fields {
			o.kids = append(o.kids, f.typ)
		}
	}
	o.ready = len(o.kids) == 0
	return o
}

// isByteSlice reports whether encoding/json writes a value of slice type t
// as one base64 string.
func isByteSlice(t reflect.Type) bool {
	if t.Elem().Kind() != reflect.Uint8 {
		return false
	}
	p := reflect.PointerTo(t.Elem())
	return !p.Implements(marshalerType) && !p.Implements(textMarshalerType)
}

// jsonFields lists the fields of struct type t that encoding/json may
// write: exported fields not tagged "-", and in their place the fields of
// untagged embedded structs, which encoding/json promotes without a level
// of their own (each embedded type is followed once, as encoding/json does).
// encoding/json's rules that drop ambiguous names are not applied: a field
// too many only makes the depth check look at more than it needs to.
func jsonFields(t reflect.Type) []jsonField {
	type embedded struct {
		t     reflect.Type
		index []int
	}
	var fields []jsonField
	seen := map[reflect.Type]bool{t: true}
	queue := []embedded{{t: t}}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for i := range e.t.NumField() {
			sf := e.t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			ft := sf.Type
			if ft.Name() == "" && ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && (!sf.Anonymous || ft.Kind() != reflect.Struct) {
				continue
			}
			index := append(slices.Clip(e.index), i)
			if name, _, _ := strings.Cut(tag, ","); sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				if !seen[ft] {
					seen[ft] = true
					queue = append(queue, embedded{ft, index})
				}
				continue
			}
			fields = append(fields, jsonField{index, sf.Type})
		}
	}
	return fields
}
