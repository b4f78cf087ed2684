package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The indexed keys are searched through indexes: no tag, metadata, name or time filter reads
// the spans or every trace row. SQLite's plan depends on the schema and the query, not on how
// many traces the store holds (the store keeps no ANALYZE statistics), so a small store shows
// the plan a store of 100,000 traces runs; BenchmarkSearch measures those.
func TestSearchPlansUseIndexes(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "traces.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	plan := func(filter string, orderExprs []string) string {
		t.Helper()
		clauses, err := ParseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		order, err := ParseOrderBy(orderExprs)
		if err != nil {
			t.Fatal(err)
		}
		query, args, err := st.searchSQL(ctx, nil, clauses, order, 101, 0)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "\n")
	}
	// The check below can see a scan: a span field's plan reads the spans.
	if p := plan("span.status = 'ERROR'", []string{"timestamp_ms DESC"}); !strings.Contains(p, "trace_data") {
		t.Fatalf("span.status plan does not read trace_data:\n%s", p)
	}
	for _, tt := range []struct {
		filter string
		order  string
		want   []string // plan lines that must appear
	}{
		{"tag.env = 'prod'", "", []string{"SEARCH d USING INDEX trace_tags_key_value_time (key=? AND value=?)"}},
		{"metadata.mlflow.trace.session = 's-1'", "", []string{"SEARCH d USING INDEX trace_metadata_key_value_time (key=? AND value=?)"}},
		{"name = 'chat'", "", []string{"SEARCH d USING INDEX trace_tags_key_value_time (key=? AND value=?)"}},
		{"run_id = 'run-1'", "", []string{"SEARCH d USING INDEX trace_metadata_key_value_time (key=? AND value=?)"}},
		{"tag.env = 'prod' AND tag.team = 'a'", "", []string{"SEARCH d USING INDEX trace_tags_key_value_time (key=? AND value=?)"}},
		{"timestamp_ms > 1700000000000", "", []string{"SEARCH t USING INDEX traces_time (timestamp_ms>?)"}},
		{"timestamp_ms > 1700000000000 AND tag.env = 'prod'", "", []string{"SEARCH d USING INDEX trace_tags_key_value_time (key=? AND value=? AND timestamp_ms>?)"}},
		{"tag.env = 'prod'", "execution_time_ms DESC", []string{"USING INDEX trace_tags_key_value_time (key=? AND value=?)"}},
		{"", "execution_time_ms DESC", []string{"SCAN t USING INDEX traces_duration"}},
		// Not an equality: the traces are walked newest first, each probed by its (trace, key)
		// row, so that the page ends after about as many traces as it holds.
		{"tag.env LIKE 'pr%'", "", []string{"SCAN t USING INDEX traces_time", "SEARCH p USING INDEX trace_tags_trace_key (trace_id=? AND key=?)"}},
		{"name RLIKE '^chat'", "", []string{"SCAN t USING INDEX traces_time", "SEARCH p USING INDEX trace_tags_trace_key (trace_id=? AND key=?)"}},
	} {
		orderExprs := []string{"timestamp_ms DESC"}
		if tt.order != "" {
			orderExprs = []string{tt.order}
		}
		all := plan(tt.filter, orderExprs)
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s (order %v): plan lacks %q:\n%s", tt.filter, orderExprs, w, all)
			}
		}
		for _, bad := range []string{"spans", "trace_data", "SCAN t\n", "SCAN d"} {
			if strings.Contains(all+"\n", bad) {
				t.Errorf("%s (order %v): plan reads %q:\n%s", tt.filter, orderExprs, bad, all)
			}
		}
	}
	// A span name or type is probed trace by trace through the spans of that trace, never
	// through every span of the name or type.
	for _, filter := range []string{"span.name = 'retrieve'", "span.type = 'LLM'", "span.name LIKE 'ret%'", "span.type != 'TOOL'"} {
		all := plan(filter, []string{"timestamp_ms DESC"})
		for _, w := range []string{"SCAN t USING INDEX traces_time", "SEARCH s USING INDEX spans_trace_span (trace_id=?)"} {
			if !strings.Contains(all, w) {
				t.Errorf("%s: plan lacks %q:\n%s", filter, w, all)
			}
		}
	}
}
