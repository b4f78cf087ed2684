package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// fixture describes one generated trace; the expected results of each filter are computed
// from these, not written out by hand.
type fixture struct {
	id       string
	name     string
	start    int64 // ms
	duration int64 // ms
	failed   bool
	env      string
	team     string
	session  string
	tool     bool // has a TOOL span named "search"
}

var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fill produces n traces through core (explicit times make them deterministic) and stores
// them in a new store.
func fill(t *testing.T, n int) (*store.Store, []fixture) {
	t.Helper()
	rec := tracetest.Capture(t)
	names := []string{"chat", "retrieve docs", "Agent Run"}
	var fx []fixture
	c := core.NewClient()
	for i := range n {
		f := fixture{
			name:     names[i%3],
			start:    base.UnixMilli() + int64(i)*1000,
			duration: int64(i%7) * 10,
			failed:   i%5 == 0,
			env:      []string{"prod", "dev"}[i%2],
			team:     []string{"a", "b", "c"}[i%3],
			session:  fmt.Sprintf("s-%d", i%4),
			tool:     i%2 == 0,
		}
		start := time.UnixMilli(f.start)
		root := c.StartTrace(f.name, core.WithSpanType(spantypes.Chain), core.WithStartTime(start),
			core.WithInputs(map[string]any{"q": fmt.Sprintf("question %d", i)}))
		f.id = root.TraceID()
		llm, _ := c.StartSpan("llm", f.id, root.SpanID(), core.WithSpanType(spantypes.ChatModel), core.WithStartTime(start))
		_ = c.EndSpan(f.id, llm.SpanID(), core.WithEndTime(start.Add(time.Millisecond)))
		if f.tool {
			tool, _ := c.StartSpan("search", f.id, root.SpanID(), core.WithSpanType(spantypes.Tool), core.WithStartTime(start))
			_ = c.EndSpan(f.id, tool.SpanID(), core.WithEndTime(start.Add(time.Millisecond)))
		}
		opts := []core.SpanOption{core.WithEndTime(start.Add(time.Duration(f.duration) * time.Millisecond))}
		if f.failed {
			opts = append(opts, core.WithStatus(core.StatusError, "boom"))
		}
		// Tags and metadata go through the trace update API, as an application sets them.
		core.UpdateCurrentTrace(core.ContextWithSpan(context.Background(), root), core.TraceUpdate{
			Tags:      map[string]string{"env": f.env, "team": f.team, "dotted.key": f.env},
			SessionID: f.session,
		})
		if err := c.EndTrace(f.id, opts...); err != nil {
			t.Fatal(err)
		}
		fx = append(fx, f)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "traces.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	traces := rec.Traces()
	if len(traces) != n {
		t.Fatalf("captured %d traces, want %d", len(traces), n)
	}
	for _, tr := range traces {
		if err := st.Export(context.Background(), tr); err != nil {
			t.Fatal(err)
		}
	}
	return st, fx
}

func idsOf(fx []fixture) []string {
	out := make([]string, len(fx))
	for i := range fx {
		out[i] = fx[i].id
	}
	return out
}

func ids(infos []tracedata.TraceInfo) []string {
	out := make([]string, len(infos))
	for i := range infos {
		out[i] = infos[i].TraceID
	}
	return out
}

func TestSearchGrammar(t *testing.T) {
	st, fx := fill(t, 30)
	mid := fx[15].start
	tests := []struct {
		filter string
		want   func(f fixture) bool
	}{
		{"", func(fixture) bool { return true }},
		{"status = 'ERROR'", func(f fixture) bool { return f.failed }},
		{"attributes.status != 'ERROR'", func(f fixture) bool { return !f.failed }},
		{"state = 'ok'", func(f fixture) bool { return !f.failed }},
		{"status IN ('ERROR', 'IN_PROGRESS')", func(f fixture) bool { return f.failed }},
		{"status NOT IN ('ERROR')", func(f fixture) bool { return !f.failed }},
		{"status LIKE 'ERR%'", func(f fixture) bool { return f.failed }},
		{fmt.Sprintf("timestamp_ms = %d", mid), func(f fixture) bool { return f.start == mid }},
		{fmt.Sprintf("timestamp_ms != %d", mid), func(f fixture) bool { return f.start != mid }},
		{fmt.Sprintf("timestamp_ms < %d", mid), func(f fixture) bool { return f.start < mid }},
		{fmt.Sprintf("timestamp_ms <= %d", mid), func(f fixture) bool { return f.start <= mid }},
		{fmt.Sprintf("timestamp > %d", mid), func(f fixture) bool { return f.start > mid }},
		{fmt.Sprintf("trace.timestamp_ms >= %d", mid), func(f fixture) bool { return f.start >= mid }},
		{"execution_time_ms > 30", func(f fixture) bool { return f.duration > 30 }},
		{"execution_time_ms <= 20 AND status = 'OK'", func(f fixture) bool { return f.duration <= 20 && !f.failed }},
		{"execution_time_ms IN (10, 60)", func(f fixture) bool { return f.duration == 10 || f.duration == 60 }},
		{"execution_time_ms NOT IN (0)", func(f fixture) bool { return f.duration != 0 }},
		{"name = 'chat'", func(f fixture) bool { return f.name == "chat" }},
		{"name != 'chat'", func(f fixture) bool { return f.name != "chat" }},
		{"name LIKE '%docs'", func(f fixture) bool { return f.name == "retrieve docs" }},
		{"name LIKE 'agent%'", func(fixture) bool { return false }}, // LIKE is case-sensitive
		{"name ILIKE 'agent%'", func(f fixture) bool { return f.name == "Agent Run" }},
		{"name IN ('chat', 'Agent Run')", func(f fixture) bool { return f.name != "retrieve docs" }},
		{"name NOT IN ('chat')", func(f fixture) bool { return f.name != "chat" }},
		{fmt.Sprintf("request_id = '%s'", fx[3].id), func(f fixture) bool { return f.id == fx[3].id }},
		{fmt.Sprintf("trace_id IN ('%s', '%s')", fx[1].id, fx[2].id), func(f fixture) bool { return f.id == fx[1].id || f.id == fx[2].id }},
		{"tag.env = 'prod'", func(f fixture) bool { return f.env == "prod" }},
		{"tags.env != 'prod'", func(f fixture) bool { return f.env != "prod" }},
		{"tag.team IN ('a', 'b')", func(f fixture) bool { return f.team != "c" }},
		{"tag.team NOT IN ('a', 'b')", func(f fixture) bool { return f.team == "c" }},
		{"tag.`dotted.key` = 'dev'", func(f fixture) bool { return f.env == "dev" }},
		{"tag.`mlflow.traceName` = 'chat'", func(f fixture) bool { return f.name == "chat" }},
		{"tag.env LIKE 'pr%'", func(f fixture) bool { return f.env == "prod" }},
		{"tag.env ILIKE 'PR%'", func(f fixture) bool { return f.env == "prod" }},
		{"tag.missing = 'x'", func(fixture) bool { return false }},
		{"metadata.`mlflow.trace.session` = 's-1'", func(f fixture) bool { return f.session == "s-1" }},
		{"request_metadata.`mlflow.trace.session` IN ('s-0', 's-3')", func(f fixture) bool { return f.session == "s-0" || f.session == "s-3" }},
		{"metadata.`mlflow.trace_schema.version` = '3'", func(fixture) bool { return true }},
		{"span.name = 'search'", func(f fixture) bool { return f.tool }},
		{"span.type = 'TOOL'", func(f fixture) bool { return f.tool }},
		{"span.type = 'CHAT_MODEL'", func(fixture) bool { return true }},
		{"span.name LIKE 'sea%' AND tag.env = 'dev'", func(f fixture) bool { return f.tool && f.env == "dev" }},
		{"span.type IN ('TOOL') AND status = 'ERROR' AND tag.team = 'a'", func(f fixture) bool { return f.tool && f.failed && f.team == "a" }},
		{"span.name != 'llm'", func(fixture) bool { return true }}, // every trace has a CHAIN root span
		// MLflow 3's forms: dotted keys without backticks, double-quoted keys, RLIKE, decimals,
		// end time, run_id, client request id.
		{"tags.mlflow.traceName = 'chat'", func(f fixture) bool { return f.name == "chat" }},
		{"tag.dotted.key = 'dev' AND tag.env = 'dev'", func(f fixture) bool { return f.env == "dev" }},
		{`tags."dotted.key" = 'prod'`, func(f fixture) bool { return f.env == "prod" }},
		{"metadata.mlflow.trace.session = 's-1'", func(f fixture) bool { return f.session == "s-1" }},
		{`metadata."mlflow.trace.session" != 's-1'`, func(f fixture) bool { return f.session != "s-1" }},
		{"name RLIKE '^(chat|Agent)'", func(f fixture) bool { return f.name != "retrieve docs" }},
		{"name RLIKE 'docs$'", func(f fixture) bool { return f.name == "retrieve docs" }},
		{"name RLIKE 'agent'", func(fixture) bool { return false }}, // RLIKE is case-sensitive
		{"name RLIKE '(?i)agent'", func(f fixture) bool { return f.name == "Agent Run" }},
		{"tag.team RLIKE '[ab]'", func(f fixture) bool { return f.team != "c" }},
		{"metadata.mlflow.trace.session RLIKE 's-[13]'", func(f fixture) bool { return f.session == "s-1" || f.session == "s-3" }},
		{"status RLIKE 'ERR'", func(f fixture) bool { return f.failed }},
		{"span.name RLIKE '^sea'", func(f fixture) bool { return f.tool }},
		{"span.type RLIKE 'TOOL|RETRIEVER'", func(f fixture) bool { return f.tool }},
		{"execution_time_ms > 29.5", func(f fixture) bool { return f.duration >= 30 }},
		{"execution_time_ms <= 20.0", func(f fixture) bool { return f.duration <= 20 }},
		{fmt.Sprintf("trace.end_time_ms > %d", mid+30), func(f fixture) bool { return f.start+f.duration > mid+30 }},
		{fmt.Sprintf("end_time <= %d", mid), func(f fixture) bool { return f.start+f.duration <= mid }},
		{"run_id = 'run-1'", func(fixture) bool { return false }}, // no trace has a run
		{"trace.client_request_id = ''", func(fixture) bool { return true }},
		// What only the spans' JSON holds: status, attributes, inputs and outputs.
		{"span.status = 'ERROR'", func(f fixture) bool { return f.failed }},
		{"span.status != 'ERROR'", func(fixture) bool { return true }}, // the llm span is OK everywhere
		{"span.status IN ('UNSET')", func(fixture) bool { return false }},
		{"span.attributes.mlflow.spanType = 'TOOL'", func(f fixture) bool { return f.tool }},
		{"span.attributes.`mlflow.spanType` LIKE 'CHAT%'", func(fixture) bool { return true }},
		{`span.attributes."mlflow.spanType" RLIKE '^(TOOL|RETRIEVER)$'`, func(f fixture) bool { return f.tool }},
		{"span.attributes.missing = 'x'", func(fixture) bool { return false }},
		{"trace.text LIKE '%question 7%'", func(f fixture) bool { return f.id == fx[7].id }},
		{"trace.text ILIKE '%QUESTION 1%'", func(f fixture) bool { return f.id == fx[1].id || slices.Contains(idsOf(fx[10:20]), f.id) }},
		{"trace.text RLIKE 'question 2[0-3]'", func(f fixture) bool { return slices.Contains(idsOf(fx[20:24]), f.id) }},
		{"trace.text LIKE '%CHAIN%'", func(fixture) bool { return false }}, // the span type is an attribute, not an input
		{"span.content LIKE '%CHAIN%'", func(fixture) bool { return true }},
		{"span.content LIKE '%question 3\"%'", func(f fixture) bool { return f.id == fx[3].id }},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			res, err := st.SearchTraces(context.Background(), store.SearchOptions{Filter: tt.filter, MaxResults: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := len(fx) - 1; i >= 0; i-- { // default order: newest first
				if tt.want(fx[i]) {
					want = append(want, fx[i].id)
				}
			}
			if got := ids(res.Traces); !slices.Equal(got, want) {
				t.Errorf("got %d traces, want %d\ngot  %v\nwant %v", len(got), len(want), got, want)
			}
		})
	}
}

func TestSearchReturnsFullInfo(t *testing.T) {
	st, fx := fill(t, 3)
	res, err := st.SearchTraces(context.Background(), store.SearchOptions{Filter: "request_id = '" + fx[0].id + "'"})
	if err != nil || len(res.Traces) != 1 {
		t.Fatalf("search: %v %v", res, err)
	}
	info := res.Traces[0]
	if info.State != tracedata.StateError || info.TimestampMS != fx[0].start || info.ExperimentID != "0" ||
		info.Tags["env"] != "prod" || info.Metadata[spantypes.MetaSession] != "s-0" ||
		info.RequestPreview != `{"q":"question 0"}` {
		t.Errorf("info = %+v", info)
	}
	full, err := st.GetTrace(context.Background(), fx[0].id)
	if err != nil {
		t.Fatal(err)
	}
	if got := tracetest.Tree(full); got != "CHAIN chat ERROR\n  CHAT_MODEL llm OK\n  TOOL search OK\n" {
		t.Errorf("tree:\n%s", got)
	}
}

func TestPaginationReturnsEveryTraceOnce(t *testing.T) {
	st, fx := fill(t, 30)
	for _, order := range [][]string{nil, {"execution_time_ms"}, {"name DESC", "timestamp_ms"}} {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			seen := map[string]int{}
			token := ""
			pages := 0
			for {
				res, err := st.SearchTraces(context.Background(), store.SearchOptions{OrderBy: order, MaxResults: 7, PageToken: token})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, id := range ids(res.Traces) {
					seen[id]++
				}
				if res.NextPageToken == "" {
					break
				}
				token = res.NextPageToken
			}
			if pages != 5 || len(seen) != len(fx) {
				t.Fatalf("%d pages, %d distinct traces", pages, len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("trace %s returned %d times", id, n)
				}
			}
		})
	}
	// A token only continues the search it came from.
	res, _ := st.SearchTraces(context.Background(), store.SearchOptions{MaxResults: 7})
	if _, err := st.SearchTraces(context.Background(), store.SearchOptions{MaxResults: 7, Filter: "status = 'OK'", PageToken: res.NextPageToken}); err == nil {
		t.Error("page token accepted for another filter")
	}
	if _, err := st.SearchTraces(context.Background(), store.SearchOptions{PageToken: "garbage!"}); err == nil {
		t.Error("garbage page token accepted")
	}
}

