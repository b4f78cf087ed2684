package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// eventsDoc is a trace document with one span of n events, each with a string attribute.
func eventsDoc(n int) map[string]any {
	evs := make([]any, n)
	for i := range evs {
		evs[i] = map[string]any{"name": fmt.Sprintf("e%d", i), "attributes": map[string]any{"v": strings.Repeat("x", i)}}
	}
	return map[string]any{"data": map[string]any{"spans": []any{map[string]any{"span_id": "s1", "events": evs}}}}
}

// Whatever the number of events and the limit, at most the limit are kept, the first and
// the last, and the marker's offset is where the first one left out starts in the JSON of
// the whole list, as get_trace reads it back.
func TestTruncateEventsKeepsEndsAndPointsAtTheRest(t *testing.T) {
	for n := 0; n <= 12; n++ {
		for maxEvents := 1; maxEvents <= 8; maxEvents++ {
			doc := eventsDoc(n)
			truncateSpans(doc, "tr-1", 1000, maxEvents)
			got := doc["data"].(map[string]any)["spans"].([]any)[0].(map[string]any)["events"].([]any)
			if n <= maxEvents {
				require.Len(t, got, n)
				continue
			}
			head, tail := (maxEvents+1)/2, maxEvents/2
			require.Len(t, got, maxEvents+1, "n=%d max=%d", n, maxEvents)
			var names []string
			for i, ev := range got {
				if i != head {
					names = append(names, ev.(map[string]any)["name"].(string))
				}
			}
			var want []string
			for i := range n {
				if i < head || i >= n-tail {
					want = append(want, fmt.Sprintf("e%d", i))
				}
			}
			require.Equal(t, want, names, "n=%d max=%d", n, maxEvents)

			mark := got[head].(map[string]any)["name"].(string)
			prefix := fmt.Sprintf("%sevents %d to %d of %d not shown; the rest: get_trace ", truncMarker, head, n-tail-1, n)
			require.True(t, strings.HasPrefix(mark, prefix), mark)
			var call struct {
				Field  string `json:"field"`
				Offset int    `json:"offset"`
				SpanID string `json:"span_id"`
			}
			callJSON, _, _ := strings.Cut(strings.TrimPrefix(mark, prefix), " (or field")
			require.NoError(t, json.Unmarshal([]byte(callJSON), &call), mark)
			require.Equal(t, "events", call.Field)
			require.Equal(t, "s1", call.SpanID)
			p, err := readSpanField(eventsDoc(n), "tr-1", call.SpanID, call.Field, call.Offset, 1<<20)
			require.NoError(t, err)
			first, _ := json.Marshal(eventsDoc(n)["data"].(map[string]any)["spans"].([]any)[0].(map[string]any)["events"].([]any)[head])
			require.True(t, strings.HasPrefix(p.Text, string(first)), "n=%d max=%d: the rest starts %.40q", n, maxEvents, p.Text)
		}
	}
}

// A streamed span's hundred chunk events come back as the first ten and the last ten, the
// exception recorded at its end among them; the kept events' long strings are cut with
// markers that name each event by its index in the whole list.
func TestGetTraceCutsLongEventLists(t *testing.T) {
	rec := tracetest.Capture(t)
	_, span := core.StartSpan(context.Background(), "stream", core.WithSpanType(spantypes.ChatModel),
		core.WithStartTime(base))
	for i := range 100 {
		span.AddChunkEvent(i, map[string]any{"delta": fmt.Sprintf("%d%s", i, strings.Repeat("z", 300))})
	}
	span.RecordError(fmt.Errorf("stream cut"))
	span.End()
	tr := rec.LastTrace()
	path := filepath.Join(t.TempDir(), "traces.db")
	st, err := store.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.Export(context.Background(), tr))
	require.NoError(t, st.Close())

	_, cs := newSession(t, Options{StorePath: path, MaxChars: 100})
	id, spanID := tr.Info.TraceID, tr.Spans[0].SpanID
	got := callOK(t, cs, "get_trace", map[string]any{"trace_id": id, "extract_fields": []string{"data.spans.*.events.*.name"}})
	var doc struct {
		Data struct {
			Spans []struct {
				Events []struct {
					Name string `json:"name"`
				} `json:"events"`
			} `json:"spans"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &doc))
	var names []string
	for _, ev := range doc.Data.Spans[0].Events {
		names = append(names, ev.Name)
	}
	require.Len(t, names, 21)
	for i := range 10 {
		assert.Equal(t, fmt.Sprintf("mlflow.chunk.item.%d", i), names[i])
	}
	for i := range 9 {
		assert.Equal(t, fmt.Sprintf("mlflow.chunk.item.%d", 91+i), names[11+i])
	}
	assert.Equal(t, "exception", names[20])
	assert.True(t, strings.HasPrefix(names[10], truncMarker+"events 10 to 90 of 101 not shown; the rest: get_trace "), names[10])

	// The marker's call reads the events from the eleventh on.
	var call map[string]any
	callJSON, _, _ := strings.Cut(strings.TrimPrefix(names[10], truncMarker+"events 10 to 90 of 101 not shown; the rest: get_trace "), " (or field")
	require.NoError(t, json.Unmarshal([]byte(callJSON), &call))
	assert.Equal(t, map[string]any{"trace_id": id, "span_id": spanID, "field": "events", "offset": call["offset"]}, call)
	call["max_chars"] = 200
	piece := callOK(t, cs, "get_trace", call)
	var p spanField
	require.NoError(t, json.Unmarshal([]byte(piece), &p))
	assert.True(t, strings.HasPrefix(p.Text, `{"attributes":{"mlflow.chunk.value":"{\"delta\":\"10zz`), p.Text)
	assert.Equal(t, int(call["offset"].(float64))+200, p.NextOffset)

	// A kept event's long value is cut, its marker naming the event by its index.
	got = callOK(t, cs, "get_trace", map[string]any{"trace_id": id, "extract_fields": []string{"data.spans.0.events.11.attributes"}})
	assert.Contains(t, got, `\"field\":\"events.91.attributes.`+"`mlflow.chunk.value`"+`\"`)
	one := callOK(t, cs, "get_trace", map[string]any{"trace_id": id, "span_id": spanID, "field": "events.91.name"})
	assert.Contains(t, one, `"text":"mlflow.chunk.item.91"`)

	// max_events sets the limit per call.
	got = callOK(t, cs, "get_trace", map[string]any{"trace_id": id, "max_events": 200, "extract_fields": []string{"data.spans.*.events.*.name"}})
	require.NoError(t, json.Unmarshal([]byte(got), &doc))
	assert.Len(t, doc.Data.Spans[0].Events, 101)
	assert.Contains(t, callErr(t, cs, "get_trace", map[string]any{"trace_id": id, "max_events": -1}), "max_events -1 is negative")
}
