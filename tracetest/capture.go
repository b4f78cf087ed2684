package tracetest

import (
	"context"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// Recorder holds the traces finished while it captures.
type Recorder struct {
	tb  testing.TB
	mem *sdk.MemoryDestination
}

// Capture routes every trace finished from now until the end of the test to memory only,
// with tracing enabled, and restores the previous configuration (and enabled state) when the
// test ends. opts are applied on top, e.g. sdk.WithTraceTimeout or sdk.WithCaptureContent.
func Capture(tb testing.TB, opts ...sdk.Option) *Recorder {
	tb.Helper()
	rec := &Recorder{tb: tb, mem: sdk.NewMemoryDestination()}
	restore, err := sdk.Override(append([]sdk.Option{sdk.WithDestinations(rec.mem)}, opts...)...)
	if err != nil {
		tb.Fatalf("tracetest: %v", err)
	}
	wasEnabled := sdk.Enabled()
	sdk.Enable()
	tb.Cleanup(func() {
		restore()
		if !wasEnabled {
			sdk.Disable()
		}
	})
	return rec
}

// Traces waits for pending exports and returns the traces finished so far, in completion order.
func (r *Recorder) Traces() []*tracedata.Trace {
	r.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sdk.Flush(ctx); err != nil {
		r.tb.Fatalf("tracetest: %v", err)
	}
	return r.mem.Traces()
}

// LastTrace returns the most recently finished trace; the test fails if there is none.
func (r *Recorder) LastTrace() *tracedata.Trace {
	r.tb.Helper()
	ts := r.Traces()
	if len(ts) == 0 {
		r.tb.Fatalf("tracetest: no trace was recorded")
	}
	return ts[len(ts)-1]
}

// Reset forgets the traces recorded so far.
func (r *Recorder) Reset() {
	r.Traces()
	r.mem.Reset()
}
