package live

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Counters count what happened to the traces and spans of a runtime.
type Counters struct {
	// Exported counts traces delivered to a destination, once per destination.
	Exported atomic.Uint64
	// Dropped counts traces lost without being exported.
	Dropped atomic.Uint64
	// DroppedSpans counts spans lost from traces that were exported.
	DroppedSpans atomic.Uint64
	// Failed counts destination exports that returned an error or panicked.
	Failed atomic.Uint64
	// Internal counts every internal failure, including the ones above.
	Internal atomic.Uint64

	kinds sync.Map // kind -> *kindLog
}

// LogInterval is how often a kind of failure is logged at most, after its first time.
const LogInterval = time.Minute

// now is the clock of the rate limit (a variable for tests).
var now = time.Now

// kindLog is the rate limit of one kind of failure.
type kindLog struct {
	mu         sync.Mutex
	last       time.Time // when it was last logged
	suppressed int       // failures since then that were only counted
}

// Fail counts an internal failure, hands it to the OnError handler if there is one, and logs
// it: the first of its kind at once, then at most one line per LogInterval, which says how
// many were only counted in between. Tracing never returns such failures to the traced code.
func (rt *Runtime) Fail(kind, format string, args ...any) {
	rt.Stats.Internal.Add(1)
	var err error
	if rt.OnError != nil {
		err = fmt.Errorf(format, args...)
		rt.handle(kind, err)
	}
	v, ok := rt.Stats.kinds.Load(kind)
	if !ok {
		v, _ = rt.Stats.kinds.LoadOrStore(kind, &kindLog{})
	}
	k := v.(*kindLog)
	t := now()
	k.mu.Lock()
	if !k.last.IsZero() && t.Sub(k.last) < LogInterval {
		k.suppressed++
		k.mu.Unlock()
		return
	}
	first, since := k.last.IsZero(), k.suppressed
	k.last, k.suppressed = t, 0
	k.mu.Unlock()
	if err == nil {
		err = fmt.Errorf(format, args...)
	}
	if first {
		rt.Logger.Warn("agentlens: tracing failure (further ones of this kind are logged at most once a minute)",
			"kind", kind, "error", err)
		return
	}
	rt.Logger.Warn("agentlens: tracing failure", "kind", kind, "error", err, "unlogged_since_last", since)
}

// handle passes a failure to the OnError handler, which must not take tracing down with it.
func (rt *Runtime) handle(kind string, err error) {
	defer func() {
		if r := recover(); r != nil {
			rt.Logger.Error("agentlens: the error handler panicked", "kind", kind, "error", err, "panic", r)
		}
	}()
	rt.OnError(kind, err)
}

// DropTrace counts a trace lost without being exported, and fails.
func (rt *Runtime) DropTrace(kind, format string, args ...any) {
	rt.Stats.Dropped.Add(1)
	rt.Fail(kind, format, args...)
}

// DropSpan counts a span lost from its trace, and fails.
func (rt *Runtime) DropSpan(kind, format string, args ...any) {
	rt.Stats.DroppedSpans.Add(1)
	rt.Fail(kind, format, args...)
}
