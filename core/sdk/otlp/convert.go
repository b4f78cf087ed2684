package otlp

import (
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// ScopeName is the instrumentation scope of every exported span.
const ScopeName = "github.com/agentlens/agentlens"

// Root-span attributes that carry trace-level fields to OTLP backends, as MLflow's OTLP
// export writes them.
const (
	keyUserID     = "user.id"
	keySessionID  = "session.id"
	keyTagPrefix  = "mlflow.traceTag."
	mlflowKeyHead = "mlflow."
)

// ResourceSpans converts finished traces to OTLP protobuf: one ResourceSpans with res and
// one ScopeSpans holding every span of every trace. Ids are the ones the local store shows
// (the trace id without "tr-"). Attributes are encoded as MLflow reads them back:
//
//   - mlflow.* keys are strings holding the value's JSON text, as MLflow's Python SDK
//     writes every attribute (mlflow.spanType is the string `"CHAIN"`, quotes included);
//   - every other key (the OTel GenAI keys, user attributes) has its native OTLP type: a
//     JSON string becomes a string, an integer an int, a number a double, a bool a bool,
//     an array of one of those an array; objects and mixed arrays stay JSON text;
//   - each span also carries mlflow.traceRequestId, and the trace's root span user.id,
//     session.id and mlflow.traceTag.<key> for its tags.
//
// Malformed ids make a span's ids empty rather than failing the batch.
func ResourceSpans(res *resourcepb.Resource, traces ...*tracedata.Trace) []*tracepb.ResourceSpans {
	n := 0
	for _, t := range traces {
		n += len(t.Spans)
	}
	spans := make([]*tracepb.Span, 0, n)
	for _, t := range traces {
		for i := range t.Spans {
			spans = append(spans, convertSpan(t, &t.Spans[i]))
		}
	}
	return []*tracepb.ResourceSpans{{
		Resource: res,
		ScopeSpans: []*tracepb.ScopeSpans{{
			Scope: &commonpb.InstrumentationScope{Name: ScopeName},
			Spans: spans,
		}},
	}}
}

func convertSpan(t *tracedata.Trace, s *tracedata.Span) *tracepb.Span {
	traceID := s.TraceID
	if traceID == "" {
		traceID = t.Info.TraceID
	}
	p := &tracepb.Span{
		TraceId:           decodeID(strings.TrimPrefix(traceID, "tr-"), 16),
		SpanId:            decodeID(s.SpanID, 8),
		ParentSpanId:      decodeID(s.ParentID, 8),
		Name:              s.Name,
		Kind:              tracepb.Span_SPAN_KIND_INTERNAL,
		StartTimeUnixNano: uint64(max(s.StartTimeUnixNano, 0)),
		EndTimeUnixNano:   uint64(max(s.EndTimeUnixNano, 0)),
		Status:            convertStatus(s.Status),
	}
	keys := make([]string, 0, len(s.Attributes))
	for k := range s.Attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	p.Attributes = make([]*commonpb.KeyValue, 0, len(keys)+4)
	if _, ok := s.Attributes[spantypes.KeyTraceRequestID]; !ok {
		p.Attributes = append(p.Attributes, stringKV(spantypes.KeyTraceRequestID, jsonString(traceID)))
	}
	for _, k := range keys {
		p.Attributes = append(p.Attributes, attribute(k, s.Attributes[k]))
	}
	if s.ParentID == "" {
		p.Attributes = append(p.Attributes, rootAttributes(&t.Info)...)
	}
	for _, ev := range s.Events {
		p.Events = append(p.Events, &tracepb.Span_Event{
			Name:         ev.Name,
			TimeUnixNano: uint64(max(ev.TimeUnixNano, 0)),
			Attributes:   anyAttributes(ev.Attributes),
		})
	}
	for _, l := range s.Links {
		p.Links = append(p.Links, &tracepb.Span_Link{
			TraceId:    decodeID(strings.TrimPrefix(l.TraceID, "tr-"), 16),
			SpanId:     decodeID(l.SpanID, 8),
			Attributes: anyAttributes(l.Attributes),
		})
	}
	return p
}

// rootAttributes carry the trace's user, session and tags on its root span.
func rootAttributes(info *tracedata.TraceInfo) []*commonpb.KeyValue {
	var kvs []*commonpb.KeyValue
	if v := info.Metadata[spantypes.MetaUser]; v != "" {
		kvs = append(kvs, stringKV(keyUserID, v))
	}
	if v := info.Metadata[spantypes.MetaSession]; v != "" {
		kvs = append(kvs, stringKV(keySessionID, v))
	}
	tags := make([]string, 0, len(info.Tags))
	for k := range info.Tags {
		tags = append(tags, k)
	}
	slices.Sort(tags)
	for _, k := range tags {
		kvs = append(kvs, stringKV(keyTagPrefix+k, info.Tags[k]))
	}
	return kvs
}

func convertStatus(st tracedata.Status) *tracepb.Status {
	switch st.Code {
	case tracedata.StatusOK:
		return &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}
	case tracedata.StatusError:
		return &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: st.Message}
	}
	return &tracepb.Status{}
}

