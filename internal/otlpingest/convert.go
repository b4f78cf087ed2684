package otlpingest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// Root-span attributes that carry trace-level fields, as agentlens's and MLflow's OTLP
// exports write them.
const (
	keyUserID    = "user.id"
	keySessionID = "session.id"
	keyTagPrefix = "mlflow.traceTag."
)

// Convert groups the spans of req by trace, in the order the traces first appear. Spans
// with a malformed trace or span id are dropped: they cannot be placed in a tree.
func Convert(req *coltracepb.ExportTraceServiceRequest, experimentID string) []*tracedata.Trace {
	if experimentID == "" {
		experimentID = "0"
	}
	byID := map[string]*tracedata.Trace{}
	var order []*tracedata.Trace
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, ps := range ss.GetSpans() {
				traceID, ok := hexID(ps.GetTraceId(), 16)
				spanID, ok2 := hexID(ps.GetSpanId(), 8)
				if !ok || !ok2 {
					continue
				}
				traceID = "tr-" + traceID
				t := byID[traceID]
				if t == nil {
					t = &tracedata.Trace{Info: tracedata.TraceInfo{
						TraceID: traceID, ExperimentID: experimentID,
						Tags: map[string]string{}, Metadata: map[string]string{},
					}}
					byID[traceID] = t
					order = append(order, t)
				}
				t.Spans = append(t.Spans, convertSpan(traceID, spanID, ps, &t.Info))
			}
		}
	}
	for _, t := range order {
		fillInfo(t)
	}
	return order
}

func hexID(b []byte, n int) (string, bool) {
	if len(b) != n {
		return "", false
	}
	for _, c := range b {
		if c != 0 {
			return hex.EncodeToString(b), true
		}
	}
	return "", false // all-zero ids are invalid in OpenTelemetry
}

func convertSpan(traceID, spanID string, ps *tracepb.Span, info *tracedata.TraceInfo) tracedata.Span {
	s := tracedata.Span{
		TraceID:           traceID,
		SpanID:            spanID,
		Name:              ps.GetName(),
		StartTimeUnixNano: clampNano(ps.GetStartTimeUnixNano()),
		EndTimeUnixNano:   clampNano(ps.GetEndTimeUnixNano()),
		Status:            convertStatus(ps.GetStatus()),
		Attributes:        make(map[string]string, len(ps.GetAttributes())),
	}
	if parent, ok := hexID(ps.GetParentSpanId(), 8); ok {
		s.ParentID = parent
	}
	root := s.ParentID == ""
	for _, kv := range ps.GetAttributes() {
		k := kv.GetKey()
		if root {
			switch {
			case strings.HasPrefix(k, keyTagPrefix):
				info.Tags[strings.TrimPrefix(k, keyTagPrefix)] = plainString(kv.GetValue())
				continue
			case k == keyUserID:
				info.Metadata[spantypes.MetaUser] = plainString(kv.GetValue())
			case k == keySessionID:
				info.Metadata[spantypes.MetaSession] = plainString(kv.GetValue())
			}
		}
		s.Attributes[k] = attributeJSON(k, kv.GetValue())
	}
	for _, ev := range ps.GetEvents() {
		e := tracedata.Event{Name: ev.GetName(), TimeUnixNano: clampNano(ev.GetTimeUnixNano())}
		if len(ev.GetAttributes()) > 0 {
			e.Attributes = make(map[string]any, len(ev.GetAttributes()))
			for _, kv := range ev.GetAttributes() {
				e.Attributes[kv.GetKey()] = eventValue(kv.GetValue())
			}
		}
		s.Events = append(s.Events, e)
	}
	for _, l := range ps.GetLinks() {
		tid, ok := hexID(l.GetTraceId(), 16)
		sid, ok2 := hexID(l.GetSpanId(), 8)
		if !ok || !ok2 {
			continue
		}
		link := tracedata.Link{TraceID: tid, SpanID: sid}
		if len(l.GetAttributes()) > 0 {
			link.Attributes = make(map[string]any, len(l.GetAttributes()))
			for _, kv := range l.GetAttributes() {
				link.Attributes[kv.GetKey()] = eventValue(kv.GetValue())
			}
		}
		s.Links = append(s.Links, link)
	}
	return s
}

func clampNano(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}

func convertStatus(st *tracepb.Status) tracedata.Status {
	switch st.GetCode() {
	case tracepb.Status_STATUS_CODE_OK:
		return tracedata.Status{Code: tracedata.StatusOK}
	case tracepb.Status_STATUS_CODE_ERROR:
		return tracedata.Status{Code: tracedata.StatusError, Message: st.GetMessage()}
	}
	return tracedata.Status{Code: tracedata.StatusUnset}
}

