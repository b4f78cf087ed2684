package jsonenc

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unsafe"
)

// stdEncoder is a pooled encoding/json Encoder writing into its own buffer.
type stdEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var stdPool = sync.Pool{New: func() any {
	s := new(stdEncoder)
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}}

// maxPooledBuf keeps one huge value from pinning a huge buffer in the pool.
const maxPooledBuf = 64 << 10

// appendGeneral encodes v with encoding/json and falls back to the
// reflection walker when encoding/json reports an error or panics.
func appendGeneral(dst []byte, v any) []byte {
	s := stdPool.Get().(*stdEncoder)
	s.buf.Reset()
	ok := s.encode(v)
	if ok {
		b := s.buf.Bytes()
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
		}
		dst = append(dst, b...)
	}
	if s.buf.Cap() <= maxPooledBuf {
		stdPool.Put(s)
	}
	if ok {
		return dst
	}
	return appendWalk(dst, v)
}

func (s *stdEncoder) encode(v any) (ok bool) {
	defer func() {
		if !ok {
			_ = recover()
		}
	}()
	return s.enc.Encode(v) == nil
}

// panicError carries the description of a recovered panic.
type panicError struct{ msg string }

func (e panicError) Error() string { return e.msg }

// describePanic renders a recovered panic value without ever formatting a
// composite value (which could recurse forever on a cycle).
func describePanic(r any) string {
	switch r := r.(type) {
	case nil:
		return "nil"
	case string:
		return r
	case error, fmt.Stringer:
		// fmt recovers panics raised by Error and String methods.
		return fmt.Sprint(r)
	}
	switch reflect.ValueOf(r).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return fmt.Sprint(r)
	}
	return "value of type " + typeString(r)
}

// callError returns err.Error(), or a panicError if it panics.
func callError(err error) (s string, perr error) {
	done := false
	defer func() {
		if !done {
			perr = panicError{describePanic(recover())}
		}
	}()
	s = err.Error()
	done = true
	return s, nil
}

// errorText is err.Error() that cannot panic.
func errorText(err error) string {
	s, perr := callError(err)
	if perr != nil {
		return "<panic calling Error for type " + typeString(err) + ": " + perr.Error() + ">"
	}
	return s
}

func callMarshalJSON(m json.Marshaler) (b []byte, err error) {
	done := false
	defer func() {
		if !done {
			b, err = nil, panicError{describePanic(recover())}
		}
	}()
	b, err = m.MarshalJSON()
	done = true
	return b, err
}

func callMarshalText(m encoding.TextMarshaler) (b []byte, err error) {
	done := false
	defer func() {
		if !done {
			b, err = nil, panicError{describePanic(recover())}
		}
	}()
	b, err = m.MarshalText()
	done = true
	return b, err
}

func callIsZero(z isZeroer) (zero bool) {
	defer func() {
		if r := recover(); r != nil {
			zero = false
		}
	}()
	return z.IsZero()
}

// describeCallFailure formats a failed MarshalJSON/MarshalText call.
func describeCallFailure(method string, t reflect.Type, err error) string {
	what := "error"
	if _, ok := err.(panicError); ok {
		what = "panic"
	}
	return "<" + what + " calling " + method + " for type " + t.String() + ": " + errorText(err) + ">"
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[isZeroer]()
	numberType        = reflect.TypeFor[json.Number]()
)

type isZeroer interface{ IsZero() bool }

const (
	// maxDepth bounds the JSON nesting (objects and arrays) the walker emits.
	maxDepth = 64
	// maxPath bounds pointer/interface indirections on the walker's path, a
	// safety net against pathologically long pointer chains.
	maxPath = 1024
)

// pathKey identifies a pointer, map or slice on the walker's current path.
type pathKey struct {
	typ reflect.Type
	ptr unsafe.Pointer
	n   int
}

type walker struct {
	path  []pathKey
	depth int
}

// appendWalk encodes v with the reflection walker. A panic in the walker
// itself (which should not happen) discards its partial output.
func appendWalk(dst []byte, v any) (out []byte) {
	start := len(dst)
	defer func() {
		if r := recover(); r != nil {
			out = appendQuoted(dst[:start], "<unencodable "+typeString(v)+": "+describePanic(r)+">")
		}
	}()
	var w walker
	return w.walk(dst, reflect.ValueOf(v), false)
}

