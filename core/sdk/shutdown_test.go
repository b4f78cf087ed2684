package sdk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// stuckDest takes every export and never returns until release is closed, whatever ctx says;
// it counts the exports that started and those that returned.
type stuckDest struct {
	release           chan struct{}
	started, returned atomic.Int64
}

func newStuckDest() *stuckDest { return &stuckDest{release: make(chan struct{})} }

func (d *stuckDest) Name() string { return "stuck" }

func (d *stuckDest) Export(context.Context, *tracedata.Trace) error {
	d.started.Add(1)
	defer d.returned.Add(1)
	<-d.release
	return nil
}

// delayDest takes delay per export, honouring ctx.
type delayDest struct {
	sdk.MemoryDestination
	delay time.Duration
}

func (d *delayDest) Export(ctx context.Context, t *tracedata.Trace) error {
	select {
	case <-time.After(d.delay):
		return d.MemoryDestination.Export(ctx, t)
	case <-ctx.Done():
		return ctx.Err()
	}
}

var quiet = sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

// within fails the test unless f returns before limit: a guard against hanging, far above
// what f is expected to take.
func within(t *testing.T, limit time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("%s did not return within %v", what, limit)
	}
}

// Shutdown without a deadline ends at the shutdown timeout even when a destination ignores
// ctx, and counts what it left: the export in flight as failed, the queued traces as dropped.
// The other destination still gets every trace, and nothing is counted twice when the stuck
// export returns later.
func TestShutdownWithoutDeadlineIsBounded(t *testing.T) {
	stuck := newStuckDest()
	mem := sdk.NewMemoryDestination()
	require.NoError(t, sdk.Configure(sdk.WithDestinations(stuck, mem), sdk.WithShutdownTimeout(300*time.Millisecond), quiet))
	runTraces(8)

	var err error
	within(t, 20*time.Second, "Shutdown(context.Background())", func() { err = sdk.Shutdown(context.Background()) })
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "8 trace(s) left undelivered")

	assert.Len(t, mem.Traces(), 8, "the healthy destination")
	st := sdk.GetStats()
	require.Len(t, st.Destinations, 2)
	assert.Equal(t, sdk.DestinationStats{Name: "stuck", Failed: 1, Dropped: 7}, st.Destinations[0])
	assert.Equal(t, uint64(8), st.Destinations[1].Exported)
	assert.Equal(t, uint64(8), st.Exported)
	assert.Equal(t, uint64(1), st.Failed)
	assert.Equal(t, uint64(7), st.Dropped)
	assert.Equal(t, int64(1), stuck.started.Load(), "exports started")

	// The abandoned export returns; its goroutine ends and counts nothing more.
	close(stuck.release)
	require.Eventually(t, func() bool { return stuck.returned.Load() == 1 }, 10*time.Second, time.Millisecond)
	goleak.VerifyNone(t)
	assert.Equal(t, st, sdk.GetStats())
	assert.Equal(t, int64(1), stuck.started.Load(), "no export after Shutdown")
}

// A slow destination that keeps up within the shutdown timeout loses nothing.
func TestShutdownDeliversWhatFitsInTheTimeout(t *testing.T) {
	slow := &delayDest{delay: 20 * time.Millisecond}
	require.NoError(t, sdk.Configure(sdk.WithDestinations(slow), quiet))
	runTraces(8)
	require.NoError(t, sdk.Shutdown(context.Background()))
	assert.Len(t, slow.Traces(), 8)
	st := sdk.GetStats()
	assert.Equal(t, uint64(8), st.Exported)
	assert.Zero(t, st.Dropped+st.Failed)
}

// With a deadline, Shutdown ends at it; a destination that honours ctx has its export
// cancelled and counted failed, the rest of its queue dropped.
func TestShutdownDeadlineCancelsExports(t *testing.T) {
	slow := &delayDest{delay: time.Hour}
	require.NoError(t, sdk.Configure(sdk.WithDestinations(slow), quiet))
	runTraces(3)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := sdk.Shutdown(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "left undelivered")
	goleak.VerifyNone(t) // a ctx-honouring destination leaves no goroutine behind
	// The export in flight is cancelled (failed), the two behind it never attempted.
	st := sdk.GetStats().Destinations[0]
	assert.Equal(t, sdk.DestinationStats{Name: "*sdk_test.delayDest", Failed: 1, Dropped: 2}, st)
	assert.Empty(t, slow.Traces())
}

type stuckShutdown struct {
	sdk.MemoryDestination
	release chan struct{}
}

func (d *stuckShutdown) Shutdown(context.Context) error {
	<-d.release
	return nil
}

// A destination whose Shutdown ignores ctx does not hold Shutdown past the deadline.
func TestStuckDestinationShutdownIsBounded(t *testing.T) {
	d := &stuckShutdown{release: make(chan struct{})}
	defer close(d.release)
	require.NoError(t, sdk.Configure(sdk.WithDestinations(d), sdk.WithShutdownTimeout(100*time.Millisecond), quiet))
	runTraces(2)
	var err error
	within(t, 20*time.Second, "Shutdown", func() { err = sdk.Shutdown(context.Background()) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "still shutting down at the deadline")
	assert.Len(t, d.Traces(), 2, "the traces were delivered before the destination's Shutdown")
}

// Configure does not wait for the configuration it replaces, however stuck its destination;
// Flush and Shutdown do, up to their deadline.
func TestConfigureDoesNotWaitForTheOldConfiguration(t *testing.T) {
	stuck := newStuckDest()
	old := sdk.NewMemoryDestination()
	require.NoError(t, sdk.Configure(sdk.WithDestinations(old, stuck), sdk.WithShutdownTimeout(time.Hour), quiet))
	runTraces(2)
	require.Eventually(t, func() bool { return stuck.started.Load() == 1 }, 10*time.Second, time.Millisecond)

	next := sdk.NewMemoryDestination()
	within(t, 20*time.Second, "Configure", func() { require.NoError(t, sdk.Configure(sdk.WithDestinations(next), quiet)) })
	runTraces(1)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := sdk.Flush(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "replaced configuration is still shutting down")

	close(stuck.release)
	require.NoError(t, sdk.Flush(context.Background()))
	assert.Len(t, old.Traces(), 2, "Flush waited for the old configuration's deliveries")
	assert.Len(t, next.Traces(), 1)
	require.NoError(t, sdk.Shutdown(context.Background()))
	goleak.VerifyNone(t)
}

// Reading traces back waits for the destination read, not for a stuck one beside it.
func TestGetTraceDoesNotWaitForOtherDestinations(t *testing.T) {
	stuck := newStuckDest()
	mem := sdk.NewMemoryDestination()
	restore, err := sdk.Override(sdk.WithDestinations(stuck, mem), quiet)
	require.NoError(t, err)
	defer restore()
	defer close(stuck.release) // before restore, which flushes
	runTraces(3)
	_, root := core.StartSpan(context.Background(), "wanted")
	root.End()
	id := root.TraceID()

	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr, err := sdk.GetTrace(rctx, id)
	require.NoError(t, err)
	assert.Equal(t, "wanted", tr.Spans[0].Name)
	_, err = sdk.GetTrace(rctx, strings.Repeat("0", 32))
	assert.ErrorIs(t, err, sdk.ErrTraceNotFound)
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
}
