package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DeleteOptions selects traces to delete: either by age (MaxTimestampMillis, optionally at
// most MaxTraces of them, oldest first) or by TraceIDs, never both.
type DeleteOptions struct {
	// ExperimentIDs limits the deletion to these experiments; empty means all.
	ExperimentIDs []string
	// MaxTimestampMillis deletes traces that started at or before this time.
	MaxTimestampMillis int64
	// MaxTraces caps the number deleted by age; 0 means no cap.
	MaxTraces int
	// TraceIDs deletes these traces.
	TraceIDs []string
}

// DeleteTraces deletes traces and returns how many it deleted.
func (s *Store) DeleteTraces(ctx context.Context, o DeleteOptions) (int, error) {
	byAge := o.MaxTimestampMillis > 0
	switch {
	case byAge && len(o.TraceIDs) > 0:
		return 0, errors.New("agentlens: delete traces either by age (max timestamp) or by ids, not both")
	case !byAge && len(o.TraceIDs) == 0:
		return 0, errors.New("agentlens: delete traces needs a max timestamp or trace ids")
	case o.MaxTraces < 0:
		return 0, fmt.Errorf("agentlens: max traces %d is negative", o.MaxTraces)
	case o.MaxTraces > 0 && !byAge:
		return 0, errors.New("agentlens: max traces applies to deletion by age only")
	}
	var where []string
	var args []any
	if len(o.ExperimentIDs) > 0 {
		where = append(where, `experiment_id IN (`+placeholders(len(o.ExperimentIDs))+`)`)
		for _, e := range o.ExperimentIDs {
			args = append(args, e)
		}
	}
	var doomed string // selects the trace ids to delete
	if byAge {
		where = append(where, `timestamp_ms <= ?`)
		args = append(args, o.MaxTimestampMillis)
		doomed = `SELECT trace_id FROM traces WHERE ` + strings.Join(where, " AND ") + ` ORDER BY timestamp_ms, trace_id`
		if o.MaxTraces > 0 {
			doomed += ` LIMIT ` + strconv.Itoa(o.MaxTraces)
		}
	} else {
		where = append(where, `trace_id IN (`+placeholders(len(o.TraceIDs))+`)`)
		for _, id := range o.TraceIDs {
			args = append(args, id)
		}
		doomed = `SELECT trace_id FROM traces WHERE ` + strings.Join(where, " AND ")
	}
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS doomed (trace_id TEXT PRIMARY KEY)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM doomed`); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO doomed `+doomed, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		// Assessments go with their trace here only: an export replacing a trace keeps them.
		if _, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE trace_id IN (SELECT trace_id FROM doomed)`); err != nil {
			return err
		}
		if err := deleteTraceRows(ctx, tx, `IN (SELECT trace_id FROM doomed)`); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM doomed`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("agentlens: store %s: delete: %w", s.path, err)
	}
	return int(n), nil
}
