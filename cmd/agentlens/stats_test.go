package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/treeview"
	"github.com/agentlens/agentlens/spantypes"
)

// statsFixture is the fixture with four more "answer question" traces, so that its group
// has percentiles to tell apart: durations 100ms, 200ms, 300ms (failed), 2s beside the 1.5s
// of the first, two of them with tokens, the 2s one naming its model. The 2s and 300ms
// traces have a cost (binary fractions of a dollar, so that sums are exact); the 300ms
// one's lacks its total, which counts as input + output.
func statsFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t)
	st, err := store.Open(f.path)
	require.NoError(t, err)
	defer st.Close()
	for i, ms := range []int64{2000, 100, 300, 200} {
		id := fmt.Sprintf("tr-stats-%d", i)
		tr := &tracedata.Trace{Info: tracedata.TraceInfo{
			TraceID: id, ExperimentID: "0", TimestampMS: at(0).UnixMilli() + int64(i+1)*60_000, ExecutionTimeMS: ms,
			State: tracedata.StateOK, Tags: map[string]string{spantypes.TagTraceName: "answer question", "env": "prod"},
			Metadata: map[string]string{},
		}, Spans: []tracedata.Span{{TraceID: id, SpanID: "0000000000000001", Name: "answer question",
			Attributes: map[string]string{spantypes.KeySpanType: `"CHAIN"`}}}}
		switch ms {
		case 300:
			tr.Info.State = tracedata.StateError
			tr.Info.Metadata[spantypes.MetaCost] = `{"input_cost":0.125,"output_cost":0.0625}`
		case 2000:
			tr.Info.Metadata[spantypes.MetaTokenUsage] = `{"input_tokens":10,"output_tokens":5,"total_tokens":15}`
			tr.Info.Metadata[spantypes.MetaCost] = `{"input_cost":0.5,"output_cost":0.25,"total_cost":0.75}`
			tr.Spans[0].Attributes[spantypes.KeyLLMModel] = `"gpt-4o"`
		case 100:
			tr.Info.Metadata[spantypes.MetaTokenUsage] = `{"input_tokens":1,"output_tokens":2,"total_tokens":3}`
		}
		require.NoError(t, st.Export(context.Background(), tr))
	}
	return f
}

func TestStatsGroupByName(t *testing.T) {
	f := statsFixture(t)
	r := f.run(t, 0, "", "traces", "stats", "--group-by", "name")
	// answer question: durations 100 200 300 1500 2000ms; p50 is rank ceil(2.5) = 3, p95
	// and p99 rank 5. Its cost: $0.5 + $0.125 in, $0.25 + $0.0625 out, $0.75 + $0.1875 in
	// all. The chat trace's name is shown escaped.
	want := "" +
		"NAME                     TRACES  ERRORS  ERROR RATE  P50    P95    P99    WITH TOKENS  INPUT  OUTPUT  TOTAL  WITH COST  INPUT $  OUTPUT $  TOTAL $\n" +
		"answer question          5       1       20.0%       300ms  2s     2s     3            41     19      60     2          0.625    0.3125    0.9375\n" +
		`chat \x1b[31mred\x1b[0m  1       0       0.0%        3.2s   3.2s   3.2s   1            5      7       12     0          0        0         0` + "\n" +
		"lookup weather           1       1       100.0%      250ms  250ms  250ms  0            0      0       0      0          0        0         0\n"
	require.Equal(t, want, r.stdout)
	require.Empty(t, r.stderr)
}

