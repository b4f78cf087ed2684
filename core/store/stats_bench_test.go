package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// BenchmarkTraceStats computes the statistics of a store of 100k traces of 3 spans (built
// once, in batches): 4 names, 4 envs, durations 0..999ms, one in 10 failed, three in four
// with a token usage, one in two with a cost, one of 3 models, one trace a second.
func BenchmarkTraceStats(b *testing.B) {
	const n = 100_000
	st, err := store.Open(filepath.Join(b.TempDir(), "stats.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const t0 = 1_700_000_000_000
	for start := 0; start < n; start += 5000 {
		batch := make([]*tracedata.Trace, 0, 5000)
		for i := start; i < start+5000; i++ {
			t := handMadeTrace(fmt.Sprintf("tr-stats-%09d", i), 3)
			t.Info.TimestampMS = int64(t0 + i*1000)
			t.Info.ExecutionTimeMS = int64(i * 7919 % 1000)
			t.Info.Tags[spantypes.TagTraceName] = []string{"chat", "plan", "search", "answer"}[i%4]
			t.Info.Tags["env"] = []string{"prod", "dev", "staging", "test"}[i/4%4]
			t.Spans[1].Attributes[spantypes.KeyLLMModel] = []string{`"gpt-4o"`, `"gpt-4o-mini"`, `"claude-sonnet-4"`}[i%3]
			if i%10 == 0 {
				t.Info.State = tracedata.StateError
			}
			if i%4 != 0 {
				t.Info.Metadata[spantypes.MetaTokenUsage] = string(tracedata.TokenUsage{InputTokens: int64(i % 100), OutputTokens: 10, TotalTokens: int64(i%100 + 10)}.AppendJSON(nil))
			}
			if i%2 == 0 {
				t.Info.Metadata[spantypes.MetaCost] = string(tracedata.Cost{InputCost: float64(i%100) * 2.5e-6, OutputCost: 1e-4}.AppendJSON(nil))
			}
			batch = append(batch, t)
		}
		if err := st.ExportBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	for _, o := range []store.StatsOptions{
		{},
		{GroupBy: "name"},
		{GroupBy: "tag.env"},
		{GroupBy: "span_type"},
		{GroupBy: "hour"},
		{GroupBy: "model"},
		{GroupBy: "name", Filter: "tag.env = 'prod'"},
		{GroupBy: "day", Filter: "execution_time_ms > 500 AND status = 'ERROR'"},
	} {
		b.Run(fmt.Sprintf("group=%s/filter=%s", o.GroupBy, o.Filter), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				res, err := st.TraceStats(ctx, o)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Groups) == 0 {
					b.Fatal("no group")
				}
			}
		})
	}
}
