package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/agentlens/agentlens/core/tracedata"
)

// DefaultExperimentID and DefaultExperimentName name the experiment every store starts with,
// as MLflow's "Default" experiment.
const (
	DefaultExperimentID   = "0"
	DefaultExperimentName = "Default"
)

// Store is a trace store in one SQLite file. It implements core's Destination (Export) and
// TraceReader (GetTrace). It is safe for concurrent use, also by several processes.
type Store struct {
	db   *sql.DB
	path string
}

// Experiment groups traces, as an MLflow experiment does.
type Experiment struct {
	ID   string
	Name string
}

// Open opens the store at path, creating the file (and its directory) if needed and
// migrating its schema in place. A file that is not an agentlens store, is corrupt or cannot
// be read is an error naming the path.
func Open(path string) (*Store, error) { return open(path, true) }

// OpenExisting is Open for a store that must already exist: a missing file is an error
// wrapping fs.ErrNotExist, and nothing is created. Tools that read traces use it.
func OpenExisting(path string) (*Store, error) { return open(path, false) }

func open(path string, create bool) (*Store, error) {
	if path == "" {
		return nil, errors.New("agentlens: store: empty path")
	}
	if create {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
			}
		}
	} else if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("agentlens: no store at %s: %w", path, err)
	} else if fi.IsDir() {
		return nil, fmt.Errorf("agentlens: store %s is a directory", path)
	}
	q := url.Values{}
	// No foreign keys: the store deletes a trace's rows itself, which spares every insert
	// a statement journal (export is the hot path).
	// WAL is a property of the file, set once by migrate, not by every new connection.
	for _, p := range []string{"busy_timeout(10000)", "synchronous(NORMAL)",
		"case_sensitive_like(1)", "temp_store(MEMORY)", "cache_size(-16000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	if !create {
		q.Set("mode", "rw")
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
	}
	return s, nil
}

// uriPath escapes the characters that SQLite's URI filenames give a meaning to.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Shutdown closes the store; core calls it when tracing shuts down.
func (s *Store) Shutdown(context.Context) error { return s.Close() }

// schemaVersion is the schema this build writes; migrations[i] moves version i to i+1.
const schemaVersion = 1

var migrations = []string{
	// Tags and metadata carry their trace's start time so that a tag search ordered by time
	// reads its index in order and stops at the page size. Spans live apart from the trace
	// rows, which stay small for scans. Row tables are rowid tables, so that inserts append
	// (trace ids are random; only the narrow indexes take them in random order).
	`CREATE TABLE experiments (
		experiment_id TEXT PRIMARY KEY,
		name TEXT NOT NULL UNIQUE,
		creation_time_ms INTEGER NOT NULL
	);
	INSERT INTO experiments VALUES ('0', 'Default', CAST(unixepoch('subsec') * 1000 AS INTEGER));
	CREATE TABLE traces (
		trace_id TEXT PRIMARY KEY,
		experiment_id TEXT NOT NULL,
		state TEXT NOT NULL,
		timestamp_ms INTEGER NOT NULL,
		execution_time_ms INTEGER NOT NULL,
		client_request_id TEXT NOT NULL DEFAULT '',
		request_preview TEXT NOT NULL DEFAULT '',
		response_preview TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX traces_experiment_time ON traces (experiment_id, timestamp_ms);
	CREATE INDEX traces_time ON traces (timestamp_ms);
	CREATE TABLE trace_data (
		trace_id TEXT PRIMARY KEY,
		spans TEXT NOT NULL
	);
	CREATE TABLE trace_tags (
		trace_id TEXT NOT NULL,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		timestamp_ms INTEGER NOT NULL
	);
	CREATE UNIQUE INDEX trace_tags_trace_key ON trace_tags (trace_id, key);
	CREATE INDEX trace_tags_key_value_time ON trace_tags (key, value, timestamp_ms);
	CREATE TABLE trace_metadata (
		trace_id TEXT NOT NULL,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		timestamp_ms INTEGER NOT NULL
	);
	CREATE UNIQUE INDEX trace_metadata_trace_key ON trace_metadata (trace_id, key);
	CREATE INDEX trace_metadata_key_value_time ON trace_metadata (key, value, timestamp_ms);
	CREATE TABLE spans (
		trace_id TEXT NOT NULL,
		span_id TEXT NOT NULL,
		name TEXT NOT NULL,
		type TEXT NOT NULL
	);
	CREATE UNIQUE INDEX spans_trace_span ON spans (trace_id, span_id);
	CREATE INDEX spans_name ON spans (name);
	CREATE INDEX spans_type ON spans (type);`,
}

