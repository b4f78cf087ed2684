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
		w := newTraceWriter(tx)
		if err := w.prepare(ctx, traces); err != nil {
			return err
		}
		for _, t := range traces {
			if err := w.write(ctx, t); err != nil {
				return fmt.Errorf("trace %s: %w", t.Info.TraceID, err)
			}
		}
		return w.flush(ctx, true)
	})
}

// maxIDsPerQuery keeps the IN lists well under SQLite's limit on bound variables.
const maxIDsPerQuery = 500

// maxArgsPerInsert is the most values one multi-row INSERT binds. The driver finds each
// statement parameter's value by a linear search of the arguments, so a statement's binding
// costs the square of its argument count: a few hundred values keep that below the cost of
// preparing another statement.
const maxArgsPerInsert = 256

// rows are the pending rows of one table: the arguments of multi-row INSERTs.
type rows struct {
	insert string // up to VALUES
	width  int    // columns
	args   []any
	full   string // the INSERT of a full chunk, made once
}

func (r *rows) add(args ...any) { r.args = append(r.args, args...) }

// chunk is the number of values of a full statement: whole rows.
func (r *rows) chunk() int { return maxArgsPerInsert / r.width * r.width }

func (r *rows) query(values int) string {
	row := "(" + placeholders(r.width) + ")"
	return r.insert + strings.TrimSuffix(strings.Repeat(row+",", values/r.width), ",")
}

// flush inserts the pending rows: full chunks, and the rest, when all is true, with one
// statement of its own.
func (r *rows) flush(ctx context.Context, tx *sql.Tx, all bool) error {
	n := r.chunk()
	done := 0
	for ; len(r.args)-done >= n; done += n {
		if r.full == "" {
			r.full = r.query(n)
		}
		if _, err := tx.ExecContext(ctx, r.full, r.args[done:done+n]...); err != nil {
			return err
		}
	}
	if all && done < len(r.args) {
		if _, err := tx.ExecContext(ctx, r.query(len(r.args)-done), r.args[done:]...); err != nil {
			return err
		}
		done = len(r.args)
	}
	rest := copy(r.args, r.args[done:])
	clear(r.args[rest:])
	r.args = r.args[:rest]
	return nil
}

// traceWriter writes the traces of one export transaction. The driver prepares a statement
// at every execution, and a statement costs more than the rows it inserts, so the rows of all
// the batch's traces go in a few multi-row INSERTs per table, sent when a table has
// a full statement's rows pending and at the end. A trace whose id is already stored, or
// already written in this batch, is merged with it: the pending rows go first, so that the
// merge reads them.
type traceWriter struct {
	tx     *sql.Tx
	stored map[string]bool // ids in the store before the batch, and those this batch wrote
	buf    []byte
	tables [5]rows
}

const (
	tTraces = iota
	tData
	tTags
	tMetadata
	tSpans
)

func newTraceWriter(tx *sql.Tx) *traceWriter {
	// OR FAIL: a failing multi-row INSERT keeps the rows before the failure rather than
	// undoing them, which spares SQLite a statement journal per statement (pages it allocates
	// and frees each time); the failure rolls the whole transaction back anyway.
	return &traceWriter{tx: tx, stored: map[string]bool{}, tables: [...]rows{
		tTraces:   {insert: `INSERT OR FAIL INTO traces VALUES `, width: 8},
		tData:     {insert: `INSERT OR FAIL INTO trace_data VALUES `, width: 2},
		tTags:     {insert: `INSERT OR FAIL INTO trace_tags VALUES `, width: 4},
		tMetadata: {insert: `INSERT OR FAIL INTO trace_metadata VALUES `, width: 4},
		// A span id repeated within a trace (corrupt input) keeps its first row.
		tSpans: {insert: `INSERT OR IGNORE INTO spans VALUES `, width: 4},
	}}
}

// prepare creates the batch's experiments that do not exist yet and reads which of its
// trace ids are stored already, a statement for every maxIDsPerQuery ids.
func (w *traceWriter) prepare(ctx context.Context, traces []*tracedata.Trace) error {
	experiments := map[string]bool{}
	ids := make([]any, 0, len(traces))
	for _, t := range traces {
		if exp := experimentOf(&t.Info); !experiments[exp] {
			experiments[exp] = true
			if _, err := w.tx.ExecContext(ctx, `INSERT INTO experiments VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				exp, "experiment "+exp, time.Now().UnixMilli()); err != nil {
				return err
			}
		}
		ids = append(ids, t.Info.TraceID)
	}
	for start := 0; start < len(ids); start += maxIDsPerQuery {
		chunk := ids[start:min(start+maxIDsPerQuery, len(ids))]
		rs, err := w.tx.QueryContext(ctx, `SELECT trace_id FROM traces WHERE trace_id IN (`+placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return err
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return err
			}
			w.stored[id] = true
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
	}
	return nil
}

func experimentOf(info *tracedata.TraceInfo) string {
	if info.ExperimentID == "" {
		return DefaultExperimentID
	}
	return info.ExperimentID
}

func (w *traceWriter) write(ctx context.Context, t *tracedata.Trace) error {
	info := &t.Info
	if info.TraceID == "" {
		return errors.New("trace has no id")
	}
	if w.stored[info.TraceID] {
		if err := w.flush(ctx, true); err != nil {
			return err
		}
		merged, err := mergeStored(ctx, w.tx, t)
		if err != nil {
			return err
		}
		t, info = merged, &merged.Info
		if err := deleteTraceRows(ctx, w.tx, `= ?`, info.TraceID); err != nil {
			return err
		}
	}
	w.stored[info.TraceID] = true
	w.buf = append(w.buf[:0], '[')
	for i := range t.Spans {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = t.Spans[i].AppendJSON(w.buf)
	}
	w.buf = append(w.buf, ']')
	w.tables[tTraces].add(info.TraceID, experimentOf(info), string(info.State), info.TimestampMS, info.ExecutionTimeMS,
		info.ClientRequestID, info.RequestPreview, info.ResponsePreview)
	w.tables[tData].add(info.TraceID, string(w.buf))
	for k, v := range info.Tags {
		w.tables[tTags].add(info.TraceID, k, v, info.TimestampMS)
	}
	for k, v := range info.Metadata {
		w.tables[tMetadata].add(info.TraceID, k, v, info.TimestampMS)
	}
	for i := range t.Spans {
		sp := &t.Spans[i]
		w.tables[tSpans].add(info.TraceID, sp.SpanID, sp.Name, sp.SpanType())
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
	return w.flush(ctx, false)
}

// flush inserts the tables' pending rows: their full chunks, or, when all is true, every row.
func (w *traceWriter) flush(ctx context.Context, all bool) error {
	for i := range w.tables {
		if err := w.tables[i].flush(ctx, w.tx, all); err != nil {
			return err
		}
	}
	return nil
}
