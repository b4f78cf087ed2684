package tracedata

import (
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"github.com/agentlens/agentlens/spantypes"
)

// ErrTraceNotFound is returned (wrapped, with the id) for a trace id that is not known.
var ErrTraceNotFound = errors.New("trace not found")

// State is the outcome of a whole trace.
type State string

// Trace states, as MLflow names them.
const (
	StateUnspecified State = "STATE_UNSPECIFIED"
	StateOK          State = "OK"
	StateError       State = "ERROR"
	StateInProgress  State = "IN_PROGRESS"
)

// TraceInfo is what is known about a trace as a whole.
type TraceInfo struct {
	// TraceID is "tr-" followed by the 32-hex OpenTelemetry trace id.
	TraceID string
	// ClientRequestID is an id the application chose for the request, if any.
	ClientRequestID string
	// ExperimentID is the MLflow experiment the trace belongs to ("0" is the default one).
	ExperimentID string
	// TimestampMS is the trace's start, in milliseconds since the Unix epoch.
	TimestampMS int64
	// ExecutionTimeMS is how long the trace ran, in milliseconds.
	ExecutionTimeMS int64
	State           State
	// RequestPreview and ResponsePreview summarise the root span's inputs and outputs
	// (at most 1000 characters each).
	RequestPreview  string
	ResponsePreview string
	// Metadata is immutable once the trace is exported.
	Metadata map[string]string
	// Tags are mutable.
	Tags map[string]string
	// Assessments are the feedback and expectations logged on the trace, oldest first;
	// overridden ones stay, with Valid false.
	Assessments []Assessment
}

// RequestTime returns the trace's start as a time.Time.
func (i *TraceInfo) RequestTime() time.Time { return time.UnixMilli(i.TimestampMS) }

// ExecutionDuration returns how long the trace ran.
func (i *TraceInfo) ExecutionDuration() time.Duration {
	return time.Duration(i.ExecutionTimeMS) * time.Millisecond
}

// Trace is a finished trace: its info and its spans, in the order they started.
type Trace struct {
	Info  TraceInfo
	Spans []Span
}

// RootSpan returns the span without a parent, or nil when the trace has none.
func (t *Trace) RootSpan() *Span {
	for i := range t.Spans {
		if t.Spans[i].ParentID == "" {
			return &t.Spans[i]
		}
	}
	return nil
}

// Inputs returns the JSON text of the root span's inputs, what MLflow calls the trace's
// request; nil when there is no root span or it recorded none.
func (t *Trace) Inputs() json.RawMessage {
	if root := t.RootSpan(); root != nil {
		return root.Inputs()
	}
	return nil
}

// Outputs returns the JSON text of the root span's outputs, the trace's response in MLflow's
// terms; nil when there is no root span or it recorded none.
func (t *Trace) Outputs() json.RawMessage {
	if root := t.RootSpan(); root != nil {
		return root.Outputs()
	}
	return nil
}

// SpanQuery selects spans. Empty criteria match everything; set criteria must all match.
type SpanQuery struct {
	// Name matches the span name exactly.
	Name string
	// NameRegexp matches the span name against a regular expression.
	NameRegexp *regexp.Regexp
	// Type matches the span type exactly (see package spantypes).
	Type string
	// SpanID matches the span id exactly.
	SpanID string
}

func (q *SpanQuery) match(s *Span) bool {
	return (q.Name == "" || s.Name == q.Name) &&
		(q.NameRegexp == nil || q.NameRegexp.MatchString(s.Name)) &&
		(q.Type == "" || s.SpanType() == q.Type) &&
		(q.SpanID == "" || s.SpanID == q.SpanID)
}

// SearchSpans returns the spans matching q, in trace order. The pointers point into t.Spans.
func (t *Trace) SearchSpans(q SpanQuery) []*Span {
	var out []*Span
	for i := range t.Spans {
		if q.match(&t.Spans[i]) {
			out = append(out, &t.Spans[i])
		}
	}
	return out
}

// Span returns the span with the given id, or nil.
func (t *Trace) Span(spanID string) *Span {
	for i := range t.Spans {
		if t.Spans[i].SpanID == spanID {
			return &t.Spans[i]
		}
	}
	return nil
}

// Walk visits the spans depth-first, parents before children, siblings in start order.
// The root span's tree comes first; spans whose parent is not in the trace (or that sit in
// a parent cycle, which only corrupt data has) are then visited as extra roots, in trace
// order. depth is 0 for roots. Every span is visited exactly once.
func (t *Trace) Walk(visit func(s *Span, depth int)) {
	ids := make(map[string]bool, len(t.Spans))
	for i := range t.Spans {
		ids[t.Spans[i].SpanID] = true
	}
	children := make(map[string][]*Span, len(t.Spans))
	var roots, orphans []*Span
	for i := range t.Spans {
		s := &t.Spans[i]
		switch {
		case s.ParentID == "":
			roots = append(roots, s)
		case !ids[s.ParentID]:
			orphans = append(orphans, s)
		default:
			children[s.ParentID] = append(children[s.ParentID], s)
		}
	}
	visited := make(map[*Span]bool, len(t.Spans))
	var walk func(s *Span, depth int)
	walk = func(s *Span, depth int) {
		if visited[s] {
			return
		}
		visited[s] = true
		visit(s, depth)
		for _, c := range children[s.SpanID] {
			walk(c, depth+1)
		}
	}
	for _, r := range append(roots, orphans...) {
		walk(r, 0)
	}
	for i := range t.Spans {
		walk(&t.Spans[i], 0)
	}
}

// TokenUsage returns the trace's token usage: a depth-first sum that does not descend below
// a span that has usage of its own (a model span's usage already covers its children), and
// whether any span had usage.
func (t *Trace) TokenUsage() (TokenUsage, bool) {
	return sumOutermost(t, spantypes.KeyChatTokenUsage, (*Span).TokenUsage)
}

// sumOutermost sums what get reads from the spans that have attribute key, depth first,
// skipping the descendants of a span that has it (MLflow's aggregation of token usage and
// cost), and reports whether any span had it. A span whose attribute get cannot read
// counts as having none.
func sumOutermost[T interface{ Add(T) T }](t *Trace, key string, get func(*Span) (T, bool)) (T, bool) {
	var total T
	with, only := 0, -1
	for i := range t.Spans {
		if _, ok := t.Spans[i].Attributes[key]; ok {
			with, only = with+1, i
		}
	}
	switch with {
	case 0:
		return total, false
	case 1: // nothing to sum or skip: a single model call, say
		return get(&t.Spans[only])
	}
	found := false
	skipBelow := -1
	t.Walk(func(s *Span, depth int) {
		if skipBelow >= 0 {
			if depth > skipBelow {
				return
			}
			skipBelow = -1
		}
		if v, ok := get(s); ok {
			total = total.Add(v)
			found = true
			skipBelow = depth
		}
	})
	return total, found
}
