package core

import (
	"fmt"
	"slices"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/spantypes"
)

// Limits of trace-level fields, as MLflow sets them.
const (
	previewMaxChars  = 1000
	metadataMaxChars = 250
)

// assemble turns a completed live trace into a finished Trace: it converts the spans that
// ended, runs the redaction hook and computes the TraceInfo. It runs on the export goroutine.
func (rt *runtime) assemble(lt *liveTrace) (t *tracedata.Trace, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("assembling trace %s panicked: %v", lt.id, r)
		}
	}()
	lt.mu.Lock()
	spans := lt.spans
	update := lt.update
	lt.mu.Unlock()

	t = &tracedata.Trace{Spans: make([]tracedata.Span, 0, len(spans))}
	for _, s := range spans {
		if !s.done {
			rt.dropSpan("late-span", "a span of trace %s had not ended when its root ended; it is not exported", lt.id)
			continue
		}
		t.Spans = append(t.Spans, convertSpan(lt.id, s, s == lt.root))
	}
	if rt.cfg.redact != nil {
		for i := range t.Spans {
			if err := redact(rt.cfg.redact, &t.Spans[i]); err != nil {
				return nil, fmt.Errorf("trace %s dropped: %w", lt.id, err)
			}
		}
	}
	rt.fillInfo(t, lt.id, &update)
	return t, nil
}

func redact(hook func(*tracedata.Span), s *tracedata.Span) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("redaction hook panicked on span %s: %v", s.SpanID, r)
		}
	}()
	hook(s)
	return nil
}

// convertSpan reads an ended span: identity, timing, status, events and links from the OTel
// span, attributes from the span itself.
func convertSpan(traceID string, span *Span, root bool) tracedata.Span {
	ro := span.ro
	sc := ro.SpanContext()
	s := tracedata.Span{
		TraceID:           traceID,
		SpanID:            sc.SpanID().String(),
		Name:              ro.Name(),
		StartTimeUnixNano: ro.StartTime().UnixNano(),
		EndTimeUnixNano:   ro.EndTime().UnixNano(),
	}
	if !root {
		s.ParentID = ro.Parent().SpanID().String()
	}
	switch st := ro.Status(); st.Code {
	case codes.Ok:
		s.Status = tracedata.Status{Code: tracedata.StatusOK}
	case codes.Error:
		s.Status = tracedata.Status{Code: tracedata.StatusError, Message: st.Description}
	default:
		// A span that ends without a status set ends OK, as in MLflow.
		s.Status = tracedata.Status{Code: tracedata.StatusOK}
	}
	span.mu.Lock()
	// Room for what export hooks add (an adapter's response attributes) without regrowing.
	s.Attributes = make(map[string]string, len(span.attrs)+4*len(span.onExport))
	for _, kv := range span.attrs {
		s.Attributes[kv.key] = compactPretty(kv.json)
	}
	chunks := span.chunks
	hooks := span.onExport
	span.mu.Unlock()
	// Chunk events live on the span, other events on the OTel span: merge them by time,
	// chunks first among equals.
	otelEvents := ro.Events()
	if n := len(chunks) + len(otelEvents); n > 0 {
		s.Events = make([]tracedata.Event, 0, n)
	}
	for _, ev := range otelEvents {
		for len(chunks) > 0 && !chunks[0].at.After(ev.Time) {
			s.Events = append(s.Events, chunks[0].event())
			chunks = chunks[1:]
		}
		e := tracedata.Event{Name: ev.Name, TimeUnixNano: ev.Time.UnixNano()}
		if len(ev.Attributes) > 0 {
			e.Attributes = make(map[string]any, len(ev.Attributes))
			for _, kv := range ev.Attributes {
				e.Attributes[string(kv.Key)] = nativeValue(kv.Value)
			}
		}
		s.Events = append(s.Events, e)
	}
	for i := range chunks {
		s.Events = append(s.Events, chunks[i].event())
	}
	for _, l := range ro.Links() {
		link := tracedata.Link{TraceID: l.SpanContext.TraceID().String(), SpanID: l.SpanContext.SpanID().String()}
		if len(l.Attributes) > 0 {
			link.Attributes = make(map[string]any, len(l.Attributes))
			for _, kv := range l.Attributes {
				link.Attributes[string(kv.Key)] = nativeValue(kv.Value)
			}
		}
		s.Links = append(s.Links, link)
	}
	for _, hook := range hooks {
		runExportHook(hook, &s)
	}
	return s
}

