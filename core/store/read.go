package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/agentlens/agentlens/core/tracedata"
)

// GetTrace reads a trace with its spans. An unknown id is an error wrapping
// tracedata.ErrTraceNotFound.
func (s *Store) GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error) {
	var t tracedata.Trace
	var spans string
	err := s.db.QueryRowContext(ctx, `SELECT `+prefixed(infoColumns, "t.")+`, d.spans FROM traces t JOIN trace_data d USING (trace_id) WHERE t.trace_id = ?`, traceID).
		Scan(infoDest(&t.Info, &spans)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, tracedata.ErrTraceNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("agentlens: store %s: reading trace %q: %w", s.path, traceID, err)
	}
	if err := json.Unmarshal([]byte(spans), &t.Spans); err != nil {
		return nil, fmt.Errorf("agentlens: store %s: trace %q has corrupt spans: %w", s.path, traceID, err)
	}
	infos := []*tracedata.TraceInfo{&t.Info}
	if err := s.loadPairs(ctx, infos); err != nil {
		return nil, err
	}
	return &t, nil
}

const infoColumns = `trace_id, experiment_id, state, timestamp_ms, execution_time_ms, client_request_id, request_preview, response_preview`

func infoDest(i *tracedata.TraceInfo, extra ...any) []any {
	return append([]any{&i.TraceID, &i.ExperimentID, (*string)(&i.State), &i.TimestampMS, &i.ExecutionTimeMS,
		&i.ClientRequestID, &i.RequestPreview, &i.ResponsePreview}, extra...)
}

// loadPairs fills the tags, metadata and assessments of infos.
func (s *Store) loadPairs(ctx context.Context, infos []*tracedata.TraceInfo) error {
	if len(infos) == 0 {
		return nil
	}
	byID := make(map[string]*tracedata.TraceInfo, len(infos))
	for _, i := range infos {
		byID[i.TraceID] = i
		i.Tags = map[string]string{}
		i.Metadata = map[string]string{}
	}
	for start := 0; start < len(infos); start += 500 {
		chunk := infos[start:min(start+500, len(infos))]
		args := make([]any, len(chunk))
		for i, info := range chunk {
			args[i] = info.TraceID
		}
		in := placeholders(len(chunk))
		for _, table := range []string{"trace_tags", "trace_metadata"} {
			rows, err := s.db.QueryContext(ctx, `SELECT trace_id, key, value FROM `+table+` WHERE trace_id IN (`+in+`)`, args...)
			if err != nil {
				return fmt.Errorf("agentlens: store %s: %w", s.path, err)
			}
			for rows.Next() {
				var id, k, v string
				if err := rows.Scan(&id, &k, &v); err != nil {
					rows.Close()
					return err
				}
				if table == "trace_tags" {
					byID[id].Tags[k] = v
				} else {
					byID[id].Metadata[k] = v
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
	}
	return s.loadAssessments(ctx, infos)
}
