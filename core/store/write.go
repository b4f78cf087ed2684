package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
)

// Export stores a finished trace, replacing a trace stored earlier under the same id, or,
// when one of the two is a part of a trace continued in another process, merging them.
func (s *Store) Export(ctx context.Context, t *tracedata.Trace) error {
	return s.ExportBatch(ctx, []*tracedata.Trace{t})
}

// ExportBatch stores several traces in one transaction: all of them or none.
func (s *Store) ExportBatch(ctx context.Context, traces []*tracedata.Trace) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		w, err := newTraceWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for _, t := range traces {
			if err := w.write(ctx, t); err != nil {
				return fmt.Errorf("trace %s: %w", t.Info.TraceID, err)
			}
		}
		return nil
	})
}

// traceWriter writes traces within one export transaction. The driver prepares a statement
// at every execution, so rows go in multi-row INSERTs: a handful of statements per trace.
type traceWriter struct {
	tx          *sql.Tx
	experiments map[string]bool
	buf         []byte
	args        []any
}

func newTraceWriter(_ context.Context, tx *sql.Tx) (*traceWriter, error) {
	return &traceWriter{tx: tx, experiments: map[string]bool{}}, nil
}

func (w *traceWriter) close() {}

// maxRowsPerInsert keeps multi-row INSERTs well under SQLite's limit on bound variables.
const maxRowsPerInsert = 1000

func (w *traceWriter) write(ctx context.Context, t *tracedata.Trace) error {
	info := &t.Info
	if info.TraceID == "" {
		return errors.New("trace has no id")
	}
	exp := info.ExperimentID
	if exp == "" {
		exp = DefaultExperimentID
	}
	if !w.experiments[exp] {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO experiments VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			exp, "experiment "+exp, time.Now().UnixMilli()); err != nil {
			return err
		}
		w.experiments[exp] = true
	}
	var exists int
	switch err := w.tx.QueryRowContext(ctx, `SELECT count(*) FROM traces WHERE trace_id = ?`, info.TraceID).Scan(&exists); {
	case err != nil:
		return err
	case exists > 0:
		merged, err := mergeStored(ctx, w.tx, t)
		if err != nil {
			return err
		}
		t, info = merged, &merged.Info
		if err := deleteTraceRows(ctx, w.tx, `= ?`, info.TraceID); err != nil {
			return err
		}
	}
	w.buf = append(w.buf[:0], '[')
	for i := range t.Spans {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = t.Spans[i].AppendJSON(w.buf)
	}
	w.buf = append(w.buf, ']')
	if _, err := w.tx.ExecContext(ctx, `INSERT INTO traces VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		info.TraceID, exp, string(info.State), info.TimestampMS, info.ExecutionTimeMS,
		info.ClientRequestID, info.RequestPreview, info.ResponsePreview); err != nil {
		return err
	}
	if _, err := w.tx.ExecContext(ctx, `INSERT INTO trace_data VALUES (?, ?)`, info.TraceID, string(w.buf)); err != nil {
		return err
	}
	for _, table := range []struct {
		name string
		m    map[string]string
	}{{"trace_tags", info.Tags}, {"trace_metadata", info.Metadata}} {
		w.args = w.args[:0]
		for k, v := range table.m {
			w.args = append(w.args, info.TraceID, k, v, info.TimestampMS)
		}
		if err := w.insertRows(ctx, `INSERT INTO `+table.name+` VALUES `, 4); err != nil {
			return err
		}
	}
	w.args = w.args[:0]
	for i := range t.Spans {
		sp := &t.Spans[i]
		w.args = append(w.args, info.TraceID, sp.SpanID, sp.Name, sp.SpanType())
	}
	// A span id repeated within a trace (corrupt input) keeps its first row.
	if err := w.insertRows(ctx, `INSERT OR IGNORE INTO spans VALUES `, 4); err != nil {
		return err
	}
	// Assessments a trace brings (one read back from a store, say) join those stored; the
	// stored ones, which a re-export does not remove, win.
	for k := range info.Assessments {
		a := info.Assessments[k]
		if a.AssessmentID == "" || (a.Feedback == nil) == (a.Expectation == nil) {
			continue
		}
		a.TraceID = info.TraceID
		if err := insertAssessment(ctx, w.tx, &a, false); err != nil {
			return err
		}
	}
	return nil
}

// insertRows inserts w.args as rows of width columns, in as few statements as the limit allows.
func (w *traceWriter) insertRows(ctx context.Context, insert string, width int) error {
	row := "(" + placeholders(width) + ")"
	for start := 0; start < len(w.args); start += width * maxRowsPerInsert {
		chunk := w.args[start:min(start+width*maxRowsPerInsert, len(w.args))]
		rows := len(chunk) / width
		query := insert + strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
		if _, err := w.tx.ExecContext(ctx, query, chunk...); err != nil {
			return err
		}
	}
	return nil
}
