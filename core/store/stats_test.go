package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// referenceStats computes in Go, from the fixture descriptions, what TraceStats must find
// for the traces of one group: the nearest-rank percentiles of the sorted durations.
func referenceStats(key string, fx []fixture) store.StatsGroup {
	g := store.StatsGroup{Key: key, Traces: int64(len(fx))}
	var ms []int64
	for _, f := range fx {
		ms = append(ms, f.duration)
		if f.failed {
			g.Errors++
		}
	}
	slices.Sort(ms)
	rank := func(p int) int64 { return ms[(p*len(ms)+99)/100-1] }
	g.P50MS, g.P95MS, g.P99MS = rank(50), rank(95), rank(99)
	g.ErrorRate = float64(g.Errors) / float64(g.Traces)
	return g
}

// groupFixtures groups fx by the keys each has (several for span types), in key order.
func groupFixtures(fx []fixture, keys func(fixture) []string) []store.StatsGroup {
	by := map[string][]fixture{}
	for _, f := range fx {
		for _, k := range keys(f) {
			by[k] = append(by[k], f)
		}
	}
	var out []store.StatsGroup
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range by {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, referenceStats(k, by[k]))
	}
	return out
}

func TestTraceStatsGroupsMatchReference(t *testing.T) {
	st, fx := fill(t, 60)
	ctx := context.Background()
	one := func(f func(fixture) string) func(fixture) []string {
		return func(x fixture) []string { return []string{f(x)} }
	}
	tests := []struct {
		groupBy, filter string
		keep            func(fixture) bool
		keys            func(fixture) []string
	}{
		{"", "", nil, one(func(fixture) string { return "" })},
		{"name", "", nil, one(func(f fixture) string { return f.name })},
		{"tag.env", "", nil, one(func(f fixture) string { return f.env })},
		{"tags.team", "status = 'ERROR'", func(f fixture) bool { return f.failed }, one(func(f fixture) string { return f.team })},
		{"metadata." + spantypes.MetaSession, "tag.env = 'prod'", func(f fixture) bool { return f.env == "prod" }, one(func(f fixture) string { return f.session })},
		{"span_type", "", nil, func(f fixture) []string {
			if f.tool {
				return []string{spantypes.Chain, spantypes.ChatModel, spantypes.Tool}
			}
			return []string{spantypes.Chain, spantypes.ChatModel}
		}},
		{"name", "span.type = 'TOOL'", func(f fixture) bool { return f.tool }, one(func(f fixture) string { return f.name })},
		{"name", "execution_time_ms > 20 AND name RLIKE '^(chat|Agent)'", func(f fixture) bool {
			return f.duration > 20 && (f.name == "chat" || f.name == "Agent Run")
		}, one(func(f fixture) string { return f.name })},
		{"tag.team", "span.name = 'search' AND tag.dotted.key IN ('prod', 'dev')", func(f fixture) bool { return f.tool }, one(func(f fixture) string { return f.team })},
		{"minute", "", nil, one(func(f fixture) string {
			return time.UnixMilli(f.start).UTC().Truncate(time.Minute).Format(time.RFC3339)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.groupBy+" "+tt.filter, func(t *testing.T) {
			var kept []fixture
			for _, f := range fx {
				if tt.keep == nil || tt.keep(f) {
					kept = append(kept, f)
				}
			}
			want := groupFixtures(kept, tt.keys)
			res, err := st.TraceStats(ctx, store.StatsOptions{GroupBy: tt.groupBy, Filter: tt.filter})
			require.NoError(t, err)
			for i := range res.Groups {
				res.Groups[i].BucketStart = time.Time{} // checked by the exact test
			}
			require.Equal(t, want, res.Groups)
		})
	}
}

// statsTrace is a trace of one CHAIN span (and a TOOL span when tool is set).
func statsTrace(id, name string, startMS, ms int64, state tracedata.State, usage string, tool bool) *tracedata.Trace {
	tr := &tracedata.Trace{Info: tracedata.TraceInfo{
		TraceID: id, ExperimentID: "0", TimestampMS: startMS, ExecutionTimeMS: ms, State: state,
		Tags: map[string]string{"env": "prod"}, Metadata: map[string]string{},
	}}
	if name != "" {
		tr.Info.Tags[spantypes.TagTraceName] = name
	}
	if usage != "" {
		tr.Info.Metadata[spantypes.MetaTokenUsage] = usage
	}
	tr.Spans = []tracedata.Span{{TraceID: id, SpanID: "0000000000000001", Name: name,
		Attributes: map[string]string{spantypes.KeySpanType: `"CHAIN"`}}}
	if tool {
		tr.Spans = append(tr.Spans, tracedata.Span{TraceID: id, SpanID: "0000000000000002", ParentID: "0000000000000001",
			Name: "t", Attributes: map[string]string{spantypes.KeySpanType: `"TOOL"`}})
	}
	return tr
}

func TestTraceStatsExact(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "stats.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 23, 59, 30, 0, time.UTC).UnixMilli()
	var traces []*tracedata.Trace
	// "a": ten traces of 10..100ms, the 3rd and 7th failed, all but the last two with tokens.
	for i := range 10 {
		state := tracedata.StateOK
		if i == 2 || i == 6 {
			state = tracedata.StateError
		}
		usage := fmt.Sprintf(`{"input_tokens":%d,"output_tokens":%d,"total_tokens":%d}`, i, 2*i, 3*i)
		switch i {
		case 8:
			usage = "not json" // counts as none
		case 9:
			usage = "[1,2]" // not an object: none
		}
		// Stored out of duration order, so that the percentiles depend on the sort.
		tr := statsTrace(fmt.Sprintf("tr-a-%d", i), "a", t0+int64(i)*10_000, int64(100-10*i), state, usage, i%2 == 0)
		// Costs on four odd traces; two of them are no cost.
		if cost := map[int]string{
			1: `{"input_cost":0.125,"output_cost":0.25,"total_cost":0.375}`,
			3: `{"input_cost":0.5,"output_cost":1}`, // no total: input + output
			5: "not json",
			7: `"0.5"`, // not an object
		}[i]; cost != "" {
			tr.Info.Metadata[spantypes.MetaCost] = cost
		}
		traces = append(traces, tr)
	}
	// "b": one trace with a usage lacking its total, and a cost that has only its total.
	b := statsTrace("tr-b", "b", t0+3_600_000, 7, tracedata.StateOK, `{"input_tokens":4,"output_tokens":5}`, false)
	b.Info.Metadata[spantypes.MetaCost] = `{"total_cost":2}`
	traces = append(traces, b)
	// A trace without a name.
	traces = append(traces, statsTrace("tr-none", "", t0+2*86_400_000, 55, tracedata.StateError, "", false))
	require.NoError(t, st.ExportBatch(ctx, traces))

	// Durations of a: 10 20 ... 100. p50 = rank 5 = 50; p95 = rank ceil(9.5) = 10 = 100.
	// Tokens of i = 0..7: input 28, output 56, total 84. Costs of i = 1 and 3: input
	// 0.125 + 0.5, output 0.25 + 1, total 0.375 + 1.5 (binary fractions: exact sums).
	a := store.StatsGroup{Key: "a", Traces: 10, Errors: 2, ErrorRate: 0.2, P50MS: 50, P95MS: 100, P99MS: 100,
		TracesWithTokens: 8, InputTokens: 28, OutputTokens: 56, TotalTokens: 84,
		TracesWithCost: 2, InputCost: 0.625, OutputCost: 1.25, TotalCost: 1.875}
	bg := store.StatsGroup{Key: "b", Traces: 1, P50MS: 7, P95MS: 7, P99MS: 7,
		TracesWithTokens: 1, InputTokens: 4, OutputTokens: 5, TotalTokens: 9,
		TracesWithCost: 1, TotalCost: 2}
	none := store.StatsGroup{Missing: true, Traces: 1, Errors: 1, ErrorRate: 1, P50MS: 55, P95MS: 55, P99MS: 55}
	res, err := st.TraceStats(ctx, store.StatsOptions{GroupBy: "name"})
	require.NoError(t, err)
	require.Equal(t, store.StatsResult{GroupBy: "name", Groups: []store.StatsGroup{a, bg, none}}, res)

	// Ungrouped: 12 traces; durations 7 10 20 ... 50 55 60 ... 100: p50 = rank 6 = 50,
	// p95 = rank 12 = 100, p99 = rank 12.
	res, err = st.TraceStats(ctx, store.StatsOptions{})
	require.NoError(t, err)
	require.Equal(t, []store.StatsGroup{{Traces: 12, Errors: 3, ErrorRate: 0.25, P50MS: 50, P95MS: 100, P99MS: 100,
		TracesWithTokens: 9, InputTokens: 32, OutputTokens: 61, TotalTokens: 93,
		TracesWithCost: 3, InputCost: 0.625, OutputCost: 1.25, TotalCost: 3.875}}, res.Groups)

	// Span types: every trace has a CHAIN span, the even traces of a a TOOL span
	// (durations 100 80 60 40 20, two failed: i = 2, 6), none of them with a cost.
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "span_type", Filter: "name = 'a'"})
	require.NoError(t, err)
	chain := a
	chain.Key = "CHAIN"
	tool := store.StatsGroup{Key: "TOOL", Traces: 5, Errors: 2, ErrorRate: 0.4, P50MS: 60, P95MS: 100, P99MS: 100,
		TracesWithTokens: 4, InputTokens: 0 + 2 + 4 + 6, OutputTokens: 24, TotalTokens: 36}
	require.Equal(t, []store.StatsGroup{chain, tool}, res.Groups)

	// Time buckets, UTC: a's traces start at 23:59:30 + 10s steps, so they straddle midnight.
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "day"})
	require.NoError(t, err)
	var keys []string
	var counts []int64
	for _, g := range res.Groups {
		keys = append(keys, g.Key)
		counts = append(counts, g.Traces)
		require.Equal(t, g.Key, g.BucketStart.Format(time.RFC3339))
	}
	require.Equal(t, []string{"2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"}, keys)
	require.Equal(t, []int64{3, 8, 1}, counts)
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "minute", Filter: "name = 'a'"})
	require.NoError(t, err)
	require.Len(t, res.Groups, 3) // 23:59 (3), 00:00 (6), 00:01 (1)
	require.Equal(t, "2026-03-02T00:01:00Z", res.Groups[2].Key)
	require.Equal(t, int64(1), res.Groups[2].Traces)
	// b starts at 00:59:30, in a's second hour.
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "hour"})
	require.NoError(t, err)
	keys, counts = nil, nil
	for _, g := range res.Groups {
		keys = append(keys, g.Key)
		counts = append(counts, g.Traces)
	}
	require.Equal(t, []string{"2026-03-01T23:00:00Z", "2026-03-02T00:00:00Z", "2026-03-03T23:00:00Z"}, keys)
	require.Equal(t, []int64{3, 8, 1}, counts)

	// Tag and metadata groups; the metadata key only some traces have.
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "metadata." + spantypes.MetaTokenUsage, Filter: "name = 'b'"})
	require.NoError(t, err)
	require.Equal(t, []string{`{"input_tokens":4,"output_tokens":5}`}, []string{res.Groups[0].Key})
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "tag.env", ExperimentIDs: []string{"0"}})
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	require.Equal(t, int64(12), res.Groups[0].Traces)

	// No match: no group, no error.
	for _, q := range []store.StatsOptions{{Filter: "tag.env = 'nowhere'"}, {GroupBy: "name", ExperimentIDs: []string{"nope"}}, {GroupBy: "tag.absent", Filter: "name = 'zzz'"}} {
		res, err = st.TraceStats(ctx, q)
		require.NoError(t, err)
		require.Empty(t, res.Groups, "%+v", q)
	}
}