func TestOrderBy(t *testing.T) {
	st, fx := fill(t, 12)
	byID := map[string]fixture{}
	for _, f := range fx {
		byID[f.id] = f
	}
	state := func(f fixture) string {
		if f.failed {
			return "ERROR"
		}
		return "OK"
	}
	tests := []struct {
		order []string
		less  func(a, b fixture) bool // the expected order, ties broken by trace id
	}{
		{[]string{"timestamp_ms"}, func(a, b fixture) bool { return a.start < b.start }},
		{[]string{"timestamp_ms DESC"}, func(a, b fixture) bool { return a.start > b.start }},
		{[]string{"execution_time_ms ASC"}, func(a, b fixture) bool { return a.duration < b.duration }},
		{[]string{"execution_time_ms DESC"}, func(a, b fixture) bool { return a.duration > b.duration }},
		{[]string{"status"}, func(a, b fixture) bool { return state(a) < state(b) }},
		{[]string{"name DESC"}, func(a, b fixture) bool { return a.name > b.name }},
		{[]string{"request_id"}, func(a, b fixture) bool { return a.id < b.id }},
		{[]string{"tags.env"}, func(a, b fixture) bool { return a.env < b.env }},
		{[]string{"tag.team DESC", "execution_time_ms"}, func(a, b fixture) bool {
			if a.team != b.team {
				return a.team > b.team
			}
			return a.duration < b.duration
		}},
		{[]string{"metadata.mlflow.trace.session DESC"}, func(a, b fixture) bool { return a.session > b.session }},
		// No trace has the tag: every one ties, so the tie-break alone orders them.
		{[]string{"tag.missing"}, func(a, b fixture) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.order, ","), func(t *testing.T) {
			res, err := st.SearchTraces(context.Background(), store.SearchOptions{OrderBy: tt.order})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(fx)
			sort.SliceStable(want, func(i, j int) bool {
				a, b := want[i], want[j]
				if tt.less(a, b) != tt.less(b, a) {
					return tt.less(a, b)
				}
				// Ties break as MLflow's store breaks them: newest first, then by id.
				if a.start != b.start {
					return a.start > b.start
				}
				return a.id < b.id
			})
			var wantIDs []string
			for _, f := range want {
				wantIDs = append(wantIDs, f.id)
			}
			if got := ids(res.Traces); !slices.Equal(got, wantIDs) {
				t.Errorf("order:\ngot  %v\nwant %v", got, wantIDs)
			}
		})
	}
	if _, err := st.SearchTraces(context.Background(), store.SearchOptions{OrderBy: []string{"span.name"}}); err == nil {
		t.Error("order by a span field accepted")
	}
}

