package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// Latency percentiles, errors, tokens and cost of the traces of each name.
func ExampleStore_TraceStats() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "stats-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "agentlens.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	for i, ms := range []int64{120, 80, 950, 300} {
		info := tracedata.TraceInfo{TraceID: fmt.Sprintf("tr-%d", i), State: tracedata.StateOK, ExecutionTimeMS: ms,
			Tags:     map[string]string{spantypes.TagTraceName: "answer"},
			Metadata: map[string]string{spantypes.MetaTokenUsage: `{"input_tokens":20,"output_tokens":5,"total_tokens":25}`}}
		if i < 2 { // two of them priced
			info.Metadata[spantypes.MetaCost] = `{"input_cost":0.00005,"output_cost":0.00005,"total_cost":0.0001}`
		}
		if i == 2 {
			info.State = tracedata.StateError
			info.Tags[spantypes.TagTraceName] = "plan"
			delete(info.Metadata, spantypes.MetaTokenUsage)
		}
		_ = st.Export(ctx, &tracedata.Trace{Info: info})
	}

	res, err := st.TraceStats(ctx, store.StatsOptions{GroupBy: "name"})
	if err != nil {
		panic(err)
	}
	for _, g := range res.Groups {
		fmt.Printf("%s: %d traces, %d errors, p50 %dms p95 %dms, %d tokens from %d traces, $%.4f from %d\n",
			g.Key, g.Traces, g.Errors, g.P50MS, g.P95MS, g.TotalTokens, g.TracesWithTokens, g.TotalCost, g.TracesWithCost)
	}
	// Output:
	// answer: 3 traces, 0 errors, p50 120ms p95 300ms, 75 tokens from 3 traces, $0.0002 from 2
	// plan: 1 traces, 1 errors, p50 950ms p95 950ms, 0 tokens from 0 traces, $0.0000 from 0
}
