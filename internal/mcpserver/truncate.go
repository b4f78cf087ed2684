package mcpserver

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agentlens/agentlens/internal/tracefields"
)

// A span's inputs, outputs and attributes can be megabytes (whole prompts, retrieved
// documents); a coding agent's context cannot take them whole. get_trace and search_traces
// therefore cut every string under data.spans longer than the server's MaxChars bytes, and
// end the kept part with a marker naming the get_trace call (span_id, field, offset) that
// returns the rest, a piece at a time. A span's events are cut too when there are more than
// the server's MaxEvents (a streamed call has one event per chunk, thousands of them): the
// first and last are kept, and a marker event between them names the get_trace call that
// reads the events' JSON from the first one left out.

// truncMarker starts every truncation marker, so a client can recognise one.
const truncMarker = "…[truncated by agentlens: "

// truncateSpans cuts the long strings and event lists of doc's spans in place.
func truncateSpans(doc map[string]any, traceID string, maxBytes, maxEvents int) {
	data, _ := doc["data"].(map[string]any)
	spans, _ := data["spans"].([]any)
	for _, sp := range spans {
		span, ok := sp.(map[string]any)
		if !ok {
			continue
		}
		spanID, _ := span["span_id"].(string)
		for k, v := range span {
			if evs, ok := v.([]any); ok && k == "events" {
				span[k] = truncateEvents(evs, traceID, spanID, maxBytes, maxEvents)
				continue
			}
			span[k] = truncateValue(v, []string{k}, traceID, spanID, maxBytes)
		}
	}
}

// truncateEvents keeps at most maxEvents of a span's events, the first and the last (an
// exception is recorded last), with a marker event in place of the others, and cuts the
// long strings of those it keeps, each named by its index in the whole list.
func truncateEvents(evs []any, traceID, spanID string, maxBytes, maxEvents int) []any {
	keep := func(i int) any {
		return truncateValue(evs[i], []string{"events", strconv.Itoa(i)}, traceID, spanID, maxBytes)
	}
	if len(evs) <= maxEvents {
		for i := range evs {
			evs[i] = keep(i)
		}
		return evs
	}
	head := (maxEvents + 1) / 2
	tail := maxEvents - head
	// In the events' compact JSON, as get_trace returns the field, the first event left out
	// starts after "[", the head's events and their commas: where the head's own JSON array
	// would close. It is measured before the head's strings are cut.
	b, err := json.Marshal(evs[:head])
	if err != nil {
		return evs
	}
	offset := len(b) - 1
	if head > 0 {
		offset++ // the comma before the first event left out
	}
	call, _ := json.Marshal(map[string]any{"trace_id": traceID, "span_id": spanID, "field": "events", "offset": offset})
	mark := map[string]any{"name": fmt.Sprintf("%sevents %d to %d of %d not shown; the rest: get_trace %s (or field events.N for event N)]",
		truncMarker, head, len(evs)-tail-1, len(evs), call)}
	out := make([]any, 0, maxEvents+1)
	for i := range head {
		out = append(out, keep(i))
	}
	out = append(out, mark)
	for i := len(evs) - tail; i < len(evs); i++ {
		out = append(out, keep(i))
	}
	return out
}

func truncateValue(v any, path []string, traceID, spanID string, maxBytes int) any {
	switch x := v.(type) {
	case string:
		if len(x) <= maxBytes {
			return x
		}
		cut := runeCut(x, maxBytes)
		if cut == 0 { // a limit smaller than the first character keeps that character
			_, cut = utf8.DecodeRuneInString(x)
		}
		if cut >= len(x) {
			return x
		}
		return x[:cut] + marker(traceID, spanID, fieldPath(path), cut, len(x))
	case map[string]any:
		for k, c := range x {
			x[k] = truncateValue(c, append(path[:len(path):len(path)], k), traceID, spanID, maxBytes)
		}
	case []any:
		for i, c := range x {
			x[i] = truncateValue(c, append(path[:len(path):len(path)], strconv.Itoa(i)), traceID, spanID, maxBytes)
		}
	}
	return v
}

func marker(traceID, spanID, field string, shown, total int) string {
	call, _ := json.Marshal(map[string]any{"trace_id": traceID, "span_id": spanID, "field": field, "offset": shown})
	return fmt.Sprintf("%s%d of %d bytes shown; the rest: get_trace %s]", truncMarker, shown, total, call)
}

// runeCut returns the largest n <= maxBytes that does not split a UTF-8 sequence of s.
func runeCut(s string, maxBytes int) int {
	if maxBytes >= len(s) {
		return len(s)
	}
	n := maxBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// fieldPath joins segments into a tracefields path, backticking segments with dots.
func fieldPath(segs []string) string {
	parts := make([]string, len(segs))
	for i, s := range segs {
		if strings.ContainsAny(s, ".`") || s == "*" {
			s = "`" + s + "`"
		}
		parts[i] = s
	}
	return strings.Join(parts, ".")
}

// spanField is one piece of a span's string field, as get_trace returns it with span_id.
type spanField struct {
	TraceID    string `json:"trace_id"`
	SpanID     string `json:"span_id"`
	Field      string `json:"field"`
	Offset     int    `json:"offset"`
	TotalBytes int    `json:"total_bytes"`
	Text       string `json:"text"`
	// NextOffset continues the field; absent on its last piece.
	NextOffset int `json:"next_offset,omitempty"`
}

// readSpanField returns up to maxBytes of the field of the span spanID of doc from offset.
// A field that is not a string is returned as its compact JSON text.
func readSpanField(doc map[string]any, traceID, spanID, field string, offset, maxBytes int) (spanField, error) {
	data, _ := doc["data"].(map[string]any)
	spans, _ := data["spans"].([]any)
	var span map[string]any
	for _, sp := range spans {
		if m, ok := sp.(map[string]any); ok && m["span_id"] == spanID {
			span = m
			break
		}
	}
	if span == nil {
		return spanField{}, fmt.Errorf("trace %s has no span %q", traceID, spanID)
	}
	val, found := lookupExact(span, tracefields.SplitPath(field))
	if !found {
		return spanField{}, fmt.Errorf("span %s has no field %q (its keys: %s)", spanID, field, strings.Join(tracefields.SortedKeys(span), ", "))
	}
	text, ok := val.(string)
	if !ok {
		b, err := json.Marshal(val)
		if err != nil {
			return spanField{}, err
		}
		text = string(b)
	}
	if offset < 0 || offset > len(text) {
		return spanField{}, fmt.Errorf("offset %d is outside 0..%d", offset, len(text))
	}
	// Start on a character boundary: an offset inside a UTF-8 sequence moves back to its start.
	for offset > 0 && offset < len(text) && !utf8.RuneStart(text[offset]) {
		offset--
	}
	end := offset + runeCut(text[offset:], maxBytes)
	if end == offset && offset < len(text) { // maxBytes smaller than one character
		_, size := utf8.DecodeRuneInString(text[offset:])
		end = offset + size
	}
	out := spanField{TraceID: traceID, SpanID: spanID, Field: field, Offset: offset, TotalBytes: len(text), Text: text[offset:end]}
	if end < len(text) {
		out.NextOffset = end
	}
	return out, nil
}

// lookupExact follows segs through v taking every segment literally ("*" is a key here,
// not a wildcard: the markers name one field, whatever its key).
func lookupExact(v any, segs []string) (any, bool) {
	for _, seg := range segs {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, len(segs) > 0
}
