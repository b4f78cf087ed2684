package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
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

// BenchmarkSearchByTag runs a tag filter over a store of 100k traces (built once per run,
// in batches), returning the default page of the newest 100.
func BenchmarkSearchByTag(b *testing.B) {
	const n = 100_000
	path := filepath.Join(os.TempDir(), fmt.Sprintf("agentlens-bench-%d.db", os.Getpid()))
	defer os.Remove(path)
	defer os.Remove(path + "-wal")
	defer os.Remove(path + "-shm")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for start := 0; start < n; start += 5000 {
		batch := make([]*tracedata.Trace, 0, 5000)
		for i := start; i < start+5000; i++ {
			t := handMadeTrace(fmt.Sprintf("tr-search-%09d", i), 3)
			t.Info.TimestampMS = int64(1_700_000_000_000 + i)
			t.Info.Tags["customer"] = fmt.Sprintf("c-%d", i%1000) // 100 traces each
			t.Info.Tags["env"] = []string{"prod", "dev", "staging", "test"}[i%4]
			batch = append(batch, t)
		}
		if err := st.ExportBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	for _, filter := range []string{"tag.customer = 'c-42'", "tag.env = 'prod'", "tag.env = 'staging' AND tag.customer = 'c-42'"} {
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
