// Package jsonenc encodes arbitrary Go values as JSON for span attributes:
// fast for common shapes, never panicking, and never failing.
//
// [Append] and [String] produce exactly the bytes that encoding/json produces
// with SetEscapeHTML(false) (without the trailing newline) for every value
// encoding/json can encode and that nests no deeper than [MaxDepth], with one
// deliberate exception: a value whose dynamic type implements error (and not
// json.Marshaler) is written as the JSON string of its Error() text when it
// is the top-level value or an element of a map[string]any / []any reached
// through such maps and slices only, because that is what a trace reader
// wants to see.
//
// Common attribute shapes (nil, strings, booleans, numbers, []byte,
// json.RawMessage, errors, map[string]any, map[string]string, []any,
// []string, []int, []float64 and nestings of these, down to 64 levels) are
// encoded without reflection and without allocating beyond the destination
// buffer. There NaN and infinities are written as the strings "NaN", "+Inf"
// and "-Inf", and a map or slice containing itself as "<cycle T>".
//
// Other values are handed to encoding/json whole, and written as one JSON
// string instead when that cannot be done:
//
//   - a value nesting deeper than MaxDepth levels (struct, map, slice and
//     array levels, counted from the top-level value; a cycle nests without
//     end) becomes "[not recorded: T nests deeper than 1000 levels]",
//     because encoding/json would recurse until the stack overflows. Types
//     are analysed once, so only values behind interfaces and recursive
//     types are looked at, iteratively.
//   - a value encoding/json reports an error for or panics on (channels,
//     funcs, complex numbers, NaN and infinities, unsupported map keys,
//     failing MarshalJSON methods, ...) becomes "[not recorded: cannot
//     encode T as JSON: reason]", reason being encoding/json's error or
//     "panic: " and the panic value. The parts that could be encoded are
//     not kept.
//
// T is the Go type of the value handed over. The result is always valid
// JSON.
//
// [Truncate] caps an encoded attribute at a byte budget while keeping it
// valid JSON.
package jsonenc
