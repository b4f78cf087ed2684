package webui_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/webui"
	"github.com/agentlens/agentlens/internal/webui/uitest"
)

// benchFixture is a store of n small traces (and one of wideSpans spans), made once per
// benchmark: the issue asks for the list's first page in under 100 ms with 100,000 traces
// and a 10,000-span trace's view in under 1 s.
func benchFixture(b *testing.B, n, wideSpans int) (*fixture, string) {
	b.Helper()
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	t0 := time.Now()
	batch := make([]*tracedata.Trace, 0, 1000)
	for i := range n {
		tr := uitest.SessionTraces(i, "s-"+string(rune('a'+i%26)), int64(i)*1000, [2]string{"question", "answer"})[0]
		tr.Info.Tags["env"] = []string{"dev", "prod"}[i%2]
		batch = append(batch, tr)
		if len(batch) == cap(batch) || i == n-1 {
			require.NoError(b, st.ExportBatch(context.Background(), batch))
			batch = batch[:0]
		}
	}
	wide := uitest.WideTrace(n+1, wideSpans)
	require.NoError(b, st.Export(context.Background(), wide))
	b.Logf("stored %d traces and a %d-span trace in %v", n, wideSpans, time.Since(t0).Round(time.Millisecond))
	srv, err := webui.New(st)
	require.NoError(b, err)
	return &fixture{st: st, srv: srv}, wide.Info.TraceID
}

func BenchmarkListFirstPage100k(b *testing.B) {
	f, _ := benchFixture(b, 100000, 10)
	for _, tc := range []struct{ name, query string }{
		{"newest", "/api/traces"},
		{"by_duration", "/api/traces?order_by=execution_time_ms+DESC"},
		{"tag_filter", "/api/traces?filter=tag.env+%3D+%27prod%27"},
		{"page_html", "/"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := f.do(b, http.MethodGet, tc.query, nil, nil)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", tc.query, w.Code, w.Body.String())
				}
			}
		})
	}
}

func BenchmarkTraceView10kSpans(b *testing.B) {
	f, id := benchFixture(b, 10, 10000)
	for _, tc := range []struct{ name, path string }{
		{"tree", "/api/traces/" + id},
		{"span_detail", "/api/traces/" + id + "/spans/0000000000002710"},
		{"page_html", "/traces/" + id},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := f.do(b, http.MethodGet, tc.path, nil, nil)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", tc.path, w.Code, w.Body.String())
				}
			}
		})
	}
}