func TestStatsJSONAndCSV(t *testing.T) {
	f := statsFixture(t)
	r := f.run(t, 0, "", "traces", "stats", "--group-by", "tag.env", "--output", "json")
	var got struct {
		GroupBy string           `json:"group_by"`
		Groups  []statsGroupJSON `json:"groups"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	str := func(s string) *string { return &s }
	require.Equal(t, "tag.env", got.GroupBy)
	require.Equal(t, []statsGroupJSON{
		{Key: str("dev"), StatsGroup: store.StatsGroup{Traces: 1, Errors: 1, ErrorRate: 1, P50MS: 250, P95MS: 250, P99MS: 250}},
		{Key: str("prod"), StatsGroup: store.StatsGroup{Traces: 5, Errors: 1, ErrorRate: 0.2, P50MS: 300, P95MS: 2000, P99MS: 2000,
			TracesWithTokens: 3, InputTokens: 41, OutputTokens: 19, TotalTokens: 60,
			TracesWithCost: 2, InputCost: 0.625, OutputCost: 0.3125, TotalCost: 0.9375}},
		{Key: str("staging"), StatsGroup: store.StatsGroup{Traces: 1, P50MS: 3200, P95MS: 3200, P99MS: 3200,
			TracesWithTokens: 1, InputTokens: 5, OutputTokens: 7, TotalTokens: 12}},
	}, got.Groups)

	// The traces without the session id form the missing group, last.
	r = f.run(t, 0, "", "traces", "stats", "--group-by", "metadata."+spantypes.MetaSession, "--output", "csv")
	require.Equal(t, ""+
		"key,missing,traces,errors,error_rate,p50_ms,p95_ms,p99_ms,traces_with_tokens,input_tokens,output_tokens,total_tokens,traces_with_cost,input_cost,output_cost,total_cost\n"+
		"session-42,false,1,0,0,1500,1500,1500,1,30,12,42,0,0,0,0\n"+
		",true,6,2,0.3333333333333333,250,3200,3200,3,16,14,30,2,0.625,0.3125,0.9375\n", r.stdout)

	// Ungrouped: seven traces, durations 100 200 250 300 1500 2000 3200ms.
	r = f.run(t, 0, "", "traces", "stats", "--output", "csv")
	require.Equal(t, ""+
		"traces,errors,error_rate,p50_ms,p95_ms,p99_ms,traces_with_tokens,input_tokens,output_tokens,total_tokens,traces_with_cost,input_cost,output_cost,total_cost\n"+
		"7,2,0.2857142857142857,300,3200,3200,4,46,26,72,2,0.625,0.3125,0.9375\n", r.stdout)
}

func TestStatsTableForms(t *testing.T) {
	f := statsFixture(t)
	r := f.run(t, 0, "", "traces", "stats")
	require.Equal(t, ""+
		"TRACES  ERRORS  ERROR RATE  P50    P95   P99   WITH TOKENS  INPUT  OUTPUT  TOTAL  WITH COST  INPUT $  OUTPUT $  TOTAL $\n"+
		"7       2       28.6%       300ms  3.2s  3.2s  4            46     26      72     2          0.625    0.3125    0.9375\n", r.stdout)

	// A trace counts in the group of each span type it has; the filter applies first.
	r = f.run(t, 0, "", "traces", "stats", "--group-by", "span_type", "--filter", "tag.env != 'staging'")
	require.Equal(t, ""+
		"SPAN TYPE   TRACES  ERRORS  ERROR RATE  P50    P95    P99    WITH TOKENS  INPUT  OUTPUT  TOTAL  WITH COST  INPUT $  OUTPUT $  TOTAL $\n"+
		"AGENT       1       1       100.0%      250ms  250ms  250ms  0            0      0       0      0          0        0         0\n"+
		"CHAIN       5       1       20.0%       300ms  2s     2s     3            41     19      60     2          0.625    0.3125    0.9375\n"+
		"CHAT_MODEL  1       0       0.0%        1.5s   1.5s   1.5s   1            30     12      42     0          0        0         0\n"+
		"RETRIEVER   1       0       0.0%        1.5s   1.5s   1.5s   1            30     12      42     0          0        0         0\n"+
		"TOOL        1       1       100.0%      250ms  250ms  250ms  0            0      0       0      0          0        0         0\n", r.stdout)

	r = f.run(t, 0, "", "traces", "stats", "--group-by", "hour", "--filter", "name = 'answer question'")
	require.Equal(t, ""+
		"HOUR (UTC)            TRACES  ERRORS  ERROR RATE  P50    P95  P99  WITH TOKENS  INPUT  OUTPUT  TOTAL  WITH COST  INPUT $  OUTPUT $  TOTAL $\n"+
		"2025-03-14T09:00:00Z  5       1       20.0%       300ms  2s   2s   3            41     19      60     2          0.625    0.3125    0.9375\n", r.stdout)

	// Only the 2s trace names a model; the other six have none (the 300ms one's cost is
	// theirs).
	r = f.run(t, 0, "", "traces", "stats", "--group-by", "model")
	require.Equal(t, ""+
		"MODEL   TRACES  ERRORS  ERROR RATE  P50    P95   P99   WITH TOKENS  INPUT  OUTPUT  TOTAL  WITH COST  INPUT $  OUTPUT $  TOTAL $\n"+
		"gpt-4o  1       0       0.0%        2s     2s    2s    1            10     5       15     1          0.5      0.25      0.75\n"+
		"(none)  6       2       33.3%       250ms  3.2s  3.2s  3            36     21      57     1          0.125    0.0625    0.1875\n", r.stdout)

	for _, out := range []string{"table", "json", "csv"} {
		r = f.run(t, 0, "", "traces", "stats", "--group-by", "name", "--filter", "tag.env = 'nowhere'", "--output", out)
		want := map[string]string{
			"table": "no traces\n",
			"json":  "{\n  \"group_by\": \"name\",\n  \"groups\": []\n}\n",
			"csv":   "key,missing,traces,errors,error_rate,p50_ms,p95_ms,p99_ms,traces_with_tokens,input_tokens,output_tokens,total_tokens,traces_with_cost,input_cost,output_cost,total_cost\n",
		}[out]
		require.Equal(t, want, r.stdout, out)
	}
}

func TestStatsUsageErrors(t *testing.T) {
	f := statsFixture(t)
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--group-by", "week"}, `group-by "week": expected name, tag.KEY, metadata.KEY, span_type, model, minute, hour or day`},
		{[]string{"--group-by", "tag."}, `a key must follow "tag."`},
		{[]string{"--filter", "status = "}, "expected"},
		{[]string{"--output", "xml"}, `--output "xml" is not table, json or csv`},
		{[]string{"extra"}, "traces stats takes no arguments"},
	} {
		r := f.run(t, 2, "", append([]string{"traces", "stats"}, tt.args...)...)
		require.Contains(t, r.stderr, tt.msg, tt.args)
		require.Empty(t, r.stdout)
	}
	r := f.run(t, 1, "", "traces", "stats", "--experiment", "nope")
	require.Contains(t, r.stderr, `no experiment with id or name "nope"`)
}

// TestStatsHelpExamples runs the examples of traces stats --help on the fixture.
func TestStatsHelpExamples(t *testing.T) {
	f := statsFixture(t)
	help := f.run(t, 0, "", "traces", "stats", "--help").stdout
	_, examples, ok := strings.Cut(help, "Examples:\n")
	require.True(t, ok)
	examples, _, _ = strings.Cut(examples, "\n\nFlags:")
	ran := 0
	for _, line := range strings.Split(examples, "\n") {
		args := strings.Fields(strings.TrimSpace(line))
		require.Equal(t, "agentlens", args[0])
		args = shellWords(t, strings.TrimPrefix(strings.TrimSpace(line), "agentlens "))
		r := f.run(t, 0, "", args...)
		require.NotEqual(t, "no traces\n", r.stdout, line)
		ran++
	}
	require.Equal(t, 7, ran)
}

// shellWords splits a command line of words and single- or double-quoted strings.
func shellWords(t *testing.T, line string) []string {
	var out []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if q := line[0]; q == '\'' || q == '"' {
			end := strings.IndexByte(line[1:], q)
			require.GreaterOrEqual(t, end, 0, line)
			out = append(out, line[1:1+end])
			line = line[2+end:]
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		out = append(out, word)
		line = rest
	}
	return out
}

// The table rounds costs to a millionth of a dollar; CSV and JSON keep them whole.
func TestDollars(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 0.0075: "0.0075", 12.5: "12.5", 0.0000046: "0.000005", 0.0000004: "0", -0.0000004: "0",
		0.30000000000000004: "0.3", 1234.5678915: "1234.567892",
	} {
		require.Equal(t, want, treeview.Dollars(v), "%v", v)
	}
	require.Equal(t, "0.0000046", fullDollars(0.0000046))
	require.Equal(t, "0.30000000000000004", fullDollars(0.30000000000000004))
}
