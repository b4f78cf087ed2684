package jsonenc

import (
	"reflect"
	"sync"
)

// MaxDepth is the most JSON nesting levels a value handed to encoding/json
// may take, counted from the top-level value: every struct, map, slice and
// array (but []byte) is a level, pointers and interfaces are not, and a
// MarshalJSON or MarshalText method ends the count. A deeper value is written
// as "[not recorded: T nests deeper than 1000 levels]" instead, because
// encoding/json recurses once per level and a deep enough value (a long
// linked list, a cycle) overflows the stack, which no recover survives. More
// than MaxDepth pointers and interfaces in a row, which only a pointer cycle
// or an absurd chain makes, count as too deep too.
const MaxDepth = 1000

// container is a struct, map, slice or array whose elements the depth check
// is going through.
type container struct {
	v      reflect.Value
	depth  int // levels taken by v and the containers around it
	i, n   int
	fields []jsonField      // v is a struct
	iter   *reflect.MapIter // v is a map, but a map[string]any
	// inVals is set when v is a map[string]any: the values that may nest
	// are walk.vals[from:n], i the next one.
	inVals bool
	from   int
}

// walk is the depth check's explicit stack, pooled with what it reuses.
type walk struct {
	stack []container
	iters []*reflect.MapIter // free ones
	// elem receives map values of interface type: they are looked through
	// at once, before the next value overwrites them, so one will do.
	elem reflect.Value
	// vals holds the values of the map[string]any on the stack that may
	// nest, read with a plain range, which is much cheaper than a MapIter.
	vals []any
}

// maxPooledWalk keeps one huge value from pinning a huge walk in the pool.
const maxPooledWalk = 256

var walks = sync.Pool{New: func() any {
	return &walk{elem: reflect.New(reflect.TypeFor[any]()).Elem()}
}}

// tooDeep reports whether v, found inside depth levels, nests deeper than
// MaxDepth. It walks only what the types cannot bound (interfaces and
// recursive types), with an explicit stack, and returns as soon as it
// passes the cap.
func tooDeep(v reflect.Value, depth int) bool {
	c, s, deeper := look(v, depth)
	if deeper || !c.IsValid() {
		return deeper
	}
	w := walks.Get().(*walk)
	w.push(c, s, depth+1)
	deeper = w.run()
	for len(w.stack) > 0 {
		w.pop()
	}
	w.elem.SetZero()
	if cap(w.stack) <= maxPooledWalk && cap(w.vals) <= maxPooledWalk {
		walks.Put(w)
	}
	return deeper
}

func (w *walk) run() bool {
	for len(w.stack) > 0 {
		top := &w.stack[len(w.stack)-1]
		v, ok := w.next(top)
		if !ok {
			w.pop()
			continue
		}
		depth := top.depth
		c, s, deeper := look(v, depth)
		if deeper {
			return true
		}
		if c.IsValid() {
			w.push(c, s, depth+1)
		}
	}
	return false
}

// push puts container v, of shape s and taking depth levels, on the stack.
func (w *walk) push(v reflect.Value, s *shape, depth int) {
	c := container{v: v, depth: depth, fields: s.fields}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		c.n = v.Len()
	case reflect.Map:
		if m, ok := mapStringAny(c.v); ok {
			c.from = len(w.vals)
			for _, e := range m {
				switch e.(type) {
				case nil, string, bool, float64, int, int64:
				default:
					w.vals = append(w.vals, e)
				}
			}
			c.inVals, c.i, c.n = true, c.from, len(w.vals)
		} else {
			if n := len(w.iters); n > 0 {
				c.iter = w.iters[n-1]
				w.iters = w.iters[:n-1]
			} else {
				c.iter = new(reflect.MapIter)
			}
			c.iter.Reset(c.v)
		}
	}
	w.stack = append(w.stack, c)
}

func (w *walk) pop() {
	c := &w.stack[len(w.stack)-1]
	if c.iter != nil {
		c.iter.Reset(reflect.Value{}) // let the map go
		w.iters = append(w.iters, c.iter)
	}
	if c.inVals {
		clear(w.vals[c.from:])
		w.vals = w.vals[:c.from]
	}
	*c = container{}
	w.stack = w.stack[:len(w.stack)-1]
}

// mapStringAny returns v as a map[string]any if it is one (and readable).
func mapStringAny(v reflect.Value) (map[string]any, bool) {
	if v.Type() != mapStringAnyType || !v.CanInterface() {
		return nil, false
	}
	return v.Interface().(map[string]any), true
}

var mapStringAnyType = reflect.TypeFor[map[string]any]()

// look follows v's pointers and interfaces down to what encoding/json
// would write. It reports whether that is already too deep, or returns the
// container, and its shape, whose elements must be looked at in turn (c is
// invalid when there is none).
func look(v reflect.Value, depth int) (c reflect.Value, s *shape, deeper bool) {
	for hops := 0; v.IsValid(); hops++ {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Struct, reflect.Map, reflect.Slice, reflect.Array:
		default:
			return c, nil, false // scalars never nest, whatever their methods
		}
		if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
			// any, the commonest interface: no shape to look up.
			if v.IsNil() {
				return c, nil, false
			}
			v = v.Elem()
			continue
		}
		s = shapeOf(v.Type())
		if s.bound != unbounded && depth+s.bound <= MaxDepth || s.addrLeaf && v.CanAddr() {
			return c, nil, false
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return c, nil, false
			}
			// Hops are no level, but a pointer cycle with no level in it
			// never ends either.
			if hops >= MaxDepth {
				return c, nil, true
			}
			v = v.Elem()
			continue
		case reflect.Map, reflect.Slice:
			if v.IsNil() {
				return c, nil, false // null
			}
		}
		if depth >= MaxDepth {
			return c, nil, true
		}
		return v, s, false
	}
	return c, nil, false
}

// next returns c's next element, field or map value.
func (w *walk) next(c *container) (reflect.Value, bool) {
	switch {
	case c.inVals:
		if c.i < c.n {
			c.i++
			return reflect.ValueOf(w.vals[c.i-1]), true
		}
		return reflect.Value{}, false
	case c.iter != nil:
		if !c.iter.Next() {
			return reflect.Value{}, false
		}
		// A read-only map (behind an unexported field) cannot be read into elem.
		if c.v.Type().Elem().Kind() == reflect.Interface && c.v.CanInterface() {
			w.elem.SetIterValue(c.iter)
			return w.elem, true
		}
		return c.iter.Value(), true
	case c.fields != nil:
	fields:
		for c.i < len(c.fields) {
			f := c.fields[c.i]
			c.i++
			fv := c.v
			for _, x := range f.index {
				// Promoted through a nil embedded pointer: encoding/json skips it.
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						continue fields
					}
					fv = fv.Elem()
				}
				fv = fv.Field(x)
			}
			return fv, true
		}
		return reflect.Value{}, false
	case c.i < c.n:
		c.i++
		return c.v.Index(c.i - 1), true
	}
	return reflect.Value{}, false
}
