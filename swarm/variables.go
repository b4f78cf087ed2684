package swarm

import "reflect"

// deepCopyVariables copies cv as Swarm's copy.deepcopy does, as far as Go allows: maps,
// slices, arrays, interfaces, pointers and the exported fields of structs are copied all the
// way down; channels, funcs and unexported struct fields are shared. A value reached twice
// (or through a cycle) is copied once, so shared structure stays shared within the copy.
func deepCopyVariables(cv ContextVariables) ContextVariables {
	out := make(ContextVariables, len(cv))
	seen := map[copyKey]reflect.Value{}
	for k, v := range cv {
		if v == nil {
			out[k] = nil
			continue
		}
		out[k] = deepCopy(reflect.ValueOf(v), seen).Interface()
	}
	return out
}

// copyKey identifies a map, slice or pointer already copied: its address and type.
type copyKey struct {
	ptr uintptr
	typ reflect.Type
	n   int // a slice's length: two slices of one array differ by it
}

func deepCopy(v reflect.Value, seen map[copyKey]reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		key := copyKey{v.Pointer(), v.Type(), 0}
		if c, ok := seen[key]; ok {
			return c
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		seen[key] = c
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(deepCopy(it.Key(), seen), deepCopy(it.Value(), seen))
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		key := copyKey{v.Pointer(), v.Type(), v.Len()}
		if c, ok := seen[key]; ok {
			return c
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		seen[key] = c
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(deepCopy(v.Index(i), seen))
		}
		return c
	case reflect.Array:
		c := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(deepCopy(v.Index(i), seen))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		key := copyKey{v.Pointer(), v.Type(), 0}
		if c, ok := seen[key]; ok {
			return c
		}
		c := reflect.New(v.Type().Elem())
		seen[key] = c
		c.Elem().Set(deepCopy(v.Elem(), seen))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(deepCopy(v.Elem(), seen))
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v) // unexported fields are shared, as they cannot be set one by one
		for i := 0; i < v.NumField(); i++ {
			if f := c.Field(i); f.CanSet() {
				f.Set(deepCopy(v.Field(i), seen))
			}
		}
		return c
	}
	return v
}
