package sdk_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// flakyDest fails the first failures exports with a retryable error asking for after, then
// takes traces; it remembers when each attempt came.
type flakyDest struct {
	failures int64
	after    time.Duration
	calls    atomic.Int64

	mu       sync.Mutex
	attempts []time.Time
	got      []string
}

func (d *flakyDest) Name() string { return "flaky" }

func (d *flakyDest) Export(_ context.Context, t *tracedata.Trace) error {
	d.mu.Lock()
	d.attempts = append(d.attempts, time.Now())
	d.mu.Unlock()
	if d.calls.Add(1) <= d.failures {
		return sdk.Retryable(errors.New("503 from the collector"), d.after)
	}
	d.mu.Lock()
	d.got = append(d.got, t.Info.TraceID)
	d.mu.Unlock()
	return nil
}

func TestRetryableFailuresAreRetriedWithBackoff(t *testing.T) {
	d := &flakyDest{failures: 3}
	restore, err := sdk.Override(sdk.WithDestinations(d),
		sdk.WithRetry(sdk.RetryPolicy{Initial: 10 * time.Millisecond, Max: 40 * time.Millisecond, MaxElapsed: 10 * time.Second}))
	require.NoError(t, err)
	defer restore()
	runTraces(1)
	require.NoError(t, sdk.Flush(context.Background()))

	assert.Len(t, d.got, 1)
	require.Len(t, d.attempts, 4)
	// Jittered exponential backoff: waits of [5,10], [10,20], [20,40] ms.
	for i, lo := range []time.Duration{5, 10, 20} {
		assert.GreaterOrEqual(t, d.attempts[i+1].Sub(d.attempts[i]), lo*time.Millisecond, "wait %d", i)
	}
	st := sdk.GetStats()
	assert.Equal(t, []sdk.DestinationStats{{Name: "flaky", Exported: 1, Retried: 3}}, st.Destinations)
	assert.Equal(t, uint64(1), st.Exported)
	assert.Equal(t, uint64(0), st.Failed)
}

func TestRetryAfterIsHonoured(t *testing.T) {
	d := &flakyDest{failures: 1, after: 150 * time.Millisecond}
	restore, err := sdk.Override(sdk.WithDestinations(d),
		sdk.WithRetry(sdk.RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: 10 * time.Second}))
	require.NoError(t, err)
	defer restore()
	runTraces(1)
	require.NoError(t, sdk.Flush(context.Background()))
	require.Len(t, d.attempts, 2)
	assert.GreaterOrEqual(t, d.attempts[1].Sub(d.attempts[0]), 150*time.Millisecond)
}

func TestRetriesGiveUpAfterMaxElapsed(t *testing.T) {
	d := &flakyDest{failures: 1 << 30}
	restore, err := sdk.Override(sdk.WithDestinations(d),
		sdk.WithRetry(sdk.RetryPolicy{Initial: 5 * time.Millisecond, Max: 10 * time.Millisecond, MaxElapsed: 100 * time.Millisecond}))
	require.NoError(t, err)
	defer restore()
	runTraces(2)
	require.NoError(t, sdk.Flush(context.Background()))
	st := sdk.GetStats()
	require.Len(t, st.Destinations, 1)
	assert.Equal(t, uint64(2), st.Destinations[0].Failed)
	assert.Equal(t, uint64(0), st.Destinations[0].Exported)
	assert.Greater(t, st.Destinations[0].Retried, uint64(4))
}

func TestPermanentFailuresAreNotRetried(t *testing.T) {
	bad := &failingDest{}
	restore, err := sdk.Override(sdk.WithDestinations(bad))
	require.NoError(t, err)
	defer restore()
	runTraces(3)
	require.NoError(t, sdk.Flush(context.Background()))
	assert.Equal(t, int64(3), bad.calls.Load())
	st := sdk.GetStats()
	assert.Equal(t, uint64(3), st.Destinations[0].Failed)
	assert.Equal(t, uint64(0), st.Destinations[0].Retried)
}

// slowDest takes longer than the attempt timeout the first time.
type slowDest struct{ calls atomic.Int64 }

func (d *slowDest) Export(ctx context.Context, _ *tracedata.Trace) error {
	if d.calls.Add(1) == 1 {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	d := &slowDest{}
	restore, err := sdk.Override(sdk.WithDestinations(d), sdk.WithExportTimeout(20*time.Millisecond),
		sdk.WithRetry(sdk.RetryPolicy{Initial: time.Millisecond, MaxElapsed: 10 * time.Second}))
	require.NoError(t, err)
	defer restore()
	runTraces(1)
	require.NoError(t, sdk.Flush(context.Background()))
	st := sdk.GetStats()
	assert.Equal(t, sdk.DestinationStats{Name: "*sdk_test.slowDest", Exported: 1, Retried: 1}, st.Destinations[0])
}