// migrate brings the schema to schemaVersion, one transaction per step, so that processes
// opening the same new file at once agree.
func (s *Store) migrate(ctx context.Context) error {
	wait := time.Millisecond
	for {
		done, err := s.migrateStep(ctx)
		if busy(err) {
			// Another process is creating or migrating the same file: switching a new
			// file to WAL can then fail at once, without waiting out busy_timeout. Try
			// again until the other is done.
			select {
			case <-ctx.Done():
				return err
			case <-time.After(wait):
			}
			wait = min(2*wait, 50*time.Millisecond)
			continue
		}
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// busy reports SQLite's "database is locked" (SQLITE_BUSY) and "table is locked"
// (SQLITE_LOCKED), extended codes included.
func busy(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

func (s *Store) migrateStep(ctx context.Context) (done bool, err error) {
	if _, err := s.db.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		return false, describeOpenError(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, describeOpenError(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS agentlens_schema (version INTEGER NOT NULL)`); err != nil {
		return false, describeOpenError(err)
	}
	var version int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM agentlens_schema`).Scan(&version); {
	case errors.Is(err, sql.ErrNoRows):
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name != 'agentlens_schema'`).Scan(&others); err != nil {
			return false, describeOpenError(err)
		}
		if others > 0 {
			return false, errors.New("not an agentlens store: the SQLite file holds other tables")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agentlens_schema VALUES (0)`); err != nil {
			return false, err
		}
	case err != nil:
		return false, describeOpenError(err)
	}
	if version > schemaVersion {
		return false, fmt.Errorf("written by a newer agentlens (schema version %d; this build knows up to %d)", version, schemaVersion)
	}
	if version == schemaVersion {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("migrating schema %d to %d: %w", version, version+1, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agentlens_schema SET version = ?`, version+1); err != nil {
		return false, err
	}
	return version+1 == schemaVersion, tx.Commit()
}

func describeOpenError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") || strings.Contains(msg, "SQLITE_NOTADB") || strings.Contains(msg, "(26)") || strings.Contains(msg, "(11)") {
		return fmt.Errorf("not an agentlens store, or corrupt: %w", err)
	}
	return err
}

// Export stores a finished trace, replacing a trace stored earlier under the same id.
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
	return w.insertRows(ctx, `INSERT OR IGNORE INTO spans VALUES `, 4)
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

// deleteTraceRows deletes traces, and the rows that belong to them, whose id matches cond
// (the schema has no cascading foreign keys; see Open).
func deleteTraceRows(ctx context.Context, tx *sql.Tx, cond string, args ...any) error {
	for _, table := range []string{"trace_tags", "trace_metadata", "spans", "trace_data", "traces"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE trace_id `+cond, args...); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

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

// loadPairs fills the tags and metadata of infos.
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
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// SetTraceTag sets (or replaces) a tag of a stored trace.
func (s *Store) SetTraceTag(ctx context.Context, traceID, key, value string) error {
	return s.SetTraceTags(ctx, traceID, map[string]string{key: value})
}

// SetTraceTags sets (or replaces) several tags of a stored trace, all or none.
func (s *Store) SetTraceTags(ctx context.Context, traceID string, tags map[string]string) error {
	for k := range tags {
		if k == "" {
			return errors.New("agentlens: empty tag key")
		}
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := traceExists(ctx, tx, traceID); err != nil {
			return err
		}
		for k, v := range tags {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO trace_tags
				SELECT trace_id, ?, ?, timestamp_ms FROM traces WHERE trace_id = ?`, k, v, traceID); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteTraceTag removes a tag of a stored trace; a tag the trace does not have is an error.
func (s *Store) DeleteTraceTag(ctx context.Context, traceID, key string) error {
	return s.DeleteTraceTags(ctx, traceID, key)
}

// DeleteTraceTags removes several tags of a stored trace, all or none: a key the trace does
// not have is an error naming it, and then nothing is removed.
func (s *Store) DeleteTraceTags(ctx context.Context, traceID string, keys ...string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := traceExists(ctx, tx, traceID); err != nil {
			return err
		}
		for _, key := range keys {
			res, err := tx.ExecContext(ctx, `DELETE FROM trace_tags WHERE trace_id = ? AND key = ?`, traceID, key)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("agentlens: trace %q has no tag %q", traceID, key)
			}
		}
		return nil
	})
}

func traceExists(ctx context.Context, tx *sql.Tx, traceID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM traces WHERE trace_id = ?`, traceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("agentlens: trace %q: %w", traceID, tracedata.ErrTraceNotFound)
	}
	return err
}

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

// EnsureExperiment returns the experiment named name, creating it if needed.
func (s *Store) EnsureExperiment(ctx context.Context, name string) (Experiment, error) {
	if name == "" {
		return Experiment{}, errors.New("agentlens: empty experiment name")
	}
	var e Experiment
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT experiment_id, name FROM experiments WHERE name = ?`, name).Scan(&e.ID, &e.Name)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(CAST(experiment_id AS INTEGER)), 0) + 1 FROM experiments`).Scan(&next); err != nil {
			return err
		}
		e = Experiment{ID: strconv.FormatInt(next, 10), Name: name}
		_, err = tx.ExecContext(ctx, `INSERT INTO experiments VALUES (?, ?, ?)`, e.ID, e.Name, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return Experiment{}, fmt.Errorf("agentlens: store %s: experiment %q: %w", s.path, name, err)
	}
	return e, nil
}

// ErrExperimentNotFound is returned (wrapped) for an unknown experiment.
var ErrExperimentNotFound = errors.New("experiment not found")

// LookupExperiment finds an experiment by id or, failing that, by name.
func (s *Store) LookupExperiment(ctx context.Context, idOrName string) (Experiment, error) {
	var e Experiment
	err := s.db.QueryRowContext(ctx, `SELECT experiment_id, name FROM experiments WHERE experiment_id = ?
		UNION ALL SELECT experiment_id, name FROM experiments WHERE name = ? LIMIT 1`, idOrName, idOrName).Scan(&e.ID, &e.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Experiment{}, fmt.Errorf("agentlens: experiment %q: %w", idOrName, ErrExperimentNotFound)
	}
	return e, err
}