// fillInfo derives the trace-level info from the root span, or from the spans at hand when
// the root is not among them.
func fillInfo(t *tracedata.Trace) {
	info := &t.Info
	root := t.RootSpan()
	if root == nil {
		lo, hi := int64(math.MaxInt64), int64(0)
		for i := range t.Spans {
			lo, hi = min(lo, t.Spans[i].StartTimeUnixNano), max(hi, t.Spans[i].EndTimeUnixNano)
		}
		info.TimestampMS = lo / 1e6
		info.ExecutionTimeMS = max(hi-lo, 0) / 1e6
		info.State = tracedata.StateInProgress
		return
	}
	info.TimestampMS = root.StartTimeUnixNano / 1e6
	info.ExecutionTimeMS = max(root.EndTimeUnixNano-root.StartTimeUnixNano, 0) / 1e6
	info.State = tracedata.StateOK
	if root.Status.Code == tracedata.StatusError {
		info.State = tracedata.StateError
	}
	if _, ok := info.Tags[spantypes.TagTraceName]; !ok {
		info.Tags[spantypes.TagTraceName] = root.Name
	}
	if js := root.Inputs(); js != nil {
		info.RequestPreview = sdk.RequestPreview(string(js))
	}
	if js := root.Outputs(); js != nil {
		info.ResponsePreview = sdk.ResponsePreview(string(js))
	}
	// A session set as MLflow trace metadata on the root span, rather than session.id.
	if v := root.StringAttribute(spantypes.MetaSession); v != "" {
		info.Metadata[spantypes.MetaSession] = v
	}
	if u, ok := t.TokenUsage(); ok {
		info.Metadata[spantypes.MetaTokenUsage] = string(u.AppendJSON(nil))
	}
	if c, ok := t.Cost(); ok {
		info.Metadata[spantypes.MetaCost] = string(c.AppendJSON(nil))
	}
}

// attributeJSON gives the JSON text of an attribute value. mlflow.* keys carry JSON text in
// a string; a string there that is not JSON is taken as a plain string.
func attributeJSON(key string, v *commonpb.AnyValue) string {
	if sv, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok && strings.HasPrefix(key, "mlflow.") {
		if json.Valid([]byte(sv.StringValue)) {
			return sv.StringValue
		}
	}
	b, err := json.Marshal(goValue(v))
	if err != nil { // NaN or Inf doubles
		return strconv.Quote(plainString(v))
	}
	return string(b)
}

// plainString is the value as text: a string as is, anything else as JSON.
func plainString(v *commonpb.AnyValue) string {
	if sv, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
		return sv.StringValue
	}
	b, _ := json.Marshal(goValue(v))
	return string(b)
}

// goValue converts an OTLP value to a Go value: strings, bools, int64s, float64s, []any
// and map[string]any; bytes as base64 text.
func goValue(v *commonpb.AnyValue) any {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return x.BoolValue
	case *commonpb.AnyValue_IntValue:
		return x.IntValue
	case *commonpb.AnyValue_DoubleValue:
		if math.IsNaN(x.DoubleValue) || math.IsInf(x.DoubleValue, 0) {
			return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
		}
		return x.DoubleValue
	case *commonpb.AnyValue_BytesValue:
		return base64.StdEncoding.EncodeToString(x.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		out := make([]any, len(x.ArrayValue.GetValues()))
		for i, e := range x.ArrayValue.GetValues() {
			out[i] = goValue(e)
		}
		return out
	case *commonpb.AnyValue_KvlistValue:
		out := make(map[string]any, len(x.KvlistValue.GetValues()))
		for _, kv := range x.KvlistValue.GetValues() {
			out[kv.GetKey()] = goValue(kv.GetValue())
		}
		return out
	}
	return nil
}

// eventValue converts an event or link attribute to what tracedata holds there: a string,
// bool, int64, float64 or a slice of one of those; other arrays and maps as JSON text.
func eventValue(v *commonpb.AnyValue) any {
	arr, ok := v.GetValue().(*commonpb.AnyValue_ArrayValue)
	if !ok {
		if _, isMap := v.GetValue().(*commonpb.AnyValue_KvlistValue); isMap {
			b, _ := json.Marshal(goValue(v))
			return string(b)
		}
		return goValue(v)
	}
	vals := arr.ArrayValue.GetValues()
	switch {
	case allOf[*commonpb.AnyValue_StringValue](vals):
		out := make([]string, len(vals))
		for i, e := range vals {
			out[i] = e.GetStringValue()
		}
		return out
	case allOf[*commonpb.AnyValue_BoolValue](vals):
		out := make([]bool, len(vals))
		for i, e := range vals {
			out[i] = e.GetBoolValue()
		}
		return out
	case allOf[*commonpb.AnyValue_IntValue](vals):
		out := make([]int64, len(vals))
		for i, e := range vals {
			out[i] = e.GetIntValue()
		}
		return out
	case allOf[*commonpb.AnyValue_DoubleValue](vals):
		out := make([]float64, len(vals))
		for i, e := range vals {
			out[i] = e.GetDoubleValue()
		}
		return out
	}
	b, _ := json.Marshal(goValue(v))
	return string(b)
}

func allOf[T any](vals []*commonpb.AnyValue) bool {
	if len(vals) == 0 {
		return false
	}
	for _, e := range vals {
		if _, ok := e.GetValue().(T); !ok {
			return false
		}
	}
	return true
}
