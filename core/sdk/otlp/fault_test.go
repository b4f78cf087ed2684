package otlp_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

const faultTraces = 10000

// tracedCall is the program's own work, traced: it must return its result whatever the
// export does.
func tracedCall(ctx context.Context, i int) (int, error) {
	return core.Trace(ctx, "handle", func(ctx context.Context) (int, error) {
		_, child := core.StartSpan(ctx, "step")
		child.End()
		return i * 2, nil
	})
}

// TestFaults traces 10,000 traces while the OTLP endpoint misbehaves, then lets it recover:
// the program sees no error, the memory destination beside it gets every trace, and the
// OTLP receiver gets exactly once every trace the exporter did not count as dropped.
func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		// answer is how the receiver answers while it is down.
		answer otlpreceiver.Answer
		// unreachable: nothing listens until recovery.
		unreachable bool
	}{
		{name: "receiver down", unreachable: true},
		{name: "500 then up", answer: otlpreceiver.Answer{Status: http.StatusInternalServerError}},
		{name: "429 with Retry-After", answer: otlpreceiver.Answer{Status: http.StatusTooManyRequests, RetryAfter: "1"}},
		{name: "never answers", answer: otlpreceiver.Answer{Hang: true}},
		{name: "closes mid-request", answer: otlpreceiver.Answer{Drop: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var down atomic.Bool
			down.Store(true)
			recv := &otlpreceiver.HTTP{}
			recv.SetBehavior(func(int) otlpreceiver.Answer {
				if down.Load() {
					return tc.answer
				}
				return otlpreceiver.Answer{}
			})
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := lis.Addr().String()
			srv := httptest.NewUnstartedServer(http.HandlerFunc(recvServe(recv)))
			if tc.unreachable {
				lis.Close() // connections are refused until recovery
			} else {
				srv.Listener = lis
				srv.Start()
			}
			defer func() { srv.Close() }()

			// A receiver that processed an upload the client gave up on gets it again on the
			// retry (OTLP has no idempotency key): the timeout is short only where the
			// receiver never answers.
			timeout := 10 * time.Second
			if tc.answer.Hang {
				timeout = 2 * time.Second
			}
			exp, err := otlp.New(otlp.WithEndpointURL("http://"+addr+"/v1/traces"), otlp.WithTimeout(timeout))
			require.NoError(t, err)
			mem := sdk.NewMemoryDestination()
			var logs bytes.Buffer
			restore, err := sdk.Override(sdk.WithDestinations(exp, mem), sdk.WithQueueSize(faultTraces),
				sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
				sdk.WithRetry(sdk.RetryPolicy{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond, MaxElapsed: time.Minute}))
			require.NoError(t, err)
			defer restore()

			for i := range faultTraces {
				got, err := tracedCall(context.Background(), i)
				if err != nil || got != 2*i {
					t.Fatalf("call %d = %d, %v", i, got, err)
				}
			}
			time.Sleep(100 * time.Millisecond) // some attempts fail while down
			if tc.unreachable {
				lis, err := net.Listen("tcp", addr)
				require.NoError(t, err)
				srv.Listener = lis
				srv.Start()
			}
			down.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			require.NoError(t, sdk.Flush(ctx))

			st := sdk.GetStats()
			require.Len(t, st.Destinations, 2)
			o, m := st.Destinations[0], st.Destinations[1]
			assert.Equal(t, uint64(faultTraces), m.Exported, "the memory destination lost traces")
			assert.Len(t, mem.Traces(), faultTraces)
			assert.Equal(t, uint64(faultTraces), o.Exported+o.Dropped+o.Failed, "otlp stats %+v", o)
			assert.Zero(t, o.Failed)
			assert.Greater(t, o.Retried, uint64(0), "nothing was retried")
			if !tc.unreachable {
				assert.Greater(t, recv.Attempts(), len(recv.Requests()), "the receiver refused nothing")
			}

			// Exactly once: every exported trace's root arrived once.
			roots := map[string]int{}
			for _, s := range recv.Spans() {
				if len(s.ParentSpanId) == 0 {
					roots[hex.EncodeToString(s.TraceId)]++
				}
			}
			assert.Len(t, roots, int(o.Exported))
			for id, n := range roots {
				if n != 1 {
					t.Fatalf("trace %s arrived %d times", id, n)
				}
			}
			t.Logf("%s: exported %d, retried %d, dropped %d, attempts %d", tc.name, o.Exported, o.Retried, o.Dropped, recv.Attempts())
			assert.Contains(t, logs.String(), "export-retry", "retries are not logged")
		})
	}
}

// recvServe serves recv's handler on a server of the test's own making.
func recvServe(recv *otlpreceiver.HTTP) func(http.ResponseWriter, *http.Request) {
	h := otlpreceiver.Handler(recv)
	return h.ServeHTTP
}

// TestQueueBoundDropsAreCounted fills a small queue while the endpoint is down: what does
// not fit is dropped, counted per destination and logged; what fit arrives once recovered.
func TestQueueBoundDropsAreCounted(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	recv := otlpreceiver.NewHTTP()
	defer recv.Close()
	recv.SetBehavior(func(int) otlpreceiver.Answer {
		if down.Load() {
			return otlpreceiver.Answer{Status: http.StatusServiceUnavailable}
		}
		return otlpreceiver.Answer{}
	})
	exp, err := otlp.New(otlp.WithEndpointURL(recv.URL + "/v1/traces"))
	require.NoError(t, err)
	var logs bytes.Buffer
	restore, err := sdk.Override(sdk.WithDestinations(exp), sdk.WithQueueSize(100),
		sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		sdk.WithRetry(sdk.RetryPolicy{Initial: 10 * time.Millisecond, Max: 20 * time.Millisecond, MaxElapsed: time.Minute}))
	require.NoError(t, err)
	defer restore()
	for i := range 1000 {
		_, _ = tracedCall(context.Background(), i)
		if i%100 == 0 {
			time.Sleep(time.Millisecond) // let the queues move, as a real program would
		}
	}
	down.Store(false)
	require.NoError(t, sdk.Flush(context.Background()))
	st := sdk.GetStats()
	o := st.Destinations[0]
	assert.Greater(t, o.Dropped, uint64(0))
	assert.Equal(t, uint64(1000), o.Exported+o.Dropped+st.Dropped-o.Dropped, "stats %+v", st)
	assert.Contains(t, logs.String(), fmt.Sprintf("queue of destination %s full", exp.Name()))
	roots := 0
	for _, s := range recv.Spans() {
		if len(s.ParentSpanId) == 0 {
			roots++
		}
	}
	assert.Equal(t, int(o.Exported), roots)
}
