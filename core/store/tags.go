package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/agentlens/agentlens/core/tracedata"
)

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
