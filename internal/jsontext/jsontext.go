// Package jsontext checks JSON text that comes from elsewhere (response bodies, stream
// chunks) before it is recorded or read with github.com/tidwall/gjson, which does not check.
package jsontext

import (
	"encoding/json"
	"strings"

	"github.com/tidwall/gjson"
)

// maxRecursiveDepth bounds the nesting handed to gjson.Valid, which recurses once per level.
const maxRecursiveDepth = 1000

// Valid reports whether s is exactly one JSON value (whitespace around it allowed), as
// encoding/json defines it. It is gjson's fast validator for text that cannot nest deeper
// than a thousand levels, and encoding/json's iterative one for the rest, so that hostile
// input cannot make it recurse without bound.
func Valid(s string) bool {
	if strings.Count(s, "[")+strings.Count(s, "{") <= maxRecursiveDepth {
		return gjson.Valid(s)
	}
	return json.Valid([]byte(s))
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
