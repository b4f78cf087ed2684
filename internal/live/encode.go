package live

import (
	"strings"
	"sync"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
)

// encode returns the JSON text of v, capped at the configured payload size.
// It never fails: values JSON cannot encode are recorded as descriptive text.
func (rt *Runtime) encode(v any) string {
	bp := encodeBuffers.Get().(*[]byte)
	b := jsonenc.Append((*bp)[:0], v)
	var js string
	if max := rt.MaxPayloadBytes; max > 0 && len(b) > max {
		js = jsonenc.Truncate(string(b), max)
	} else {
		js = string(b)
	}
	if cap(b) <= 64<<10 { // don't keep huge buffers alive
		*bp = b
		encodeBuffers.Put(bp)
	}
	return js
}

// encodeBuffers recycles encoding buffers so that encoding a value costs one allocation:
// the resulting string.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// compactPretty returns recorded JSON text on one line: pretty-printed text (raw newlines or
// tabs, which encoded values never have) is compacted; text that turns out not to be JSON is
// recorded as a JSON string. It runs on the export goroutine.
func compactPretty(js string) string {
	// Three vectorised byte searches beat one ContainsAny, which goes byte by byte.
	if strings.IndexByte(js, '\n') < 0 && strings.IndexByte(js, '\r') < 0 && strings.IndexByte(js, '\t') < 0 {
		return js
	}
	if compact, ok := jsontext.Compact(js); ok {
		return compact
	}
	return jsonenc.String(js)
}

func (rt *Runtime) capJSON(js string) string {
	if max := rt.MaxPayloadBytes; max > 0 && len(js) > max {
		return jsonenc.Truncate(js, max)
	}
	return js
}

// capText caps plain text so that its JSON encoding, which is how it is stored, fits the
// configured payload size, with a visible marker (see jsonenc.TruncateText).
func (rt *Runtime) capText(s string) string { return jsonenc.TruncateText(s, rt.MaxPayloadBytes) }

// attr converts an attribute to its JSON text, as MLflow stores every attribute. A long
// string is cut as text, so it stays a readable string ending in the marker.
func (rt *Runtime) attr(key string, v any) attr {
	if str, ok := v.(string); ok {
		return attr{key, jsonenc.String(rt.capText(str))}
	}
	return attr{key, rt.encode(v)}
}

// eventValue converts an event attribute to the plain value an event keeps (a string, bool,
// int64, float64 or a slice of one of those), else to its JSON text.
func (rt *Runtime) eventValue(v any) any {
	switch x := v.(type) {
	case string:
		return rt.capText(x)
	case bool, int64, float64, []string, []bool, []int64, []float64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case []int:
		out := make([]int64, len(x))
		for i, n := range x {
			out[i] = int64(n)
		}
		return out
	}
	return rt.encode(v)
}
