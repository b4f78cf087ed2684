package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// schemaVersion is the schema this build writes; migrations[i] moves version i to i+1.
const schemaVersion = 4

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
	// Assessments (feedback, expectations) keep MLflow's JSON in data, and beside it what
	// searches compare: the value as JSON text, and as a number when it is one, indexed by
	// kind and name so that feedback.NAME clauses read only that name's rows.
	`CREATE TABLE assessments (
		assessment_id TEXT PRIMARY KEY,
		trace_id TEXT NOT NULL,
		kind TEXT NOT NULL,
		name TEXT NOT NULL,
		value TEXT,
		num REAL,
		valid INTEGER NOT NULL,
		create_time_ms INTEGER NOT NULL,
		data TEXT NOT NULL
	);
	CREATE INDEX assessments_trace ON assessments (trace_id, create_time_ms);
	CREATE INDEX assessments_kind_name_value ON assessments (kind, name, value);
	CREATE INDEX assessments_kind_name_num ON assessments (kind, name, num);`,
	// Ordering by duration (the UI's duration column) reads an index instead of sorting
	// every trace.
	`CREATE INDEX IF NOT EXISTS traces_duration ON traces (execution_time_ms, timestamp_ms);`,
	// A span.name or span.type clause probes each trace's spans by trace id, walking the
	// traces in order. With an index on the name (or the type) SQLite answered each probe
	// from it instead, reading every span of that name in the store for every trace probed:
	// 10 s for a name that every one of 100,000 traces has. Without them a probe reads the
	// few rows of one trace, and each stored span costs two index entries fewer.
	`DROP INDEX IF EXISTS spans_name; DROP INDEX IF EXISTS spans_type;`,
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

// checkSchema checks, writing nothing, that the file holds a store of the schema this build
// reads.
func (s *Store) checkSchema(ctx context.Context) error {
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'agentlens_schema'`).Scan(&tables); err != nil {
		return describeOpenError(err)
	}
	if tables == 0 {
		return errors.New("not an agentlens store: the file has no agentlens schema")
	}
	var version int
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM agentlens_schema`).Scan(&version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errors.New("not an agentlens store: the file has no agentlens schema")
		}
		return describeOpenError(err)
	}
	switch {
	case version > schemaVersion:
		return fmt.Errorf("written by a newer agentlens (schema version %d; this build knows up to %d)", version, schemaVersion)
	case version == 1:
		// Version 2 added assessments: read the file as it is, with none.
		s.noAssessments = true
	case version == 2:
		// Version 3 added an index only.
	case version < schemaVersion:
		return fmt.Errorf("schema version %d needs migrating to %d, which a read-only open does not do: open it once with a program that writes traces", version, schemaVersion)
	}
	return nil
}

func describeOpenError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") || strings.Contains(msg, "SQLITE_NOTADB") || strings.Contains(msg, "(26)") || strings.Contains(msg, "(11)") {
		return fmt.Errorf("not an agentlens store, or corrupt: %w", err)
	}
	return err
}
