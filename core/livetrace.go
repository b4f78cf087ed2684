package core

import (
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// liveTrace is a trace whose root span has not ended yet: its spans in start order and the
// trace-level updates made so far.
type liveTrace struct {
	rt      *runtime
	id      string // "tr-" + hex OTel trace id
	root    *Span
	started time.Time

	mu       sync.Mutex
	spans    []*Span
	byID     map[oteltrace.SpanID]*Span // built on the first lookup by id
	closed   bool                       // the root ended; no span joins or ends any more
	timedOut time.Duration              // > 0 when the sweeper ended the trace
	update   traceUpdate
}

// registry holds the open traces of a runtime, for lookups by id and the timeout sweeper.
type registry struct {
	mu     sync.Mutex
	traces map[string]*liveTrace
}

// newTrace registers a trace for a new root span, or returns nil at the open-trace limit.
func (rt *runtime) newTrace(root oteltrace.Span) *liveTrace {
	lt := &liveTrace{
		rt:      rt,
		id:      "tr-" + root.SpanContext().TraceID().String(),
		started: time.Now(),
	}
	rt.open.mu.Lock()
	if len(rt.open.traces) >= rt.cfg.maxOpenTraces {
		rt.open.mu.Unlock()
		rt.dropTrace("open-trace-limit", "%d traces are open, the limit; trace not recorded", rt.cfg.maxOpenTraces)
		return nil
	}
	rt.open.traces[lt.id] = lt
	rt.open.mu.Unlock()
	if rt.cfg.traceTimeout > 0 {
		rt.sweepOnce.Do(func() { go rt.sweep() })
	}
	return lt
}

func (rt *runtime) lookup(traceID string) *liveTrace {
	rt.open.mu.Lock()
	defer rt.open.mu.Unlock()
	return rt.open.traces[traceID]
}

// add appends a started span, unless the trace is complete or full.
func (lt *liveTrace) add(s *Span) error {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.closed {
		return fmt.Errorf("span started after trace %s ended; not recorded", lt.id)
	}
	if len(lt.spans) >= lt.rt.cfg.maxSpansPerTrace {
		return fmt.Errorf("trace %s has %d spans, the limit; span not recorded", lt.id, len(lt.spans))
	}
	lt.spans = append(lt.spans, s)
	if lt.byID != nil {
		lt.byID[s.otel.SpanContext().SpanID()] = s
	}
	return nil
}

// span finds a span of the trace by its hex id.
func (lt *liveTrace) span(spanID string) *Span {
	id, err := oteltrace.SpanIDFromHex(spanID)
	if err != nil {
		return nil
	}
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.byID == nil {
		lt.byID = make(map[oteltrace.SpanID]*Span, len(lt.spans))
		for _, s := range lt.spans {
			lt.byID[s.otel.SpanContext().SpanID()] = s
		}
	}
	return lt.byID[id]
}

// finish records that s ended. The root's end completes the trace.
func (lt *liveTrace) finish(s *Span) {
	lt.mu.Lock()
	if lt.closed {
		lt.mu.Unlock()
		lt.rt.dropSpan("late-span", "a span of trace %s ended after its root span; it is not exported", lt.id)
		return
	}
	s.done = true
	root := s == lt.root
	if root {
		lt.closed = true
	}
	lt.mu.Unlock()
	if root {
		lt.rt.complete(lt)
	}
}

// complete hands a trace whose root ended to the export pipeline.
func (rt *runtime) complete(lt *liveTrace) {
	rt.open.mu.Lock()
	delete(rt.open.traces, lt.id)
	rt.open.mu.Unlock()
	lastActive.Store(&lt.id)
	rt.exp.enqueue(lt)
}

// sweep ends traces that stay open longer than the trace timeout.
func (rt *runtime) sweep() {
	defer close(rt.sweepDone)
	timeout := rt.cfg.traceTimeout
	every := min(max(timeout/4, 5*time.Millisecond), time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-rt.sweepStop:
			return
		case now := <-tick.C:
			rt.open.mu.Lock()
			var expired []*liveTrace
			for _, lt := range rt.open.traces {
				if now.Sub(lt.started) >= timeout {
					expired = append(expired, lt)
				}
			}
			rt.open.mu.Unlock()
			for _, lt := range expired {
				lt.expire(timeout)
			}
		}
	}
}

// expire force-ends the open spans of a trace, children first and the root last, with
// status ERROR. Spans that already ended keep their status.
func (lt *liveTrace) expire(timeout time.Duration) {
	lt.mu.Lock()
	if lt.closed {
		lt.mu.Unlock()
		return
	}
	lt.timedOut = timeout
	open := make([]*Span, 0, len(lt.spans))
	for _, s := range lt.spans {
		if !s.done {
			open = append(open, s)
		}
	}
	lt.mu.Unlock()
	msg := fmt.Sprintf("timed out: trace %s was still open after %s", lt.id, timeout)
	for i := len(open) - 1; i >= 0; i-- {
		s := open[i]
		if s.ended.Load() {
			continue
		}
		s.statusSet.Store(true)
		s.otel.SetStatus(codes.Error, msg)
		s.End()
	}
}
