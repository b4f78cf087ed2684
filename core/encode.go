package core

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsonscan"
)

// JSONText is JSON text recorded as is (inputs, outputs, an attribute, a chunk), without the
// validation and re-encoding other values get on the caller's goroutine: a request or
// response body, say. Pretty-printed text is compacted on the export goroutine. The producer
// guarantees it is valid JSON, or corrects the recorded value from an OnExport hook.
type JSONText string

// encode returns the JSON text of v, capped at the configured payload size.
// It never fails: values JSON cannot encode are recorded as descriptive text.
func (rt *runtime) encode(v any) string {
	if t, ok := v.(JSONText); ok {
		return rt.capJSON(string(t))
	}
	bp := encodeBuffers.Get().(*[]byte)
	b := jsonenc.Append((*bp)[:0], v)
	var js string
	if max := rt.cfg.maxPayloadBytes; max > 0 && len(b) > max {
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

// compactPretty returns recorded JSON text on one line: pretty-printed text (raw newlines or
// tabs, which encoded values never have) is compacted; text that turns out not to be JSON is
// recorded as a JSON string. It runs on the export goroutine.
func compactPretty(js string) string {
	// Three vectorised byte searches beat one ContainsAny, which goes byte by byte.
	if strings.IndexByte(js, '\n') < 0 && strings.IndexByte(js, '\r') < 0 && strings.IndexByte(js, '\t') < 0 {
		return js
	}
	bp := encodeBuffers.Get().(*[]byte)
	b, err := jsonscan.AppendCompact((*bp)[:0], js)
	var out string
	if err != nil {
		out = jsonenc.String(js)
	} else {
		out = string(b)
	}
	if cap(b) <= 64<<10 {
		*bp = b
		encodeBuffers.Put(bp)
	}
	return out
}

// encodeBuffers recycles encoding buffers so that encoding a value costs one allocation:
// the resulting string.
var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (rt *runtime) capJSON(js string) string {
	if max := rt.cfg.maxPayloadBytes; max > 0 && len(js) > max {
		return jsonenc.Truncate(js, max)
	}
	return js
}

// capText caps plain text at the configured payload size, with a visible marker.
func (rt *runtime) capText(s string) string {
	max := rt.cfg.maxPayloadBytes
	if max <= 0 || len(s) <= max {
		return s
	}
	marker := "...[truncated, " + strconv.Itoa(len(s)) + " bytes total]"
	cut := max - len(marker)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + marker
}

// attr converts a user attribute to its JSON text, as MLflow stores every attribute.
// A long string is cut as text, so it stays a readable string ending in the marker.
func (rt *runtime) attr(key string, v any) spanAttr {
	if str, ok := v.(string); ok {
		return spanAttr{key, jsonenc.String(rt.capText(str))}
	}
	return spanAttr{key, rt.encode(v)}
}

// nativeAttr converts an event attribute to a plain OTel value where it has one, else to
// its JSON text.
func (rt *runtime) nativeAttr(key string, v any) attribute.KeyValue {
	switch x := v.(type) {
	case string:
		return attribute.String(key, rt.capText(x))
	case bool:
		return attribute.Bool(key, x)
	case int:
		return attribute.Int(key, x)
	case int64:
		return attribute.Int64(key, x)
	case int32:
		return attribute.Int64(key, int64(x))
	case uint32:
		return attribute.Int64(key, int64(x))
	case float64:
		return attribute.Float64(key, x)
	case float32:
		return attribute.Float64(key, float64(x))
	case []string:
		return attribute.StringSlice(key, x)
	case []bool:
		return attribute.BoolSlice(key, x)
	case []int:
		return attribute.IntSlice(key, x)
	case []int64:
		return attribute.Int64Slice(key, x)
	case []float64:
		return attribute.Float64Slice(key, x)
	}
	return attribute.String(key, rt.encode(v))
}
