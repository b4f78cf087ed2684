package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// mergeStored combines t with the trace stored under its id when one of them is only a
// part of the trace (spans that continued a caller in another process, exported apart):
// the spans of both, t's winning for a span id in both; the info of the part holding the
// trace's root, or t's while no part holds it; tags and metadata of both, the root part's
// winning; token usage recomputed over the merged spans. Two whole traces under one id are
// not merged: t replaces the stored one. It returns the trace to write.
func mergeStored(ctx context.Context, tx *sql.Tx, t *tracedata.Trace) (*tracedata.Trace, error) {
	var old tracedata.Trace
	var spans string
	err := tx.QueryRowContext(ctx, `SELECT `+prefixed(infoColumns, "t.")+`, d.spans FROM traces t JOIN trace_data d USING (trace_id) WHERE t.trace_id = ?`, t.Info.TraceID).
		Scan(infoDest(&old.Info, &spans)...)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(spans), &old.Spans); err != nil {
		return nil, err
	}
	newRoot, oldRoot := t.RootSpan() != nil, old.RootSpan() != nil
	if newRoot && oldRoot {
		return t, nil
	}
	for _, table := range []struct {
		name string
		m    *map[string]string
	}{{"trace_tags", &old.Info.Tags}, {"trace_metadata", &old.Info.Metadata}} {
		rows, err := tx.QueryContext(ctx, `SELECT key, value FROM `+table.name+` WHERE trace_id = ?`, t.Info.TraceID)
		if err != nil {
			return nil, err
		}
		*table.m = map[string]string{}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return nil, err
			}
			(*table.m)[k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rootPart, other := t, &old
	if oldRoot {
		rootPart, other = &old, t
	}
	merged := &tracedata.Trace{Info: rootPart.Info}
	merged.Info.Tags = union(other.Info.Tags, rootPart.Info.Tags)
	merged.Info.Metadata = union(other.Info.Metadata, rootPart.Info.Metadata)
	seen := map[string]bool{}
	for i := range t.Spans {
		seen[t.Spans[i].SpanID] = true
	}
	for i := range old.Spans {
		if !seen[old.Spans[i].SpanID] {
			merged.Spans = append(merged.Spans, old.Spans[i])
		}
	}
	merged.Spans = append(merged.Spans, t.Spans...)
	sortByStart(merged.Spans)
	if u, ok := merged.TokenUsage(); ok {
		merged.Info.Metadata[spantypes.MetaTokenUsage] = string(u.AppendJSON(nil))
	}
	return merged, nil
}

func union(low, high map[string]string) map[string]string {
	out := make(map[string]string, len(low)+len(high))
	for k, v := range low {
		out[k] = v
	}
	for k, v := range high {
		out[k] = v
	}
	return out
}

// sortByStart keeps spans in start order, as a trace holds them.
func sortByStart(spans []tracedata.Span) {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].StartTimeUnixNano < spans[j-1].StartTimeUnixNano; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
}