// enter pushes k on the path; it reports false (and pushes nothing) when k
// is already on the path, i.e. following it would loop forever.
func (w *walker) enter(k pathKey) bool {
	for _, p := range w.path {
		if p == k {
			return false
		}
	}
	w.path = append(w.path, k)
	return true
}

func (w *walker) leave() { w.path = w.path[:len(w.path)-1] }

func appendCycle(dst []byte, t reflect.Type) []byte {
	return appendQuoted(dst, "<cycle "+t.String()+">")
}

// walk appends the encoding of v. quoted is the ",string" struct tag option.
func (w *walker) walk(dst []byte, v reflect.Value, quoted bool) []byte {
	if !v.IsValid() {
		return append(dst, "null"...)
	}
	t := v.Type()
	ti := typeInfoOf(t)
	if v.CanInterface() {
		switch {
		case ti.addrMarshaler && v.CanAddr():
			return w.marshalJSON(dst, v.Addr(), t)
		case ti.marshaler:
			return w.marshalJSON(dst, v, t)
		case ti.addrTextMarshaler && v.CanAddr():
			return w.marshalText(dst, v.Addr(), t)
		case ti.textMarshaler:
			return w.marshalText(dst, v, t)
		}
	}

	switch v.Kind() {
	case reflect.Bool:
		return appendMaybeQuoted(dst, strconv.AppendBool(nil, v.Bool()), quoted)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if quoted {
			return append(strconv.AppendInt(append(dst, '"'), v.Int(), 10), '"')
		}
		return strconv.AppendInt(dst, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if quoted {
			return append(strconv.AppendUint(append(dst, '"'), v.Uint(), 10), '"')
		}
		return strconv.AppendUint(dst, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		f := appendFloat(nil, v.Float(), bits)
		return appendMaybeQuoted(dst, f, quoted && f[0] != '"')
	case reflect.String:
		s := v.String()
		if t == numberType {
			if s == "" {
				s = "0"
			}
			if !isValidNumber(s) {
				return appendQuoted(dst, s)
			}
			return appendMaybeQuoted(dst, []byte(s), quoted)
		}
		if quoted {
			return appendQuoted(dst, appendQuoted(nil, s))
		}
		return appendQuoted(dst, s)
	case reflect.Complex64, reflect.Complex128:
		bits := 128
		if v.Kind() == reflect.Complex64 {
			bits = 64
		}
		return appendQuoted(dst, strconv.FormatComplex(v.Complex(), 'g', -1, bits))
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return appendQuoted(dst, t.String())
	case reflect.Interface:
		if v.IsNil() {
			return append(dst, "null"...)
		}
		if len(w.path) >= maxPath {
			return appendQuoted(dst, "<max depth exceeded: "+t.String()+">")
		}
		return w.walk(dst, v.Elem(), quoted)
	case reflect.Pointer:
		if v.IsNil() {
			return append(dst, "null"...)
		}
		if len(w.path) >= maxPath {
			return appendQuoted(dst, "<max depth exceeded: "+t.String()+">")
		}
		if !w.enter(pathKey{t, v.UnsafePointer(), 0}) {
			return appendCycle(dst, t)
		}
		dst = w.walk(dst, v.Elem(), quoted)
		w.leave()
		return dst
	case reflect.Map:
		if v.IsNil() {
			return append(dst, "null"...)
		}
		if !w.enter(pathKey{nil, v.UnsafePointer(), -1}) {
			return appendCycle(dst, t)
		}
		dst = w.nested(dst, v, t, (*walker).walkMap)
		w.leave()
		return dst
	case reflect.Slice:
		if v.IsNil() {
			return append(dst, "null"...)
		}
		if ti.byteSlice {
			return appendBytes(dst, v.Bytes())
		}
		if v.Len() == 0 {
			return append(dst, "[]"...)
		}
		if !w.enter(pathKey{nil, v.UnsafePointer(), v.Len()}) {
			return appendCycle(dst, t)
		}
		dst = w.nested(dst, v, t, (*walker).walkArray)
		w.leave()
		return dst
	case reflect.Array:
		return w.nested(dst, v, t, (*walker).walkArray)
	case reflect.Struct:
		return w.nested(dst, v, t, (*walker).walkStruct)
	}
	return appendQuoted(dst, t.String())
}

// nested runs f one JSON nesting level deeper, enforcing maxDepth.
func (w *walker) nested(dst []byte, v reflect.Value, t reflect.Type, f func(*walker, []byte, reflect.Value) []byte) []byte {
	if w.depth >= maxDepth {
		return appendQuoted(dst, "<max depth exceeded: "+t.String()+">")
	}
	w.depth++
	dst = f(w, dst, v)
	w.depth--
	return dst
}

func appendMaybeQuoted(dst, b []byte, quoted bool) []byte {
	if quoted {
		dst = append(dst, '"')
		dst = append(dst, b...)
		return append(dst, '"')
	}
	return append(dst, b...)
}

func (w *walker) marshalJSON(dst []byte, v reflect.Value, t reflect.Type) []byte {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return append(dst, "null"...)
	}
	m, ok := v.Interface().(json.Marshaler)
	if !ok {
		return append(dst, "null"...)
	}
	b, err := callMarshalJSON(m)
	if err != nil {
		return appendQuoted(dst, describeCallFailure("MarshalJSON", t, err))
	}
	if !json.Valid(b) {
		return appendQuoted(dst, "<invalid JSON from MarshalJSON for type "+t.String()+">")
	}
	return appendCompact(dst, b)
}

func (w *walker) marshalText(dst []byte, v reflect.Value, t reflect.Type) []byte {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return append(dst, "null"...)
	}
	m, ok := v.Interface().(encoding.TextMarshaler)
	if !ok {
		return append(dst, "null"...)
	}
	b, err := callMarshalText(m)
	if err != nil {
		return appendQuoted(dst, describeCallFailure("MarshalText", t, err))
	}
	return appendQuoted(dst, b)
}