func decodeID(h string, n int) []byte {
	if len(h) != 2*n {
		return nil
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil
	}
	return b
}

// attribute encodes a span attribute, whose value is JSON text.
func attribute(key, js string) *commonpb.KeyValue {
	if strings.HasPrefix(key, mlflowKeyHead) {
		return stringKV(key, js)
	}
	return &commonpb.KeyValue{Key: key, Value: nativeValue(js)}
}

// nativeValue gives JSON text its OTLP type; what OTLP attributes cannot hold (objects,
// mixed arrays, nested arrays) stays JSON text.
func nativeValue(js string) *commonpb.AnyValue {
	var v any
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: js}}
	}
	if av, ok := scalar(v); ok {
		return av
	}
	if arr, ok := v.([]any); ok {
		vals := make([]*commonpb.AnyValue, len(arr))
		var kind string
		for i, e := range arr {
			av, ok := scalar(e)
			if !ok || (i > 0 && kindOf(av) != kind) {
				return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: js}}
			}
			kind = kindOf(av)
			vals[i] = av
		}
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: vals}}}
	}
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: js}}
}

func scalar(v any) (*commonpb.AnyValue, bool) {
	switch x := v.(type) {
	case string:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: x}}, true
	case bool:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: x}}, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: i}}, true
		}
		if f, err := x.Float64(); err == nil {
			return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: f}}, true
		}
	}
	return nil, false
}

func kindOf(v *commonpb.AnyValue) string {
	switch v.Value.(type) {
	case *commonpb.AnyValue_StringValue:
		return "s"
	case *commonpb.AnyValue_BoolValue:
		return "b"
	case *commonpb.AnyValue_IntValue, *commonpb.AnyValue_DoubleValue:
		return "n"
	}
	return "?"
}

// anyAttributes encodes event and link attributes, which hold Go values (strings, bools,
// int64s, float64s or slices of one of those), sorted by key.
func anyAttributes(m map[string]any) []*commonpb.KeyValue {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	kvs := make([]*commonpb.KeyValue, len(keys))
	for i, k := range keys {
		kvs[i] = &commonpb.KeyValue{Key: k, Value: goValue(m[k])}
	}
	return kvs
}

func goValue(v any) *commonpb.AnyValue {
	switch x := v.(type) {
	case string:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: x}}
	case bool:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: x}}
	case int:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: int64(x)}}
	case int64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: x}}
	case float64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: x}}
	case []string:
		return arrayOf(x)
	case []bool:
		return arrayOf(x)
	case []int64:
		return arrayOf(x)
	case []float64:
		return arrayOf(x)
	case []any:
		return arrayOf(x)
	case nil:
		return &commonpb.AnyValue{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return &commonpb.AnyValue{}
	}
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: string(b)}}
}

func arrayOf[T any](xs []T) *commonpb.AnyValue {
	vals := make([]*commonpb.AnyValue, len(xs))
	for i, x := range xs {
		vals[i] = goValue(x)
	}
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: vals}}}
}

func stringKV(key, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: key, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
