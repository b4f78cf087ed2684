package tracedata

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// The encoders below write the same JSON as the MarshalJSON methods would through
// encoding/json, without reflection or re-compaction: traces are encoded on every export
// (size statistics, the local store), so this is a hot path of the export goroutine.

// AppendJSON appends the trace in MLflow's Trace.to_dict shape to b.
func (t *Trace) AppendJSON(b []byte) []byte {
	b = append(b, `{"info":`...)
	b = t.Info.AppendJSON(b)
	b = append(b, `,"data":{"spans":[`...)
	for i := range t.Spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = t.Spans[i].AppendJSON(b)
	}
	return append(b, "]}}"...)
}

// AppendJSON appends the info in MLflow's TraceInfo (v3) dict shape to b.
func (i *TraceInfo) AppendJSON(b []byte) []byte {
	b = append(b, `{"trace_id":`...)
	b = jsonenc.AppendString(b, i.TraceID)
	if i.ClientRequestID != "" {
		b = append(b, `,"client_request_id":`...)
		b = jsonenc.AppendString(b, i.ClientRequestID)
	}
	b = append(b, `,"trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":`...)
	b = jsonenc.AppendString(b, i.ExperimentID)
	b = append(b, `}},"request_time":"`...)
	b = time.UnixMilli(i.TimestampMS).UTC().AppendFormat(b, requestTimeLayout)
	b = append(b, `","execution_duration_ms":`...)
	b = strconv.AppendInt(b, i.ExecutionTimeMS, 10)
	b = append(b, `,"state":`...)
	b = jsonenc.AppendString(b, string(i.State))
	if i.RequestPreview != "" {
		b = append(b, `,"request_preview":`...)
		b = jsonenc.AppendString(b, i.RequestPreview)
	}
	if i.ResponsePreview != "" {
		b = append(b, `,"response_preview":`...)
		b = jsonenc.AppendString(b, i.ResponsePreview)
	}
	if len(i.Metadata) > 0 {
		b = append(b, `,"trace_metadata":`...)
		b = appendStringMap(b, i.Metadata, "")
	}
	if len(i.Tags) > 0 {
		b = append(b, `,"tags":`...)
		b = appendStringMap(b, i.Tags, "")
	}
	if len(i.Assessments) > 0 {
		b = append(b, `,"assessments":[`...)
		for k := range i.Assessments {
			if k > 0 {
				b = append(b, ',')
			}
			b = i.Assessments[k].AppendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// AppendJSON appends the span in MLflow's span dict shape to b, adding the
// "mlflow.traceRequestId" attribute MLflow requires when the span lacks it.
func (s *Span) AppendJSON(b []byte) []byte {
	b = append(b, `{"trace_id":`...)
	b = jsonenc.AppendString(b, s.TraceID)
	b = append(b, `,"span_id":`...)
	b = jsonenc.AppendString(b, s.SpanID)
	b = append(b, `,"parent_span_id":`...)
	if s.ParentID == "" {
		b = append(b, "null"...)
	} else {
		b = jsonenc.AppendString(b, s.ParentID)
	}
	b = append(b, `,"name":`...)
	b = jsonenc.AppendString(b, s.Name)
	b = append(b, `,"start_time_unix_nano":`...)
	b = strconv.AppendInt(b, s.StartTimeUnixNano, 10)
	b = append(b, `,"end_time_unix_nano":`...)
	b = strconv.AppendInt(b, s.EndTimeUnixNano, 10)
	b = append(b, `,"events":[`...)
	for i := range s.Events {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.Events[i].AppendJSON(b)
	}
	b = append(b, `],"status":{"code":`...)
	b = jsonenc.AppendString(b, string(s.Status.Code))
	b = append(b, `,"message":`...)
	b = jsonenc.AppendString(b, s.Status.Message)
	b = append(b, `},"attributes":`...)
	requestID := ""
	if _, ok := s.Attributes[spantypes.KeyTraceRequestID]; !ok && s.TraceID != "" {
		requestID = s.TraceID
	}
	b = appendStringMap(b, s.Attributes, requestID)
	if len(s.Links) > 0 {
		b = append(b, `,"links":[`...)
		for i := range s.Links {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.Links[i].AppendJSON(b)
		}
		b = append(b, ']')
	}
	if id := strings.TrimPrefix(s.TraceID, "tr-"); id != "" {
		b = append(b, `,"otel_trace_id":`...)
		b = jsonenc.AppendString(b, id)
	}
	return append(b, '}')
}

// AppendJSON appends the event to b; float attributes keep a decimal point or exponent.
func (e *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = jsonenc.AppendString(b, e.Name)
	b = append(b, `,"time_unix_nano":`...)
	b = strconv.AppendInt(b, e.TimeUnixNano, 10)
	switch {
	case e.compact && len(e.Attributes) == 0:
		b = append(b, `,"attributes":{"`+spantypes.KeyChunkValue+`":`...)
		b = jsonenc.AppendString(b, e.chunk)
		b = append(b, '}')
	case e.compact:
		x := e.expanded()
		b = append(b, `,"attributes":`...)
		b = appendAttrMap(b, x.Attributes)
	case len(e.Attributes) > 0:
		b = append(b, `,"attributes":`...)
		b = appendAttrMap(b, e.Attributes)
	}
	return append(b, '}')
}

// AppendJSON appends the link to b.
func (l *Link) AppendJSON(b []byte) []byte {
	b = append(b, `{"trace_id":`...)
	b = jsonenc.AppendString(b, l.TraceID)
	b = append(b, `,"span_id":`...)
	b = jsonenc.AppendString(b, l.SpanID)
	if len(l.Attributes) > 0 {
		b = append(b, `,"attributes":`...)
		b = appendAttrMap(b, l.Attributes)
	}
	return append(b, '}')
}

// appendStringMap writes m with sorted keys; a non-empty requestID adds the
// mlflow.traceRequestId attribute (as JSON text) in its sorted place.
func appendStringMap(b []byte, m map[string]string, requestID string) []byte {
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	if requestID != "" {
		keys = append(keys, spantypes.KeyTraceRequestID)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		v, ok := m[k]
		if !ok { // the added request id: the JSON text of a JSON string, as a JSON string
			b = appendQuotedJSONString(b, requestID)
			continue
		}
		b = jsonenc.AppendString(b, v)
	}
	return append(b, '}')
}

func appendAttrMap(b []byte, m map[string]any) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		b = appendAttrValue(b, m[k])
	}
	return append(b, '}')
}

func appendAttrValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case float64:
		return appendFloat(b, x)
	case []float64:
		b = append(b, '[')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, f)
		}
		return append(b, ']')
	}
	return jsonenc.Append(b, v)
}

// appendQuotedJSONString appends, as a JSON string, the JSON text of the string id.
func appendQuotedJSONString(b []byte, id string) []byte {
	if !plainID(id) {
		return jsonenc.AppendString(b, string(jsonenc.AppendString(nil, id)))
	}
	b = append(b, `"\"`...)
	b = append(b, id...)
	return append(b, `\""`...)
}

// plainID reports whether id (a trace id, say) is letters, digits, '-' and '_' only: its JSON
// string needs no escape.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