func (w *walker) walkArray(dst []byte, v reflect.Value) []byte {
	dst = append(dst, '[')
	for i, n := 0, v.Len(); i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = w.walk(dst, v.Index(i), false)
	}
	return append(dst, ']')
}

type keyedValue struct {
	key string
	v   reflect.Value
}

func (w *walker) walkMap(dst []byte, v reflect.Value) []byte {
	kvs := make([]keyedValue, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		kvs = append(kvs, keyedValue{w.keyString(it.Key()), it.Value()})
	}
	slices.SortStableFunc(kvs, func(a, b keyedValue) int { return strings.Compare(a.key, b.key) })
	dst = append(dst, '{')
	for i, e := range kvs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, e.key)
		dst = append(dst, ':')
		dst = w.walk(dst, e.v, false)
	}
	return append(dst, '}')
}

// keyString converts a map key to an object name as encoding/json does
// (strings, TextMarshalers, integers). Other keys, which encoding/json
// rejects, get a readable name: scalars are formatted, pointer-like keys are
// shown as type and address, and struct and array keys as their JSON text.
func (w *walker) keyString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	t := k.Type()
	if k.CanInterface() && t.Implements(textMarshalerType) {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return ""
		}
		if m, ok := k.Interface().(encoding.TextMarshaler); ok {
			b, err := callMarshalText(m)
			if err != nil {
				return describeCallFailure("MarshalText", t, err)
			}
			return string(b)
		}
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(k.Bool())
	case reflect.Float32:
		return strconv.FormatFloat(k.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.FormatFloat(k.Float(), 'g', -1, 64)
	case reflect.Complex64:
		return strconv.FormatComplex(k.Complex(), 'g', -1, 64)
	case reflect.Complex128:
		return strconv.FormatComplex(k.Complex(), 'g', -1, 128)
	case reflect.Interface:
		if k.IsNil() {
			return "<nil>"
		}
		return w.keyString(k.Elem())
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return t.String() + "(0x" + strconv.FormatUint(uint64(k.Pointer()), 16) + ")"
	}
	// Struct or array: its JSON text, produced by this walker so that
	// cycles and depth are still accounted for.
	return string(w.walk(nil, k, false))
}

