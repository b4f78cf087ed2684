// Package jsonenc encodes arbitrary Go values as JSON for span attributes:
// fast for common shapes, never panicking, and never failing.
//
// [Append] and [String] produce exactly the bytes that encoding/json produces
// with SetEscapeHTML(false) (without the trailing newline) for every value
// encoding/json can encode, with one deliberate exception: a value whose
// dynamic type implements error (and not json.Marshaler) is written as the
// JSON string of its Error() text when it is the top-level value or an element
// of a map[string]any / []any, because that is what a trace reader wants to see.
//
// Common attribute shapes (nil, strings, booleans, numbers, []byte,
// json.RawMessage, errors, map[string]any, map[string]string, []any,
// []string, []int, []float64 and nestings of these) are encoded without
// reflection and without allocating beyond the destination buffer. Other
// values are handed to encoding/json; if it fails or panics, a reflection
// walker encodes them instead, replacing every part encoding/json cannot
// represent (channels, funcs, complex numbers, cycles, NaN and infinities,
// failing MarshalJSON methods, ...) with a JSON string describing it, so the
// rest of the structure is kept. The result is always valid JSON.
//
// [Truncate] caps an encoded attribute at a byte budget while keeping it
// valid JSON.
package jsonenc
