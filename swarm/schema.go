package swarm

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	numberType        = reflect.TypeFor[json.Number]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// argumentsSchema is the JSON schema of the arguments type of NewFunction: an object.
func argumentsSchema(t reflect.Type) (map[string]any, error) {
	g := schemaGen{visiting: map[reflect.Type]bool{}}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	switch {
	case base.Kind() == reflect.Struct && base != timeType:
		return g.object(base)
	case base.Kind() == reflect.Map && base.Key().Kind() == reflect.String:
		s, err := g.schema(base)
		if err != nil {
			return nil, err
		}
		s["properties"] = map[string]any{}
		s["required"] = []string{}
		return s, nil
	default:
		return nil, fmt.Errorf("arguments type %v is not a struct, a pointer to a struct or a map with string keys", t)
	}
}

type schemaGen struct {
	visiting map[reflect.Type]bool // structs being generated, to stop on recursive types
}

// object is the schema of a struct: its properties and required fields.
func (g *schemaGen) object(t reflect.Type) (map[string]any, error) {
	if g.visiting[t] {
		return map[string]any{"type": "object"}, nil // a recursive type: no further detail
	}
	g.visiting[t] = true
	defer delete(g.visiting, t)

	props := map[string]any{}
	required := []string{}
	for _, f := range jsonFields(t) {
		s, err := g.schema(f.typ)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.goName, err)
		}
		if f.asString {
			switch f.typ.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
				reflect.Float32, reflect.Float64, reflect.String:
				s = map[string]any{"type": "string"}
			}
		}
		if f.description != "" {
			s["description"] = f.description
		}
		if f.enum != "" && s["type"] == "string" {
			s["enum"] = strings.Split(f.enum, ",")
		}
		props[f.name] = s
		if !f.optional {
			required = append(required, f.name)
		}
	}
	return map[string]any{"type": "object", "properties": props, "required": required}, nil
}

// schema is the schema of a value of type t.
func (g *schemaGen) schema(t reflect.Type) (map[string]any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case rawMessageType:
		return map[string]any{}, nil
	case numberType:
		return map[string]any{"type": "number"}, nil
	}
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		return map[string]any{}, nil // its own JSON: any value
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return map[string]any{"type": "string"}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Slice, reflect.Array:
		if e := reflect.PointerTo(t.Elem()); t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 &&
			!e.Implements(jsonMarshalerType) && !e.Implements(textMarshalerType) {
			return map[string]any{"type": "string"}, nil // base64, as encoding/json writes []byte
		}
		items, err := g.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		default:
			if !reflect.PointerTo(t.Key()).Implements(textMarshalerType) && !t.Key().Implements(textMarshalerType) {
				return nil, fmt.Errorf("map key type %v has no JSON form", t.Key())
			}
		}
		values, err := g.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": values}, nil
	case reflect.Struct:
		return g.object(t)
	default:
		return nil, fmt.Errorf("type %v has no JSON form", t)
	}
}

// jsonField is a field as encoding/json sees it.
type jsonField struct {
	name        string // JSON name
	goName      string
	typ         reflect.Type
	optional    bool // omitempty, omitzero or a pointer
	asString    bool // the ",string" option
	description string
	enum        string
	depth       int  // embedding depth
	tagged      bool // the JSON name comes from a tag
}

// jsonFields lists the fields encoding/json encodes, in order, with its rules for embedded
// structs: the shallowest field of a name wins, a tagged one among several at that depth,
// and a name still ambiguous is dropped.
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	collectFields(t, 0, map[reflect.Type]bool{}, &all)

	byName := map[string][]int{}
	for i, f := range all {
		byName[f.name] = append(byName[f.name], i)
	}
	var out []jsonField
	for i, f := range all {
		idx := byName[f.name]
		winner := -1
		minDepth := -1
		for _, j := range idx {
			if minDepth < 0 || all[j].depth < minDepth {
				minDepth = all[j].depth
			}
		}
		var atMin []int
		for _, j := range idx {
			if all[j].depth == minDepth {
				atMin = append(atMin, j)
			}
		}
		if len(atMin) == 1 {
			winner = atMin[0]
		} else {
			var tagged []int
			for _, j := range atMin {
				if all[j].tagged {
					tagged = append(tagged, j)
				}
			}
			if len(tagged) == 1 {
				winner = tagged[0]
			}
		}
		if winner == i {
			out = append(out, f)
		}
	}
	return out
}

func collectFields(t reflect.Type, depth int, seen map[reflect.Type]bool, out *[]jsonField) {
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue
			}
			if name == "" && ft.Kind() == reflect.Struct {
				if !sf.IsExported() && sf.Type.Kind() == reflect.Pointer {
					continue // encoding/json cannot set an unexported embedded pointer
				}
				collectFields(ft, depth+1, seen, out)
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		f := jsonField{
			name:        sf.Name,
			goName:      sf.Name,
			typ:         sf.Type,
			description: sf.Tag.Get("description"),
			enum:        sf.Tag.Get("enum"),
			depth:       depth,
		}
		if name != "" {
			f.name, f.tagged = name, true
		}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				f.optional = true
			case "string":
				f.asString = true
			}
		}
		if sf.Type.Kind() == reflect.Pointer {
			f.optional = true
		}
		*out = append(*out, f)
	}
}