// runExportHook runs an OnExport hook, reporting a panic instead of losing the trace.
func runExportHook(hook func(*tracedata.Span), s *tracedata.Span) {
	defer func() {
		if r := recover(); r != nil {
			ReportError("export hook", fmt.Errorf("an OnExport hook panicked on span %s: %v", s.SpanID, r))
		}
	}()
	hook(s)
}

func nativeValue(v attribute.Value) any {
	switch v.Type() {
	case attribute.BOOL:
		return v.AsBool()
	case attribute.INT64:
		return v.AsInt64()
	case attribute.FLOAT64:
		return v.AsFloat64()
	case attribute.STRING:
		return v.AsString()
	case attribute.BOOLSLICE:
		return v.AsBoolSlice()
	case attribute.INT64SLICE:
		return v.AsInt64Slice()
	case attribute.FLOAT64SLICE:
		return v.AsFloat64Slice()
	case attribute.STRINGSLICE:
		return v.AsStringSlice()
	}
	return v.Emit()
}

// fillInfo computes the TraceInfo of an assembled trace.
func (rt *runtime) fillInfo(t *tracedata.Trace, id string, up *traceUpdate) {
	info := &t.Info
	info.TraceID = id
	info.ExperimentID = rt.cfg.experimentID
	info.ClientRequestID = up.clientRequestID
	info.State = tracedata.StateOK
	info.Metadata = make(map[string]string, 8+len(up.metadata))
	info.Tags = make(map[string]string, 1+len(up.tags))

	root := t.RootSpan()
	if root != nil {
		info.TimestampMS = root.StartTimeUnixNano / 1e6
		info.ExecutionTimeMS = (root.EndTimeUnixNano - root.StartTimeUnixNano) / 1e6
		if root.Status.Code == tracedata.StatusError {
			info.State = tracedata.StateError
		}
		info.Tags[spantypes.TagTraceName] = root.Name
		if in, ok := root.Attributes[spantypes.KeySpanInputs]; ok {
			info.RequestPreview = RequestPreview(in)
			info.Metadata[spantypes.MetaTraceInputs] = termtext.Truncate(in, metadataMaxChars)
		}
		if out, ok := root.Attributes[spantypes.KeySpanOutputs]; ok {
			info.ResponsePreview = ResponsePreview(out)
			info.Metadata[spantypes.MetaTraceOutputs] = termtext.Truncate(out, metadataMaxChars)
		}
	}
	if up.state != "" {
		info.State = up.state
	}
	if up.requestPreview != "" {
		info.RequestPreview = termtext.Truncate(up.requestPreview, previewMaxChars)
	}
	if up.responsePreview != "" {
		info.ResponsePreview = termtext.Truncate(up.responsePreview, previewMaxChars)
	}
	for k, v := range up.tags {
		info.Tags[k] = v
	}
	for k, v := range up.metadata {
		info.Metadata[k] = v
	}
	info.Metadata[spantypes.MetaSchemaVersion] = "3"
	if u, ok := t.TokenUsage(); ok {
		var buf [96]byte
		info.Metadata[spantypes.MetaTokenUsage] = string(u.AppendJSON(buf[:0]))
	}
	info.Metadata[spantypes.MetaSizeStats] = sizeStats(t)
}

// sizeStats measures the trace as MLflow does: the JSON size of the whole trace and of each
// span, with the largest span and the quartiles.
func sizeStats(t *tracedata.Trace) string {
	sizes := make([]int, len(t.Spans))
	total := 0
	for i := range t.Spans {
		sizes[i] = t.Spans[i].JSONSize()
		total += sizes[i] + 1 // and a comma or the closing bracket
	}
	total += len(`{"info":`) + t.Info.JSONSize() + len(`,"data":{"spans":[`) + len("}}")
	if len(sizes) == 0 {
		total++ // the closing bracket
	}
	slices.Sort(sizes)
	pct := func(p float64) int {
		if len(sizes) == 0 {
			return 0
		}
		return sizes[int(p*float64(len(sizes)-1)+0.5)]
	}
	maxSize := 0
	if len(sizes) > 0 {
		maxSize = sizes[len(sizes)-1]
	}
	return `{"total_size_bytes":` + strconv.Itoa(total) +
		`,"num_spans":` + strconv.Itoa(len(sizes)) +
		`,"max":` + strconv.Itoa(maxSize) +
		`,"p25":` + strconv.Itoa(pct(0.25)) +
		`,"p50":` + strconv.Itoa(pct(0.5)) +
		`,"p75":` + strconv.Itoa(pct(0.75)) + `}`
}
