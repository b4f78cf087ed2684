package sdk

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/spantypes"
)

// Limits of trace-level fields, as MLflow sets them.
const (
	previewMaxChars  = 1000
	metadataMaxChars = 250
)

// assemble turns a completed trace into a finished Trace: it reads the spans that ended,
// runs the redaction hook and computes the TraceInfo. It runs on the export goroutine.
func (rt *runtime) assemble(lt *live.Trace) (t *tracedata.Trace, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("assembling trace %s panicked: %v", lt.ID(), r)
		}
	}()
	spans, update := lt.Assemble()
	t = &tracedata.Trace{Spans: spans}
	rt.cfg.prices.price(t) // before redaction, whose hook sees the cost
	if rt.cfg.redact != nil {
		t.ExpandChunks() // the hook sees events as any other code does
		for i := range t.Spans {
			if err := redact(rt.cfg.redact, &t.Spans[i]); err != nil {
				return nil, fmt.Errorf("trace %s dropped: %w", lt.ID(), err)
			}
		}
	}
	if t.RootSpan() == nil {
		if r := localRoot(t); r != nil && r.ParentID != "" {
			r.Attributes[spantypes.KeyRemoteParent] = "true"
		}
	}
	rt.fillInfo(t, lt.ID(), &update)
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

// fillInfo computes the TraceInfo of an assembled trace.
func (rt *runtime) fillInfo(t *tracedata.Trace, id string, up *live.Update) {
	info := &t.Info
	info.TraceID = id
	info.ExperimentID = rt.cfg.experimentID
	info.ClientRequestID = up.ClientRequestID
	info.State = tracedata.StateOK
	info.Metadata = make(map[string]string, 8+len(up.Metadata))
	info.Tags = make(map[string]string, 1+len(up.Tags))

	root := localRoot(t)
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
	if up.State != "" {
		info.State = up.State
	}
	if up.RequestPreview != "" {
		info.RequestPreview = termtext.Truncate(up.RequestPreview, previewMaxChars)
	}
	if up.ResponsePreview != "" {
		info.ResponsePreview = termtext.Truncate(up.ResponsePreview, previewMaxChars)
	}
	for k, v := range up.Tags {
		info.Tags[k] = v
	}
	for k, v := range up.Metadata {
		info.Metadata[k] = v
	}
	info.Metadata[spantypes.MetaSchemaVersion] = "3"
	if u, ok := t.TokenUsage(); ok {
		var buf [96]byte
		info.Metadata[spantypes.MetaTokenUsage] = string(u.AppendJSON(buf[:0]))
	}
	if c, ok := t.Cost(); ok {
		var buf [96]byte
		info.Metadata[spantypes.MetaCost] = string(c.AppendJSON(buf[:0]))
	}
	info.Metadata[spantypes.MetaSizeStats] = sizeStats(t)
}

// sizeStats measures the trace as MLflow does: the JSON size of the whole trace and of each
// span, with the largest span and the quartiles.
func sizeStats(t *tracedata.Trace) string {
	var small [16]int
	sizes := small[:0]
	if len(t.Spans) > len(small) {
		sizes = make([]int, 0, len(t.Spans))
	}
	total := 0
	for i := range t.Spans {
		size := t.Spans[i].JSONSize()
		sizes = append(sizes, size)
		total += size + 1 // and a comma or the closing bracket
	}
	total += len(`{"info":`) + t.Info.JSONSize() + len(`,"data":{"spans":[`) + len("}}")
	if len(sizes) == 0 {
		total++ // the closing bracket
	}
	slices.Sort(sizes)
	pct := func(p float64) int64 {
		if len(sizes) == 0 {
			return 0
		}
		return int64(sizes[int(p*float64(len(sizes)-1)+0.5)])
	}
	var maxSize int64
	if len(sizes) > 0 {
		maxSize = int64(sizes[len(sizes)-1])
	}
	var buf [160]byte
	b := append(buf[:0], `{"total_size_bytes":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"num_spans":`...)
	b = strconv.AppendInt(b, int64(len(sizes)), 10)
	b = append(b, `,"max":`...)
	b = strconv.AppendInt(b, maxSize, 10)
	b = append(b, `,"p25":`...)
	b = strconv.AppendInt(b, pct(0.25), 10)
	b = append(b, `,"p50":`...)
	b = strconv.AppendInt(b, pct(0.5), 10)
	b = append(b, `,"p75":`...)
	b = strconv.AppendInt(b, pct(0.75), 10)
	return string(append(b, '}'))
}

// localRoot returns the trace's root span or, for the part of a trace that continues a
// caller in another process, the span whose parent is the caller's (not in the trace).
func localRoot(t *tracedata.Trace) *tracedata.Span {
	if r := t.RootSpan(); r != nil {
		return r
	}
	ids := make(map[string]bool, len(t.Spans))
	for i := range t.Spans {
		ids[t.Spans[i].SpanID] = true
	}
	for i := range t.Spans {
		if !ids[t.Spans[i].ParentID] {
			return &t.Spans[i]
		}
	}
	return nil
}
