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