func TestTraceStatsErrors(t *testing.T) {
	st, _ := fill(t, 3)
	ctx := context.Background()
	_, err := st.TraceStats(ctx, store.StatsOptions{Filter: "status = "})
	var fe *store.FilterError
	require.True(t, errors.As(err, &fe), "%v", err)
	for _, g := range []string{"week", "tag.", "metadata.", "span.name", "models"} {
		_, err := st.TraceStats(ctx, store.StatsOptions{GroupBy: g})
		require.Error(t, err, g)
	}
}

func TestParseGroupBy(t *testing.T) {
	for in, want := range map[string][2]string{
		"":                   {"", ""},
		"Name":               {"name", ""},
		"span_type":          {"span_type", ""},
		"span.type":          {"span_type", ""},
		"tag.Env.Sub":        {"tag", "Env.Sub"},
		"TAGS.env":           {"tag", "env"},
		"metadata.a.b":       {"metadata", "a.b"},
		"request_metadata.x": {"metadata", "x"},
		" Hour ":             {"hour", ""},
		"day":                {"day", ""},
		"minute":             {"minute", ""},
		"MODEL":              {"model", ""},
	} {
		kind, key, err := store.ParseGroupBy(in)
		require.NoError(t, err, in)
		require.Equal(t, want, [2]string{kind, key}, in)
	}
}

