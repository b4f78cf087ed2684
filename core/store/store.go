package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is a trace store in one SQLite file. It implements core's Destination (Export) and
// TraceReader (GetTrace). It is safe for concurrent use, also by several processes.
type Store struct {
	db   *sql.DB
	path string
	// noAssessments is set for a store opened read-only at schema version 1, from before
	// assessments: it reads as a store whose traces have none.
	noAssessments bool
}

// Open opens the store at path, creating the file (and its directory) if needed and
// migrating its schema in place. A file that is not an agentlens store, is corrupt or cannot
// be read is an error naming the path.
func Open(path string) (*Store, error) { return open(path, true) }

// OpenExisting is Open for a store that must already exist: a missing file is an error
// wrapping fs.ErrNotExist, and nothing is created. Tools that read traces use it.
func OpenExisting(path string) (*Store, error) { return open(path, false) }

// OpenReadOnly opens an existing store for reading only: nothing is written to the file,
// its schema is not migrated, and a file that is not an agentlens store (an empty file
// included) is an error. It works on a store the process may not write. Tools that only read
// traces (agentlens traces list, show) use it.
func OpenReadOnly(path string) (*Store, error) {
	if err := checkExisting(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "case_sensitive_like(1)", "temp_store(MEMORY)", "query_only(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.checkSchema(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
	}
	return s, nil
}

// checkExisting reports a path that names no store file: missing (wrapping fs.ErrNotExist),
// a directory, or not readable.
func checkExisting(path string) error {
	if path == "" {
		return errors.New("agentlens: store: empty path")
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("agentlens: no store at %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("agentlens: store %s is a directory", path)
	}
	return nil
}

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
		// Open the file as SQLite will, to report what is wrong in the system's words
		// (a directory, permission denied) rather than SQLite's "out of memory (14)".
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("agentlens: store %s is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("agentlens: store %s: %w", path, err)
		}
		f.Close()
	} else if err := checkExisting(path); err != nil {
		return nil, err
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

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
