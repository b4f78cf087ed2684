// Package store is agentlens's embedded trace store: finished traces kept in a local SQLite
// file (through a pure-Go driver, no cgo), searched with MLflow's filter grammar, tagged and
// deleted, from Go and from the agentlens CLI.
//
// core writes every finished trace here by default (AGENTLENS_STORE, default ./agentlens.db;
// "off" disables it). A Store is also usable on its own, to read traces back:
//
//	st, err := store.Open("agentlens.db")
//	if err != nil {
//		return err
//	}
//	defer st.Close()
//	res, err := st.SearchTraces(ctx, store.SearchOptions{
//		Filter:  "tag.env = 'prod' AND execution_time_ms > 1000",
//		OrderBy: []string{"timestamp_ms DESC"},
//	})
//
// # Filter grammar
//
// Comparisons joined by AND. Keys: the attributes status, timestamp_ms, execution_time_ms,
// name (the trace name) and request_id; tag.KEY; metadata.KEY; span.name and span.type (a
// span of the trace). Backticks quote keys with dots: tag.`mlflow.traceName`. Operators:
// = != < <= > >= (numbers), = != LIKE ILIKE IN NOT IN (strings). Strings are quoted with ' or ".
// A malformed filter is a *FilterError naming the position and what was expected.
//
// # Concurrency
//
// The file is in WAL mode: several processes may read and write it at once, and a writer
// killed mid-way leaves every committed trace readable. A Store is safe for concurrent use.
package store
