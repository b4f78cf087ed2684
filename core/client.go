package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// Client is the low-level tracing API: spans are started and ended by explicit trace and span
// ids instead of through a context, for code whose start and end live in different places
// (callbacks, event handlers). Spans it starts are ordinary spans: they mix with StartSpan's
// in one tree. A Client is safe for concurrent use.
type Client struct{}

// NewClient returns a Client on the current tracing configuration.
func NewClient() *Client { return &Client{} }

// StartTrace starts a new trace whose root span is named name and returns that span; its
// TraceID and SpanID address it in later calls. With tracing off or sampled out it returns a
// no-op span with empty ids, which the other methods accept and ignore.
func (c *Client) StartTrace(name string, opts ...SpanOption) (*Span, error) {
	_, span := StartSpan(context.Background(), name, opts...)
	return span, nil
}

// StartSpan starts a span named name under the span parentID of trace traceID.
// An unknown trace or parent is an error naming it.
func (c *Client) StartSpan(name, traceID, parentID string, opts ...SpanOption) (*Span, error) {
	if traceID == "" || disabled.Load() {
		return noopSpan, nil
	}
	lt, parent, err := findSpan(traceID, parentID)
	if err != nil {
		return noopSpan, err
	}
	var cfg spanConfig
	cfg.apply(opts)
	_, span := lt.rt.start(context.Background(), parent, name, &cfg)
	return span, nil
}

// EndSpan ends span spanID of trace traceID, first applying WithOutputs, WithAttributes,
// WithStatus and WithEndTime options. Ending an unknown or already ended span is an error
// naming it.
func (c *Client) EndSpan(traceID, spanID string, opts ...SpanOption) error {
	if traceID == "" {
		return nil
	}
	_, span, err := findSpan(traceID, spanID)
	if err != nil {
		return err
	}
	return endWith(span, opts)
}

// EndTrace ends the root span of trace traceID (see EndSpan for opts), which completes the
// trace and hands it to export. Spans of the trace still open are not exported.
func (c *Client) EndTrace(traceID string, opts ...SpanOption) error {
	if traceID == "" {
		return nil
	}
	lt, err := findTrace(traceID)
	if err != nil {
		return err
	}
	return endWith(lt.root, opts)
}

// GetTrace returns a finished trace by id; see the package-level GetTrace.
func (c *Client) GetTrace(ctx context.Context, traceID string) (*tracedata.Trace, error) {
	return GetTrace(ctx, traceID)
}

func endWith(span *Span, opts []SpanOption) error {
	var cfg spanConfig
	cfg.apply(opts)
	alreadyEnded := func() error {
		return fmt.Errorf("agentlens: span %q of trace %q already ended", span.SpanID(), span.TraceID())
	}
	if span.ended.Load() {
		return alreadyEnded()
	}
	if cfg.hasOutputs {
		span.SetOutputs(cfg.outputs)
	}
	if cfg.hasInputs {
		span.SetInputs(cfg.inputs)
	}
	if cfg.spanType != "" {
		span.SetSpanType(cfg.spanType)
	}
	for _, m := range cfg.attrs {
		span.SetAttributes(m)
	}
	if cfg.status != "" {
		span.SetStatus(cfg.status, cfg.statusMsg)
	}
	if !span.end(cfg.end) {
		return alreadyEnded()
	}
	return nil
}

// findTrace finds an open trace of the current configuration.
func findTrace(traceID string) (*liveTrace, error) {
	if lt := active.Load().lookupOrNil(traceID); lt != nil {
		return lt, nil
	}
	return nil, fmt.Errorf("agentlens: trace %q not found: not started, already ended, or not recorded", traceID)
}

func findSpan(traceID, spanID string) (*liveTrace, *Span, error) {
	lt, err := findTrace(traceID)
	if err != nil {
		return nil, nil, err
	}
	s := lt.span(spanID)
	if s == nil {
		return nil, nil, fmt.Errorf("agentlens: span %q not found in trace %q", spanID, traceID)
	}
	return lt, s, nil
}

func (rt *runtime) lookupOrNil(traceID string) *liveTrace {
	if rt == nil {
		return nil
	}
	return rt.lookup(traceID)
}

// ErrNoStore is returned (wrapped) by the Client's store methods when the local store is off.
var ErrNoStore = errors.New("no local store (AGENTLENS_STORE is off)")

// LocalStore returns the local trace store of the current configuration, or nil when it is
// off. Use it to read traces back (its search, tags and delete are also on Client).
func LocalStore() *store.Store { return current().store }

// localStore returns the store of the current configuration, after the traces finished so far
// have reached it.
func localStore(ctx context.Context) (*store.Store, error) {
	rt := current()
	if rt.store == nil {
		return nil, fmt.Errorf("agentlens: %w", ErrNoStore)
	}
	if err := rt.exp.flush(ctx); err != nil {
		return nil, err
	}
	return rt.store, nil
}

// SearchTraces searches the local store with MLflow's filter grammar; see store.SearchOptions.
// Traces finished before the call are included.
func (c *Client) SearchTraces(ctx context.Context, o store.SearchOptions) (store.SearchResult, error) {
	st, err := localStore(ctx)
	if err != nil {
		return store.SearchResult{}, err
	}
	return st.SearchTraces(ctx, o)
}

// DeleteTraces deletes traces from the local store, by age or by ids, and returns how many.
func (c *Client) DeleteTraces(ctx context.Context, o store.DeleteOptions) (int, error) {
	st, err := localStore(ctx)
	if err != nil {
		return 0, err
	}
	return st.DeleteTraces(ctx, o)
}

// SetTraceTag sets a tag of a trace in the local store.
func (c *Client) SetTraceTag(ctx context.Context, traceID, key, value string) error {
	st, err := localStore(ctx)
	if err != nil {
		return err
	}
	return st.SetTraceTag(ctx, traceID, key, value)
}

// DeleteTraceTag removes a tag of a trace in the local store.
func (c *Client) DeleteTraceTag(ctx context.Context, traceID, key string) error {
	st, err := localStore(ctx)
	if err != nil {
		return err
	}
	return st.DeleteTraceTag(ctx, traceID, key)
}
