package live

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// Trace is a trace whose root span has not ended yet, or that was handed over to export:
// its spans in start order and the trace-level updates made so far.
type Trace struct {
	rt      *Runtime
	id      string // "tr-" + hex OpenTelemetry trace id
	key     string // its key in rt.open when id was taken already, else ""
	root    *Span
	started time.Time

	mu     sync.Mutex
	spans  []*Span
	first  [1]*Span                   // spans' first storage: a one-span trace needs no other
	byID   map[oteltrace.SpanID]*Span // built on the first lookup by id
	closed bool                       // the root ended; no span joins or ends any more
	update Update
}

// Update is what UpdateCurrentTrace changed of a trace.
type Update struct {
	Tags, Metadata                  map[string]string
	RequestPreview, ResponsePreview string
	ClientRequestID                 string
	State                           tracedata.State
}

func (t *Trace) openKey() string {
	if t.key != "" {
		return t.key
	}
	return t.id
}

// ID returns the trace id, "tr-" + 32 hex.
func (t *Trace) ID() string { return t.id }

// Runtime returns the runtime the trace records in.
func (t *Trace) Runtime() *Runtime { return t.rt }

// Root returns the root span.
func (t *Trace) Root() *Span { return t.root }

// newTrace registers a trace started now, or returns nil at the open-trace limit.
func (rt *Runtime) newTrace(tid oteltrace.TraceID, now time.Time) *Trace {
	var id [len("tr-") + 2*len(tid)]byte
	copy(id[:], "tr-")
	hex.Encode(id[len("tr-"):], tid[:])
	t := &Trace{rt: rt, id: string(id[:]), started: now}
	t.spans = t.first[:0]
	rt.mu.Lock()
	if len(rt.open) >= rt.MaxOpenTraces {
		rt.mu.Unlock()
		rt.DropTrace("open-trace-limit", "%d traces are open, the limit; trace not recorded", rt.MaxOpenTraces)
		return nil
	}
	if _, taken := rt.open[t.id]; taken {
		// The same trace continued twice in this process (a service called twice by one
		// remote caller, or by itself): each part is a trace of its own until export.
		t.key = t.id + "/" + strconv.FormatUint(rand.Uint64(), 16)
	}
	rt.open[t.openKey()] = t
	rt.mu.Unlock()
	if rt.TraceTimeout > 0 {
		rt.sweepOnce.Do(func() { go rt.sweep() })
	}
	return t
}

// add appends a started span, unless the trace is complete or full.
func (t *Trace) add(s *Span) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return fmt.Errorf("span started after trace %s ended; not recorded", t.id)
	}
	if len(t.spans) >= t.rt.MaxSpansPerTrace {
		return fmt.Errorf("trace %s has %d spans, the limit; span not recorded", t.id, len(t.spans))
	}
	t.spans = append(t.spans, s)
	if t.byID != nil {
		t.byID[s.otel.sc.SpanID()] = s
	}
	return nil
}

// Span finds an open or ended span of the trace by its hex id.
func (t *Trace) Span(spanID string) *Span {
	id, err := oteltrace.SpanIDFromHex(spanID)
	if err != nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byID == nil {
		t.byID = make(map[oteltrace.SpanID]*Span, len(t.spans))
		for _, s := range t.spans {
			t.byID[s.otel.sc.SpanID()] = s
		}
	}
	return t.byID[id]
}

// finish records that s ended. The root's end completes the trace.
func (t *Trace) finish(s *Span) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		if s.lost.CompareAndSwap(false, true) { // Assemble may have counted it already
			t.rt.DropSpan("late-span", "a span of trace %s ended after its root span; it is not exported", t.id)
		}
		return
	}
	s.done = true
	if s == t.root {
		t.closed = true
	}
	t.mu.Unlock()
	if s == t.root {
		t.rt.mu.Lock()
		delete(t.rt.open, t.openKey())
		t.rt.mu.Unlock()
		lastActive.Store(&t.id)
		t.rt.complete(t)
	}
}

// EndOpen ends the spans of the trace other than the root that are still open, latest
// started first, at the given time (now when zero; never before a span's start), marking
// each with spantypes.KeyEndedByTrace. It returns how many it ended.
func (t *Trace) EndOpen(at time.Time) int {
	t.mu.Lock()
	spans := slices.Clone(t.spans)
	t.mu.Unlock()
	n := 0
	for i := len(spans) - 1; i >= 0; i-- {
		s := spans[i]
		if s == t.root || s.Ended() {
			continue
		}
		end := at
		if !end.IsZero() && end.Before(s.start) {
			end = s.start
		}
		s.SetRaw(spantypes.KeyEndedByTrace, "true")
		if s.EndAt(end) {
			n++
		}
	}
	return n
}

// Apply merges u into the trace's updates (see core.UpdateCurrentTrace); false when the
// trace has already ended.
func (t *Trace) Apply(u Update) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	up := &t.update
	up.Tags = mergeInto(up.Tags, u.Tags)
	up.Metadata = mergeInto(up.Metadata, u.Metadata)
	if u.RequestPreview != "" {
		up.RequestPreview = u.RequestPreview
	}
	if u.ResponsePreview != "" {
		up.ResponsePreview = u.ResponsePreview
	}
	if u.ClientRequestID != "" {
		up.ClientRequestID = u.ClientRequestID
	}
	if u.State != "" {
		up.State = u.State
	}
	return true
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
