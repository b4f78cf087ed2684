package jsonenc

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// Append appends the JSON encoding of v to dst and returns the extended buffer.
// It never panics and never fails. A value the reflection-free path does not
// handle is encoded by encoding/json, and written instead as one JSON string
// describing it when encoding/json cannot encode it (channels, funcs, complex
// numbers, NaN/Inf inside structs, MarshalJSON errors or panics), e.g.
// "[not recorded: cannot encode chan int as JSON: json: unsupported type: chan int]",
// or when it nests deeper than MaxDepth levels (cycles included), e.g.
// "[not recorded: *main.Node nests deeper than 1000 levels]".
// HTML characters (<, >, &) are NOT escaped; non-ASCII text is written as UTF-8, unescaped.
// Invalid UTF-8 is replaced with U+FFFD as encoding/json does.
func Append(dst []byte, v any) []byte {
	return appendAny(dst, v, nil)
}

// String returns Append(nil, v) as a string.
func String(v any) string {
	b := Append(make([]byte, 0, 32), v)
	// b is never modified after this point, so it can back the string
	// directly (as strings.Builder does) and save a copy.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// AppendString appends s as a JSON string literal (same escaping rules as Append).
func AppendString(dst []byte, s string) []byte {
	return appendQuoted(dst, s)
}

// AppendFloat appends f as encoding/json writes a float64 (same rules as Append: NaN and
// infinities, which JSON has no numbers for, as the strings "NaN", "+Inf" and "-Inf").
func AppendFloat(dst []byte, f float64) []byte {
	return appendFloat(dst, f, 64)
}

// fastMaxDepth bounds the nesting handled by the reflection-free path; deeper
// subtrees are handed to the general path, told how deep they are, so that
// MaxDepth counts the whole nesting.
const fastMaxDepth = 64

// frame is one map[string]any or []any on the current fast-path encoding
// path. Frames live on the stack and link to their parent, so that cycles
// are detected exactly (at the first repetition) without allocating.
type frame struct {
	parent *frame
	ptr    unsafe.Pointer
	n      int // slice length, or -1 for a map
	depth  int
}

func (f *frame) onPath(ptr unsafe.Pointer, n int) bool {
	for ; f != nil; f = f.parent {
		if f.ptr == ptr && f.n == n {
			return true
		}
	}
	return false
}

// nextDepth is the number of levels around a value inside f (0 when f is
// nil, at the top level).
func (f *frame) nextDepth() int {
	if f == nil {
		return 0
	}
	return f.depth + 1
}

// appendAny is the reflection-free fast path. parent is the innermost
// enclosing map[string]any / []any, or nil at the top level.
func appendAny(dst []byte, v any, parent *frame) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return appendQuoted(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case int32:
		return strconv.AppendInt(dst, int64(x), 10)
	case int16:
		return strconv.AppendInt(dst, int64(x), 10)
	case int8:
		return strconv.AppendInt(dst, int64(x), 10)
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(dst, x, 10)
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uintptr:
		return strconv.AppendUint(dst, uint64(x), 10)
	case float64:
		return appendFloat(dst, x, 64)
	case float32:
		return appendFloat(dst, float64(x), 32)
	case json.RawMessage:
		return appendRawMessage(dst, x)
	case []byte:
		return appendBytes(dst, x)
	case map[string]any:
		return appendMapAny(dst, x, parent)
	case map[string]string:
		return appendMapString(dst, x)
	case []any:
		return appendSliceAny(dst, x, parent)
	case []string:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendQuoted(dst, s)
		}
		return append(dst, ']')
	case []int:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, n := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(n), 10)
		}
		return append(dst, ']')
	case []float64:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, f := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFloat(dst, f, 64)
		}
		return append(dst, ']')
	case json.Marshaler:
		// A type that defines its own JSON wins over the error special case.
		return appendGeneral(dst, v, parent.nextDepth())
	case error:
		return appendError(dst, x)
	}
	return appendGeneral(dst, v, parent.nextDepth())
}

// appendRawMessage writes m as encoding/json does (compacted) when it is
// valid JSON, and as a JSON string of its text otherwise.
func appendRawMessage(dst []byte, m json.RawMessage) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	if json.Valid(m) {
		return appendCompact(dst, m)
	}
	return appendQuoted(dst, []byte(m))
}

// appendError writes err.Error() as a JSON string. A nil pointer whose Error
// method panics is written as null; any other panic as a description.
func appendError(dst []byte, err error) []byte {
	s, perr := callError(err)
	if perr == nil {
		return appendQuoted(dst, s)
	}
	if rv := reflect.ValueOf(err); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return append(dst, "null"...)
	}
	return appendQuoted(dst, "<panic calling Error for type "+typeString(err)+": "+perr.Error()+">")
}

type kv struct {
	k string
	v any
}

// smallMap is how many entries of a map[string]any are sorted in a stack
// buffer; bigger maps take one allocation for their keys.
const smallMap = 8

func appendMapAny(dst []byte, m map[string]any, parent *frame) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	if len(m) == 0 {
		return append(dst, "{}"...)
	}
	depth := parent.nextDepth()
	if depth >= fastMaxDepth {
		return appendGeneral(dst, m, depth)
	}
	ptr := reflect.ValueOf(m).UnsafePointer()
	if parent.onPath(ptr, -1) {
		return append(dst, `"<cycle map[string]interface {}>"`...)
	}
	f := frame{parent: parent, ptr: ptr, n: -1, depth: depth}

	var buf [smallMap]kv
	kvs := buf[:0]
	if len(m) > len(buf) {
		kvs = make([]kv, 0, len(m))
	}
	for k, v := range m {
		kvs = append(kvs, kv{k, v})
	}
	if len(kvs) <= smallMap {
		for i := 1; i < len(kvs); i++ {
			for j := i; j > 0 && kvs[j].k < kvs[j-1].k; j-- {
				kvs[j], kvs[j-1] = kvs[j-1], kvs[j]
			}
		}
	} else {
		slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	}

	dst = append(dst, '{')
	for i := range kvs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, kvs[i].k)
		dst = append(dst, ':')
		dst = appendAny(dst, kvs[i].v, &f)
	}
	return append(dst, '}')
}

func appendMapString(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	if len(m) == 0 {
		return append(dst, "{}"...)
	}
	var buf [smallMap * 2]string
	keys := buf[:0]
	if len(m) > len(buf) {
		keys = make([]string, 0, len(m))
	}
	for k := range m {
		keys = append(keys, k)
	}
	if len(keys) <= smallMap {
		for i := 1; i < len(keys); i++ {
			for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
				keys[j], keys[j-1] = keys[j-1], keys[j]
			}
		}
	} else {
		slices.Sort(keys)
	}
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, k)
		dst = append(dst, ':')
		dst = appendQuoted(dst, m[k])
	}
	return append(dst, '}')
}

func appendSliceAny(dst []byte, s []any, parent *frame) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	if len(s) == 0 {
		return append(dst, "[]"...)
	}
	depth := parent.nextDepth()
	if depth >= fastMaxDepth {
		return appendGeneral(dst, s, depth)
	}
	ptr := unsafe.Pointer(unsafe.SliceData(s))
	if parent.onPath(ptr, len(s)) {
		return append(dst, `"<cycle []interface {}>"`...)
	}
	f := frame{parent: parent, ptr: ptr, n: len(s), depth: depth}
	dst = append(dst, '[')
	for i, v := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendAny(dst, v, &f)
	}
	return append(dst, ']')
}

// typeString is %T without fmt.
func typeString(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
