// Package jsontext checks JSON text that comes from elsewhere (response bodies, stream
// chunks) before it is recorded or read with github.com/tidwall/gjson, which does not check.
package jsontext

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/tidwall/gjson"
)

// maxRecursiveDepth bounds the nesting handed to gjson.Valid, which recurses once per level.
const maxRecursiveDepth = 1000

// Valid reports whether s is exactly one JSON value (whitespace around it allowed), as
// encoding/json defines it. It is gjson's fast validator for text that cannot nest deeper
// than a thousand levels, and encoding/json's iterative one for the rest, so that hostile
// input cannot make it recurse without bound.
func Valid(s string) bool {
	if rememberable(s) && known(s) {
		return true
	}
	var ok bool
	if strings.Count(s, "[")+strings.Count(s, "{") <= maxRecursiveDepth {
		ok = gjson.Valid(s)
	} else {
		ok = json.Valid([]byte(s))
	}
	if ok && rememberable(s) {
		remember(s)
	}
	return ok
}

// The same text is often checked more than once on its way to a span: a response body by
// the adapter that reads it, by the compaction of recorded attributes, and by the trace's
// preview. The last few valid texts are remembered by identity (where their bytes are and
// how many), which a remembered string keeps: while it is held its bytes cannot be reused,
// and Go strings do not change, so a string with the same bytes' address and length is the
// same text (a string made with unsafe over bytes that change later would break this; none
// is handed here). Short texts, a stream's chunks among them, are checked again: remembering
// one costs an allocation, and each chunk is checked once anyway. Long ones are checked again
// too, so that what the remembered texts keep alive is bounded: 8 texts of at most 16 KB.
const (
	minRemembered = 512
	maxRemembered = 16 << 10
	rememberedN   = 8
)

func rememberable(s string) bool { return len(s) >= minRemembered && len(s) <= maxRemembered }

var (
	remembered     [rememberedN]atomic.Pointer[string]
	rememberedNext atomic.Uint32
)

func known(s string) bool {
	for i := range remembered {
		if p := remembered[i].Load(); p != nil && len(*p) == len(s) && unsafe.StringData(*p) == unsafe.StringData(s) {
			return true
		}
	}
	return false
}

func remember(s string) {
	remembered[rememberedNext.Add(1)%rememberedN].Store(&s)
}

// Object returns s read as a JSON object, and whether it is one: valid JSON whose value is
// an object.
func Object(s string) (gjson.Result, bool) {
	if !Valid(s) {
		return gjson.Result{}, false
	}
	r := gjson.Parse(s)
	return r, r.IsObject()
}

// Member returns the value of the last member named key of obj, of any type; nothing
// (Exists false) when obj is not an object or has no such member. Of a repeated key the last
// counts, as encoding/json decodes it.
func Member(obj gjson.Result, key string) gjson.Result {
	var out gjson.Result
	if obj.IsObject() {
		obj.ForEach(func(k, v gjson.Result) bool {
			if k.Str == key {
				out = v
			}
			return true
		})
	}
	return out
}

// Compact returns s without insignificant space, as encoding/json's Compact writes it, and
// whether s is one JSON value; for text that is not, it returns "" and false. Text that has no
// space outside its strings is returned as it is, without a copy.
func Compact(s string) (string, bool) {
	if !Valid(s) {
		return "", false
	}
	// Valid JSON has space only between tokens and inside strings: drop the first, copy
	// strings whole (an escaped quote never ends one).
	i := firstSpace(s)
	if i < 0 {
		return s, true
	}
	var b strings.Builder // its String makes no copy
	b.Grow(len(s) - 1)
	run := 0 // start of the bytes not yet written
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			b.WriteString(s[run:i])
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			run = i
		case '"':
			i = stringEnd(s, i)
		default:
			i++
		}
	}
	b.WriteString(s[run:])
	out := b.String()
	if rememberable(out) {
		remember(out) // the compaction of valid text is valid
	}
	return out, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// firstSpace returns the index of the first space outside a string in valid JSON text s, or
// -1 when there is none.
func firstSpace(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			return i
		case '"':
			i = stringEnd(s, i) - 1
		}
	}
	return -1
}

// stringEnd returns the index just past the string that starts with the quote at s[start],
// in valid JSON text.
func stringEnd(s string, start int) int {
	for i := start + 1; ; {
		i += strings.IndexByte(s[i:], '"')
		// The quote ends the string unless an odd number of backslashes escapes it.
		n := 0
		for s[i-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
		i++
	}
}
