package core

import (
	"context"
	"fmt"
	"time"

	"github.com/agentlens/agentlens/internal/live"
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
// span that records nothing, with empty ids, which the other methods accept and ignore. It
// cannot fail, as MLflow's start_trace does not.
func (c *Client) StartTrace(name string, opts ...SpanOption) *Span {
	_, span := StartSpan(context.Background(), name, opts...)
	return span
}

// StartSpan starts a span named name under the span parentID of trace traceID.
// An unknown trace or parent is an error naming it.
func (c *Client) StartSpan(name, traceID, parentID string, opts ...SpanOption) (*Span, error) {
	if traceID == "" || !live.Enabled() {
		return (*Span)(live.Noop()), nil
	}
	_, parent, err := findSpan(traceID, parentID)
	if err != nil {
		return (*Span)(live.Noop()), err
	}
	var cfg spanConfig
	cfg.apply(opts)
	_, span := live.StartChild(context.Background(), parent, name, &cfg.start)
	return (*Span)(span), nil
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
	return endWith((*Span)(span), opts)
}

// EndTrace ends the root span of trace traceID (see EndSpan for opts), which completes the
// trace and hands it to export. Spans of the trace still open are ended first, at the same
// time, as MLflow's end_trace does: each keeps the status it had (OK when none was set) and
// is marked with the attribute spantypes.KeyEndedByTrace, and all are exported.
func (c *Client) EndTrace(traceID string, opts ...SpanOption) error {
	if traceID == "" {
		return nil
	}
	tr, err := findTrace(traceID)
	if err != nil {
		return err
	}
	root := (*Span)(tr.Root())
	if root.rec().Ended() {
		return fmt.Errorf("agentlens: span %q of trace %q already ended", root.SpanID(), root.TraceID())
	}
	var cfg spanConfig
	cfg.apply(opts)
	at := cfg.end
	if at.IsZero() {
		at = time.Now()
	}
	tr.EndOpen(at)
	return endWith(root, append(opts[:len(opts):len(opts)], WithEndTime(at)))
}

func endWith(span *Span, opts []SpanOption) error {
	var cfg spanConfig
	cfg.apply(opts)
	alreadyEnded := func() error {
		return fmt.Errorf("agentlens: span %q of trace %q already ended", span.SpanID(), span.TraceID())
	}
	if span.rec().Ended() {
		return alreadyEnded()
	}
	if cfg.start.HasOutputs {
		span.SetOutputs(cfg.start.Outputs)
	}
	if cfg.start.HasInputs {
		span.SetInputs(cfg.start.Inputs)
	}
	if cfg.start.SpanType != "" {
		span.SetSpanType(cfg.start.SpanType)
	}
	for _, m := range cfg.start.Attributes {
		span.SetAttributes(m)
	}
	if cfg.status != "" {
		span.SetStatus(cfg.status, cfg.statusMsg)
	}
	if !span.rec().EndAt(cfg.end) {
		return alreadyEnded()
	}
	return nil
}

// findTrace finds an open trace of the current configuration.
func findTrace(traceID string) (*live.Trace, error) {
	if rt := live.Installed(); rt != nil {
		if tr := rt.Lookup(traceID); tr != nil {
			return tr, nil
		}
	}
	return nil, fmt.Errorf("agentlens: trace %q not found: not started, already ended, or not recorded", traceID)
}

func findSpan(traceID, spanID string) (*live.Trace, *live.Span, error) {
	tr, err := findTrace(traceID)
	if err != nil {
		return nil, nil, err
	}
	s := tr.Span(spanID)
	if s == nil {
		return nil, nil, fmt.Errorf("agentlens: span %q not found in trace %q", spanID, traceID)
	}
	return tr, s, nil
}
