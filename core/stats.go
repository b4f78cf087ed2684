package core

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Stats counts what the export pipeline did since tracing was last configured.
type Stats struct {
	// Exported counts traces delivered to a destination, once per destination.
	Exported uint64
	// Dropped counts traces lost without being exported: a full queue, a full destination
	// queue, the open-trace limit, a redaction hook that panicked, or a shut-down pipeline.
	Dropped uint64
	// DroppedSpans counts spans lost from traces that were exported: spans that ended after
	// their trace's root span, or spans beyond the per-trace limit.
	DroppedSpans uint64
	// Failed counts destination exports that returned an error or panicked.
	Failed uint64
	// InternalErrors counts every internal failure, including the ones above.
	InternalErrors uint64
}

// GetStats returns the counters of the current configuration.
func GetStats() Stats {
	rt := active.Load()
	if rt == nil {
		return Stats{}
	}
	return rt.stats.snapshot()
}

type counters struct {
	exported, dropped, droppedSpans, failed, internal atomic.Uint64
	logged                                            sync.Map // kind -> struct{}
}

func (c *counters) snapshot() Stats {
	return Stats{
		Exported:       c.exported.Load(),
		Dropped:        c.dropped.Load(),
		DroppedSpans:   c.droppedSpans.Load(),
		Failed:         c.failed.Load(),
		InternalErrors: c.internal.Load(),
	}
}

// ReportError counts and logs (once per source) an internal failure of an instrumentation
// adapter: a response it could not parse, a hook that panicked. It never fails the caller.
func ReportError(source string, err error) {
	if err != nil {
		current().fail(source, "%w", err)
	}
}

// fail counts an internal failure and logs it the first time its kind occurs; the message
// is only formatted then. Tracing never returns such failures to the traced code.
func (rt *runtime) fail(kind, format string, args ...any) {
	rt.stats.internal.Add(1)
	if _, seen := rt.stats.logged.Load(kind); seen {
		return
	}
	if _, seen := rt.stats.logged.LoadOrStore(kind, struct{}{}); seen {
		return
	}
	rt.cfg.logger.Warn("agentlens: tracing failure (further ones of this kind are only counted)",
		"kind", kind, "error", fmt.Errorf(format, args...))
}

func (rt *runtime) dropTrace(kind, format string, args ...any) {
	rt.stats.dropped.Add(1)
	rt.fail(kind, format, args...)
}

func (rt *runtime) dropSpan(kind, format string, args ...any) {
	rt.stats.droppedSpans.Add(1)
	rt.fail(kind, format, args...)
}
