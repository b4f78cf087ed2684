package live

import (
	"fmt"
	"sync"
	"sync/atomic"
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

	logged sync.Map // kind -> struct{}
}

// Fail counts an internal failure and logs it the first time its kind occurs; the message is
// only formatted then. Tracing never returns such failures to the traced code.
func (rt *Runtime) Fail(kind, format string, args ...any) {
	rt.Stats.Internal.Add(1)
	if _, seen := rt.Stats.logged.Load(kind); seen {
		return
	}
	if _, seen := rt.Stats.logged.LoadOrStore(kind, struct{}{}); seen {
		return
	}
	rt.Logger.Warn("agentlens: tracing failure (further ones of this kind are only counted)",
		"kind", kind, "error", fmt.Errorf(format, args...))
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
