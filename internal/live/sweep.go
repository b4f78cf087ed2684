package live

import (
	"context"
	"fmt"
	"time"
)

// sweep ends traces that stay open longer than the trace timeout.
func (rt *Runtime) sweep() {
	defer close(rt.sweepDone)
	timeout := rt.TraceTimeout
	every := min(max(timeout/4, 5*time.Millisecond), time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-rt.sweepStop:
			return
		case now := <-tick.C:
			rt.mu.Lock()
			var expired []*Trace
			for _, t := range rt.open {
				if now.Sub(t.started) >= timeout {
					expired = append(expired, t)
				}
			}
			rt.mu.Unlock()
			for _, t := range expired {
				t.expire(timeout)
			}
		}
	}
}

// expire force-ends the open spans of a trace, children first and the root last, with
// status ERROR. Spans that already ended keep their status.
func (t *Trace) expire(timeout time.Duration) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	open := make([]*Span, 0, len(t.spans))
	for _, s := range t.spans {
		if !s.done {
			open = append(open, s)
		}
	}
	t.mu.Unlock()
	msg := fmt.Sprintf("timed out: trace %s was still open after %s", t.id, timeout)
	for i := len(open) - 1; i >= 0; i-- {
		open[i].forceEnd(msg)
	}
}

// Stop stops the timeout sweeper, waiting for it until ctx ends. Traces still open stay
// open and are never exported.
func (rt *Runtime) Stop(ctx context.Context) error {
	var err error
	rt.stopOnce.Do(func() {
		close(rt.sweepStop)
		// Mark the sweeper as started so it can never start after this point.
		rt.sweepOnce.Do(func() { close(rt.sweepDone) })
		select {
		case <-rt.sweepDone:
		case <-ctx.Done():
			err = ctx.Err()
		}
	})
	return err
}
