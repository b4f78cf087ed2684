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

// BenchmarkIngest stores traces of 10 spans: one per transaction (Export), and in batches of
// up to 256 (ExportBatch, what the export pipeline does when traces queue up).
func BenchmarkIngest(b *testing.B) {
	for _, batch := range []int{1, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			st, err := store.Open(filepath.Join(b.TempDir(), "ingest.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			traces := make([]*tracedata.Trace, b.N)
			for i := range traces {
				traces[i] = handMadeTrace(fmt.Sprintf("tr-ingest-%09d", i), 10)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for start := 0; start < len(traces); start += batch {
				if err := st.ExportBatch(ctx, traces[start:min(start+batch, len(traces))]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(10*b.N)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}

// BenchmarkSearch runs filters over stores of 10k and 100k traces (built once per size, in
// batches), returning the default page of the newest 100.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("traces=%d", n), func(b *testing.B) { benchmarkSearch(b, n) })
	}
}

func benchmarkSearch(b *testing.B, n int) {
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const t0 = 1_700_000_000_000
	for start := 0; start < n; start += 5000 {
		batch := make([]*tracedata.Trace, 0, 5000)
		for i := start; i < start+5000; i++ {
			t := handMadeTrace(fmt.Sprintf("tr-search-%09d", i), 3)
			t.Info.TimestampMS = int64(t0 + i)
			t.Info.Tags["customer"] = fmt.Sprintf("c-%d", i%1000) // n/1000 traces each
			t.Info.Tags["env"] = []string{"prod", "dev", "staging", "test"}[i%4]
			t.Info.Metadata[spantypes.MetaSession] = fmt.Sprintf("s-%d", i%500)
			if i%1000 == 7 {
				t.Spans[2].Name = "rare-step" // n/1000 traces
			}
			batch = append(batch, t)
		}
		if err := st.ExportBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	for _, filter := range []string{
		"tag.customer = 'c-42'",
		"tag.env = 'prod'",
		"tag.env = 'staging' AND tag.customer = 'c-42'",
		"metadata.mlflow.trace.session = 's-7'",
		fmt.Sprintf("timestamp_ms >= %d", t0+n/2),
		"tag.env = 'prod' AND execution_time_ms >= 0",
		"name RLIKE '^root'",
		"span.name = 'span-1'", // every trace
		"span.type = 'TOOL'",   // every trace
		"span.name = 'rare-step'",
		"span.name LIKE 'rare%'",
	} {
		b.Run(filter, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: filter})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Traces) == 0 {
					b.Fatal("no match")
				}
			}
		})
	}
}
