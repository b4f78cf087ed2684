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
// end_time_ms, name (the trace name), request_id, client_request_id and run_id (metadata
// mlflow.sourceRun); trace.text (LIKE, ILIKE or RLIKE over the inputs and outputs of the
// trace's spans); tag.KEY; metadata.KEY; span.name, span.type, span.status (OK, ERROR,
// UNSET), span.attributes.KEY and span.content (its inputs, outputs and attributes, as
// text): a trace matches when one of its spans does.
// As in MLflow, a tag or metadata key is everything after the first dot
// (tags.mlflow.traceName); backticks or double quotes take any other key (tag.`my key`).
// Operators: = != < <= > >= (numbers, with a decimal point or not), = != LIKE ILIKE RLIKE IN
// NOT IN (strings; RLIKE is a regular expression in Go's RE2 syntax, matched anywhere).
// Strings are quoted with ' or ". Order by attributes, tags or metadata; traces without the
// key sort last, and ties break newest first, then by id, as MLflow's store breaks them.
// A malformed filter is a *FilterError naming the position and what was expected.
//
// Beyond MLflow, trace_id and state are aliases of request_id and status, keys and status
// values are case-insensitive, and IN takes numbers and metadata too. trace.text and the
// span status, attribute and content keys read the spans' JSON of every trace the other
// clauses leave: combine them with an indexed key (a tag, metadata, time) on large stores.
//
// feedback.NAME and expectation.NAME match the trace's valid assessments of that name
// (= != LIKE ILIKE RLIKE; feedback also < <= > >= against numeric values): a quoted string
// matches a string value or any value's JSON text ('true', '4'), a number compares as one.
//
// # Assessments
//
// LogFeedback and LogExpectation attach MLflow 3 assessments to a stored trace (optionally
// to one span); GetTrace and SearchTraces return them in the info. UpdateAssessment on a
// feedback keeps its history as MLflow does: a new feedback overrides the old one, which
// stays with Valid false; DeleteAssessment of the override makes the old one valid again.
// Deleting a trace deletes its assessments; a re-export or merge of the trace keeps them.
//
//	fb, err := st.LogFeedback(ctx, traceID, "correctness", true,
//		store.WithSource(tracedata.SourceHuman, "alice"), store.WithRationale("cites the docs"))
//
// # Statistics
//
// TraceStats counts the traces matching a filter, their errors, the p50, p95 and p99 of
// their duration, their token sums and their cost sums (US dollars, from metadata
// mlflow.trace.cost), grouped by name, tag, metadata key, span type, model or UTC time
// bucket, in one SQL query. Percentiles are exact, by the nearest-rank method; traces
// without a token usage or a cost add nothing to those sums and are counted apart. Grouping
// by span type or model (span attribute mlflow.llm.model) counts a trace, with all its
// tokens and cost, in each of its groups.
//
//	res, err := st.TraceStats(ctx, store.StatsOptions{Filter: "tag.env = 'prod'", GroupBy: "name"})
//
// # Concurrency
//
// The file is in WAL mode: several processes may read and write it at once, and a writer
// killed mid-way leaves every committed trace readable. A Store is safe for concurrent use.
package store
