package live

import "github.com/agentlens/agentlens/core/tracedata"

// Assemble returns the spans of a completed trace as tracedata spans, in start order, and
// its updates. Spans that had not ended when the root did are left out and counted. Export
// hooks run here. Call it once, on the export goroutine, after the root span ended.
func (t *Trace) Assemble() ([]tracedata.Span, Update) {
	t.mu.Lock()
	spans := t.spans
	update := t.update
	t.mu.Unlock()

	out := make([]tracedata.Span, 0, len(spans))
	for _, s := range spans {
		if !s.done {
			if s.lost.CompareAndSwap(false, true) { // it may end late too: count it once
				t.rt.DropSpan("late-span", "a span of trace %s had not ended when its root ended; it is not exported", t.id)
			}
			continue
		}
		out = append(out, s.data())
	}
	return out, update
}

// data reads an ended span and runs its export hooks.
func (s *Span) data() tracedata.Span {
	d := tracedata.Span{
		TraceID:           s.tr.id,
		SpanID:            s.otel.sc.SpanID().String(),
		Name:              s.name,
		StartTimeUnixNano: s.start.UnixNano(),
	}
	if !s.root || s.parent.IsValid() { // a root continuing a remote caller has its parent
		d.ParentID = s.parent.String()
	}
	s.mu.Lock()
	d.EndTimeUnixNano = s.end.UnixNano()
	d.Status = s.status
	if d.Status.Code == "" || d.Status.Code == tracedata.StatusUnset {
		// A span that ends without a status set ends OK, as in MLflow.
		d.Status = tracedata.Status{Code: tracedata.StatusOK}
	}
	// Room for what export hooks add (an adapter's response attributes) without regrowing.
	d.Attributes = make(map[string]string, len(s.attrs)+4*len(s.hooks))
	for _, kv := range s.attrs {
		d.Attributes[kv.key] = compactPretty(kv.json)
	}
	chunks, events, hooks := s.chunks, s.events, s.hooks
	d.Links = s.links
	s.mu.Unlock()

	// Chunk events are kept apart from the other events: merge them by time, chunks first
	// among equals.
	if n := len(chunks) + len(events); n > 0 {
		d.Events = make([]tracedata.Event, 0, n)
	}
	for _, ev := range events {
		for len(chunks) > 0 && chunks[0].at.UnixNano() <= ev.TimeUnixNano {
			d.Events = append(d.Events, chunks[0].event())
			chunks = chunks[1:]
		}
		d.Events = append(d.Events, ev)
	}
	for i := range chunks {
		d.Events = append(d.Events, chunks[i].event())
	}
	for _, hook := range hooks {
		s.runHook(hook, &d)
	}
	return d
}

// runHook runs an export hook, reporting a panic instead of losing the trace.
func (s *Span) runHook(hook func(*tracedata.Span), d *tracedata.Span) {
	defer func() {
		if r := recover(); r != nil {
			s.rt.Fail("export hook", "an export hook panicked on span %s: %v", d.SpanID, r)
		}
	}()
	hook(d)
}
