package sdk

import (
	"context"
	"errors"
	"fmt"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
)

// ErrTraceNotFound is returned (wrapped) for a trace id that no destination knows.
var ErrTraceNotFound = tracedata.ErrTraceNotFound

// TraceReader is implemented by destinations that can read traces back (the local store,
// MemoryDestination).
type TraceReader interface {
	GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error)
}

// LastActiveTraceID returns the id of the trace that most recently completed (its root span
// ended), or "" when none has.
func LastActiveTraceID() string { return live.LastActiveTraceID() }

// GetTrace returns a finished trace by id from the first destination that can read traces
// (the local store, a MemoryDestination), after the traces finished before the call have
// reached it. Nothing finished is kept in memory for it: with no destination that reads
// traces back, every id is not found. Tags set and traces deleted in the store since show.
func GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error) {
	rt := installed()
	if rt == nil {
		return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, ErrTraceNotFound)
	}
	// Each reader is asked after the traces finished so far reached it, and only it: a slow
	// remote destination does not hold a read of the local store.
	for _, d := range rt.cfg.destinations {
		r, ok := d.(TraceReader)
		if !ok {
			continue
		}
		if err := rt.exp.flushTo(ctx, func(x Destination) bool { return x == d }); err != nil {
			return nil, err
		}
		t, err := r.GetTrace(ctx, traceID)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrTraceNotFound) {
			return nil, err
		}
	}
	if rt.rec.Lookup(traceID) != nil {
		return nil, fmt.Errorf("agentlens: trace %q is still in progress: %w", traceID, ErrTraceNotFound)
	}
	return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, ErrTraceNotFound)
}