// A trace without the tag sorts last, in both directions, as in MLflow.
func TestOrderByMissingKeySortsLast(t *testing.T) {
	st, fx := fill(t, 6)
	ctx := context.Background()
	for i, v := range map[int]string{1: "b", 3: "a", 4: "c"} {
		if err := st.SetTraceTag(ctx, fx[i].id, "rank", v); err != nil {
			t.Fatal(err)
		}
	}
	// The untagged traces (0, 2, 5) come last, newest first.
	tail := []string{fx[5].id, fx[2].id, fx[0].id}
	for order, head := range map[string][]string{
		"tag.rank":      {fx[3].id, fx[1].id, fx[4].id},
		"tag.rank DESC": {fx[4].id, fx[1].id, fx[3].id},
	} {
		res, err := st.SearchTraces(ctx, store.SearchOptions{OrderBy: []string{order}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(res.Traces), append(slices.Clone(head), tail...); !slices.Equal(got, want) {
			t.Errorf("%s:\ngot  %v\nwant %v", order, got, want)
		}
	}
}

func TestBadFilterIsAnError(t *testing.T) {
	st, _ := fill(t, 1)
	_, err := st.SearchTraces(context.Background(), store.SearchOptions{Filter: "status = 'OK' AND"})
	var fe *store.FilterError
	if !errors.As(err, &fe) || fe.Pos != len("status = 'OK' AND") {
		t.Fatalf("err = %v", err)
	}
}