func (w *walker) walkStruct(dst []byte, v reflect.Value) []byte {
	ti := typeInfoOf(v.Type())
	dst = append(dst, '{')
	first := true
FieldLoop:
	for i := range ti.fields {
		f := &ti.fields[i]
		fv := v
		for _, idx := range f.index {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue FieldLoop
				}
				fv = fv.Elem()
			}
			fv = fv.Field(idx)
		}
		if f.omitEmpty && isEmptyValue(fv) || f.omitZero && isZeroValue(fv) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, f.nameJSON...)
		dst = w.walk(dst, fv, f.quoted)
	}
	return append(dst, '}')
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZeroValue implements the ",omitzero" option: an IsZero() bool method
// if there is one, reflect's notion of zero otherwise.
func isZeroValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return true
		}
		if v.Kind() == reflect.Interface && v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() {
			return true
		}
	}
	if v.CanInterface() {
		if z, ok := v.Interface().(isZeroer); ok {
			return callIsZero(z)
		}
		if v.CanAddr() && reflect.PointerTo(v.Type()).Implements(isZeroerType) {
			return callIsZero(v.Addr().Interface().(isZeroer))
		}
	}
	return v.IsZero()
}

// typeInfo caches per-type facts the walker needs.
type typeInfo struct {
	marshaler, addrMarshaler         bool
	textMarshaler, addrTextMarshaler bool
	byteSlice                        bool
	fields                           []fieldInfo // structs only
}

type fieldInfo struct {
	name      string
	nameJSON  []byte // `"name":`
	tagged    bool
	index     []int
	omitEmpty bool
	omitZero  bool
	quoted    bool
}

var typeInfoCache sync.Map // reflect.Type -> *typeInfo

func typeInfoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfoCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{}
	notPtr := t.Kind() != reflect.Pointer
	ti.addrMarshaler = notPtr && reflect.PointerTo(t).Implements(marshalerType)
	ti.marshaler = t.Implements(marshalerType)
	ti.addrTextMarshaler = notPtr && reflect.PointerTo(t).Implements(textMarshalerType)
	ti.textMarshaler = t.Implements(textMarshalerType)
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		p := reflect.PointerTo(t.Elem())
		ti.byteSlice = !p.Implements(marshalerType) && !p.Implements(textMarshalerType)
	}
	if t.Kind() == reflect.Struct {
		ti.fields = structFields(t)
	}
	actual, _ := typeInfoCache.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// structFields lists the JSON fields of struct type t following
// encoding/json's rules: exported fields, json tag names, "-", omitempty,
// omitzero, string, and Go's visibility rules for embedded structs (a
// shallower field wins, then a tagged one; otherwise ambiguous names are
// dropped).
func structFields(t reflect.Type) []fieldInfo {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var current []queued
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []fieldInfo

	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := 0; i < f.typ.NumField(); i++ {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !isValidTag(name) {
					name = ""
				}
				index := make([]int, len(f.index)+1)
				copy(index, f.index)
				index[len(f.index)] = i

				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if hasOption(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64,
						reflect.String:
						quoted = true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					tagged := name != ""
					if name == "" {
						name = sf.Name
					}
					fi := fieldInfo{
						name:      name,
						nameJSON:  append(appendQuoted(nil, name), ':'),
						tagged:    tagged,
						index:     index,
						omitEmpty: hasOption(opts, "omitempty"),
						omitZero:  hasOption(opts, "omitzero"),
						quoted:    quoted,
					}
					fields = append(fields, fi)
					if count[f.typ] > 1 {
						// Several embeddings of the same type at this depth:
						// add a duplicate so the name is seen as ambiguous.
						fields = append(fields, fi)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index})
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b fieldInfo) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		name := fields[i].name
		for advance = 1; i+advance < len(fields) && fields[i+advance].name == name; advance++ {
		}
		if advance == 1 {
			out = append(out, fields[i])
			continue
		}
		// The first is dominant unless the second is equally deep and
		// equally tagged, in which case the name is ambiguous and dropped.
		a, b := fields[i], fields[i+1]
		if len(a.index) != len(b.index) || a.tagged != b.tagged {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b fieldInfo) int { return slices.Compare(a.index, b.index) })
	return out
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// isValidNumber reports whether s is a JSON number literal.
func isValidNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s = s[1:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		s = s[2:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
			if s == "" {
				return false
			}
		}
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	return s == ""
}
