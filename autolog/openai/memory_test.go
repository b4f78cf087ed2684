package openai_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// streamTransport answers every request with the benchmark's stream of 200 chunks, in
// process, so that a thousand streamed calls take little time.
type streamTransport struct{}

func (streamTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}},
		Body:       io.NopCloser(strings.NewReader(strings.Join(benchStreamEvents, ""))),
		Request:    r,
	}, nil
}

// countingDestination counts the traces it gets, as an exporter that sends them elsewhere
// and keeps nothing would.
type countingDestination struct{ n, chunks atomic.Int64 }

func (d *countingDestination) Export(_ context.Context, t *tracedata.Trace) error {
	d.n.Add(1)
	d.chunks.Add(int64(len(t.Spans[0].Events)))
	return nil
}

// TestFinishedTracesHoldNoMemory: 100 streamed traces, each about 150 KB while it is
// assembled, hold under 1 MB between them once they are flushed: keeping as little as 10 KB
// of each (its 200 chunk events alone are more) would fail it.
func TestFinishedTracesHoldNoMemory(t *testing.T) {
	for _, store := range []bool{false, true} {
		name := map[bool]string{false: "exported elsewhere", true: "local store"}[store]
		t.Run(name, func(t *testing.T) {
			dest := &countingDestination{}
			opts := []sdk.Option{sdk.WithDestinations(dest), sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}
			if store {
				opts = append(opts, sdk.WithStore(filepath.Join(t.TempDir(), "traces.db")))
			}
			restore, err := sdk.Override(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			cfg := goopenai.DefaultConfig("sk-test")
			cfg.BaseURL = "http://api.openai.test/v1"
			cfg.HTTPClient = &http.Client{Transport: openai.NewTransport(streamTransport{})}
			client := goopenai.NewClientWithConfig(cfg)
			stream := func() {
				req := benchRequest()
				req.Stream = true
				s, err := client.CreateChatCompletionStream(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				for {
					if _, err := s.Recv(); errors.Is(err, io.EOF) {
						break
					} else if err != nil {
						t.Fatal(err)
					}
				}
				s.Close()
			}
			const warm, n = 10, 100
			for range warm {
				stream()
			}
			before := heapAfterFlush(t)
			for range n {
				stream()
			}
			after := heapAfterFlush(t)
			if got := dest.n.Load(); got != warm+n {
				t.Fatalf("%d traces exported, want %d (stats %+v)", got, warm+n, sdk.GetStats())
			}
			if perTrace := dest.chunks.Load() / (warm + n); perTrace != 200 {
				t.Fatalf("%d chunk events a trace, want 200", perTrace)
			}
			held := int64(after) - int64(before)
			t.Logf("%d streamed traces hold %d bytes after Flush (heap %d -> %d)", n, held, before, after)
			if held > 1<<20 {
				t.Errorf("%d traces hold %d bytes after Flush, want under 1 MB", n, held)
			}
		})
	}
}

// heapAfterFlush flushes the pipeline and returns the live heap after garbage collection
// (twice, so that pooled buffers are let go too).
func heapAfterFlush(t *testing.T) uint64 {
	t.Helper()
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
