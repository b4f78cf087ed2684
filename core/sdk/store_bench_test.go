//go:build !agentlens_nostore

package sdk_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
)

// BenchmarkStoreIngest measures traces of 10 spans going end to end: spans made with
// StartSpan, assembled, and written to the local store by the export pipeline, which batches
// the traces that queue up. spans/s counts stored spans per second of the whole run.
func BenchmarkStoreIngest(b *testing.B) {
	restore, err := sdk.Override(sdk.WithStore(filepath.Join(b.TempDir(), "ingest.db")),
		sdk.WithQueueSize(1<<16), sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	defer restore()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ctx, root := core.StartSpan(context.Background(), "request", core.WithInputs(map[string]any{"n": i}))
		for range 9 {
			_, s := core.StartSpan(ctx, "step", core.WithInputs("in"))
			s.SetOutputs("out")
			s.End()
		}
		root.End()
	}
	if err := sdk.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	st := sdk.GetStats()
	if st.Exported+st.Dropped != uint64(b.N) || st.Failed != 0 {
		b.Fatalf("stats %+v for %d traces", st, b.N)
	}
	b.ReportMetric(float64(10*st.Exported)/b.Elapsed().Seconds(), "spans/s")
	b.ReportMetric(float64(st.Dropped)/float64(b.N), "dropped/op")
}
