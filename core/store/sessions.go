package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/agentlens/agentlens/spantypes"
)

// Session is a summary of the traces that share one session id (the trace metadata
// spantypes.MetaSession, "mlflow.trace.session"), as MLflow groups a chat's turns.
type Session struct {
	ID string
	// Traces counts the session's traces.
	Traces int
	// FirstMS and LastMS are the earliest and latest trace start, in ms since the epoch.
	FirstMS, LastMS int64
}

// ListSessions returns the sessions of the given experiments (all when empty), the most
// recently active first, at most limit of them (0 means DefaultMaxResults).
func (s *Store) ListSessions(ctx context.Context, experimentIDs []string, limit int) ([]Session, error) {
	if limit <= 0 {
		limit = DefaultMaxResults
	}
	q := `SELECT m.value, count(*), min(m.timestamp_ms), max(m.timestamp_ms) FROM trace_metadata m`
	args := []any{spantypes.MetaSession}
	where := ` WHERE m.key = ?`
	if len(experimentIDs) > 0 {
		q += ` JOIN traces t USING (trace_id)`
		where += ` AND t.experiment_id IN (` + placeholders(len(experimentIDs)) + `)`
		for _, id := range experimentIDs {
			args = append(args, id)
		}
	}
	q += where + ` GROUP BY m.value ORDER BY max(m.timestamp_ms) DESC, m.value LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("agentlens: store %s: sessions: %w", s.path, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ss Session
		if err := rows.Scan(&ss.ID, &ss.Traces, &ss.FirstMS, &ss.LastMS); err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	return out, rows.Err()
}

// SessionFilter returns the filter string that selects the traces of session id, for
// SearchTraces.
func SessionFilter(id string) string {
	return "metadata.`" + spantypes.MetaSession + "` = " + QuoteFilterString(id)
}

// QuoteFilterString quotes s as a string of the filter grammar, so that any text (quotes
// and backslashes included) compares as itself.
func QuoteFilterString(s string) string {
	return "'" + filterQuoter.Replace(s) + "'"
}

var filterQuoter = strings.NewReplacer(`\`, `\\`, `'`, `''`)
