package core

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// TraceUpdate changes the trace of the active span; see UpdateCurrentTrace.
// Empty fields leave the trace as it is.
type TraceUpdate struct {
	// Tags are merged into the trace's tags; a later update of the same key wins.
	Tags map[string]string
	// Metadata is merged into the trace's metadata; a later update of the same key wins.
	Metadata map[string]string
	// SessionID is recorded as metadata mlflow.trace.session.
	SessionID string
	// User is recorded as metadata mlflow.trace.user.
	User string
	// RequestPreview and ResponsePreview replace the previews computed from the root span.
	RequestPreview  string
	ResponsePreview string
	// ClientRequestID is an id of the application's own for the request.
	ClientRequestID string
	// State overrides the trace state computed from the root span's status.
	State tracedata.State
}

type traceUpdate struct {
	tags, metadata                  map[string]string
	requestPreview, responsePreview string
	clientRequestID                 string
	state                           tracedata.State
}

// UpdateCurrentTrace applies u to the trace of the active span of ctx, from any depth of the
// trace. Without an active recording trace it does nothing.
func UpdateCurrentTrace(ctx context.Context, u TraceUpdate) {
	s := SpanFromContext(ctx)
	if s.lt == nil {
		return
	}
	lt := s.lt
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if lt.closed {
		lt.rt.fail("late-trace-update", "UpdateCurrentTrace on trace %s after it ended; ignored", lt.id)
		return
	}
	up := &lt.update
	up.tags = mergeInto(up.tags, u.Tags)
	up.metadata = mergeInto(up.metadata, u.Metadata)
	if u.SessionID != "" {
		up.metadata = mergeInto(up.metadata, map[string]string{spantypes.MetaSession: u.SessionID})
	}
	if u.User != "" {
		up.metadata = mergeInto(up.metadata, map[string]string{spantypes.MetaUser: u.User})
	}
	if u.RequestPreview != "" {
		up.requestPreview = u.RequestPreview
	}
	if u.ResponsePreview != "" {
		up.responsePreview = u.ResponsePreview
	}
	if u.ClientRequestID != "" {
		up.clientRequestID = u.ClientRequestID
	}
	if u.State != "" {
		up.state = u.State
	}
}

func mergeInto(dst, src map[string]string) map[string]string {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// LastActiveTraceID returns the id of the trace that most recently completed (its root span
// ended), or "" when none has.
func LastActiveTraceID() string {
	if p := lastActive.Load(); p != nil {
		return *p
	}
	return ""
}

// ErrTraceNotFound is returned (wrapped) for a trace id that no configured place knows.
var ErrTraceNotFound = tracedata.ErrTraceNotFound

// TraceReader is implemented by destinations that can read traces back (the local store).
type TraceReader interface {
	GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error)
}

// GetTrace returns a finished trace by id: from the recently finished traces kept in memory
// (waiting for the export of a trace that just finished), else from the first destination
// that can read traces. The returned trace is shared: do not modify it.
func GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error) {
	rt := active.Load()
	if rt == nil {
		return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, ErrTraceNotFound)
	}
	return rt.getTrace(ctx, traceID)
}

func (rt *runtime) getTrace(ctx context.Context, traceID string) (*tracedata.Trace, error) {
	if t := rt.recent.get(traceID); t != nil {
		return t, nil
	}
	if rt.exp.pending() {
		if err := rt.exp.flush(ctx); err != nil {
			return nil, err
		}
		if t := rt.recent.get(traceID); t != nil {
			return t, nil
		}
	}
	for _, d := range rt.cfg.destinations {
		if r, ok := d.(TraceReader); ok {
			t, err := r.GetTrace(ctx, traceID)
			if err == nil {
				return t, nil
			}
			if !errors.Is(err, ErrTraceNotFound) {
				return nil, err
			}
		}
	}
	if rt.lookup(traceID) != nil {
		return nil, fmt.Errorf("agentlens: trace %q is still in progress: %w", traceID, ErrTraceNotFound)
	}
	return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, ErrTraceNotFound)
}

// recentTraces keeps the last few finished traces for GetTrace, bounded by count.
type recentTraces struct {
	mu    sync.Mutex
	ring  []*tracedata.Trace
	next  int
	index map[string]*tracedata.Trace
}

func (r *recentTraces) init(n int) {
	r.ring = make([]*tracedata.Trace, n)
	r.index = make(map[string]*tracedata.Trace, n)
}

func (r *recentTraces) add(t *tracedata.Trace) {
	if len(r.ring) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.ring[r.next]; old != nil {
		delete(r.index, old.Info.TraceID)
	}
	r.ring[r.next] = t
	r.index[t.Info.TraceID] = t
	r.next = (r.next + 1) % len(r.ring)
}

func (r *recentTraces) get(id string) *tracedata.Trace {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.index[id]
}