func TestTraceStatsByModel(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "stats.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	withModels := func(tr *tracedata.Trace, models ...string) *tracedata.Trace {
		for i, m := range models {
			tr.Spans = append(tr.Spans, tracedata.Span{TraceID: tr.Info.TraceID, SpanID: fmt.Sprintf("%016x", 10+i),
				ParentID: "0000000000000001", Name: "llm", Attributes: map[string]string{
					spantypes.KeySpanType: `"CHAT_MODEL"`, spantypes.KeyLLMModel: `"` + m + `"`}})
		}
		return tr
	}
	withCost := func(tr *tracedata.Trace, usage, cost string) *tracedata.Trace {
		tr.Info.Metadata[spantypes.MetaTokenUsage] = usage
		tr.Info.Metadata[spantypes.MetaCost] = cost
		return tr
	}
	require.NoError(t, st.ExportBatch(ctx, []*tracedata.Trace{
		// Two calls of gpt-4o and one of gpt-4o-mini: the trace counts once in each, with
		// its whole tokens and cost.
		withCost(withModels(statsTrace("tr-1", "a", 1000, 30, tracedata.StateOK, "", false), "gpt-4o", "gpt-4o-mini", "gpt-4o"),
			`{"input_tokens":300,"output_tokens":30,"total_tokens":330}`, `{"input_cost":0.75,"output_cost":0.25,"total_cost":1}`),
		withCost(withModels(statsTrace("tr-2", "a", 2000, 10, tracedata.StateError, "", false), "gpt-4o"),
			`{"input_tokens":100,"output_tokens":10,"total_tokens":110}`, `{"input_cost":0.25,"output_cost":0.125,"total_cost":0.375}`),
		statsTrace("tr-3", "a", 3000, 20, tracedata.StateOK, "", true),
	}))
	res, err := st.TraceStats(ctx, store.StatsOptions{GroupBy: "model"})
	require.NoError(t, err)
	require.Equal(t, []store.StatsGroup{
		{Key: "gpt-4o", Traces: 2, Errors: 1, ErrorRate: 0.5, P50MS: 10, P95MS: 30, P99MS: 30,
			TracesWithTokens: 2, InputTokens: 400, OutputTokens: 40, TotalTokens: 440,
			TracesWithCost: 2, InputCost: 1, OutputCost: 0.375, TotalCost: 1.375},
		{Key: "gpt-4o-mini", Traces: 1, P50MS: 30, P95MS: 30, P99MS: 30,
			TracesWithTokens: 1, InputTokens: 300, OutputTokens: 30, TotalTokens: 330,
			TracesWithCost: 1, InputCost: 0.75, OutputCost: 0.25, TotalCost: 1},
		{Missing: true, Traces: 1, P50MS: 20, P95MS: 20, P99MS: 20},
	}, res.Groups)
	res, err = st.TraceStats(ctx, store.StatsOptions{GroupBy: "model", Filter: "status = 'OK'"})
	require.NoError(t, err)
	require.Len(t, res.Groups, 3)
	require.Equal(t, int64(1), res.Groups[0].Traces)
}
