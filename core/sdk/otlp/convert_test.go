package otlp_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

const (
	hexTrace = "0af7651916cd43dd8448eb211c80319c"
	rootID   = "b7ad6b7169203331"
	chatID   = "00f067aa0ba902b7"
)

// sampleTrace is an agent run as the SDK assembles it: a CHAIN root with inputs, outputs,
// a user, a session and a tag; a CHAT_MODEL child that streamed two chunks, used tokens,
// carries the GenAI keys and failed; a link to a foreign span.
func sampleTrace() *tracedata.Trace {
	return &tracedata.Trace{
		Info: tracedata.TraceInfo{
			TraceID: "tr-" + hexTrace, ExperimentID: "0", TimestampMS: 1700000000000, ExecutionTimeMS: 2000,
			State:    tracedata.StateError,
			Metadata: map[string]string{"mlflow.trace.user": "ada", "mlflow.trace.session": "s-1", "mlflow.trace_schema.version": "3"},
			Tags:     map[string]string{"mlflow.traceName": "pipeline", "env": "prod"},
		},
		Spans: []tracedata.Span{
			{
				TraceID: "tr-" + hexTrace, SpanID: rootID, Name: "pipeline",
				StartTimeUnixNano: 1700000000000000000, EndTimeUnixNano: 1700000002000000000,
				Status: tracedata.Status{Code: tracedata.StatusOK},
				Attributes: map[string]string{
					"mlflow.spanType":    `"CHAIN"`,
					"mlflow.spanInputs":  `{"question":"why?"}`,
					"mlflow.spanOutputs": `"because"`,
				},
				Links: []tracedata.Link{{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b8", Attributes: map[string]any{"kind": "caller"}}},
			},
			{
				TraceID: "tr-" + hexTrace, SpanID: chatID, ParentID: rootID, Name: "chat gpt-4o",
				StartTimeUnixNano: 1700000000500000000, EndTimeUnixNano: 1700000001500000000,
				Status: tracedata.Status{Code: tracedata.StatusError, Message: "*errors.errorString: boom"},
				Attributes: map[string]string{
					"mlflow.spanType":                `"CHAT_MODEL"`,
					"mlflow.chat.tokenUsage":         `{"input_tokens":12,"output_tokens":30,"total_tokens":42}`,
					"mlflow.llm.cost":                `{"input_cost":0.00003,"output_cost":0.0003,"total_cost":0.00033}`,
					"gen_ai.request.model":           `"gpt-4o"`,
					"gen_ai.usage.input_tokens":      `12`,
					"gen_ai.response.finish_reasons": `["stop"]`,
					"temperature":                    `0.5`,
					"user.settings":                  `{"a":1}`,
				},
				Events: []tracedata.Event{
					{Name: "mlflow.chunk.item.0", TimeUnixNano: 1700000000600000000, Attributes: map[string]any{"mlflow.chunk.value": `{"delta":"be"}`}},
					{Name: "exception", TimeUnixNano: 1700000001400000000, Attributes: map[string]any{"exception.type": "*errors.errorString", "exception.message": "boom"}},
				},
			},
		},
	}
}

func str(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func i64(k string, v int64) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}}
}

func dbl(k string, v float64) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v}}}
}

func hexBytes(t *testing.T, h string) []byte {
	t.Helper()
	b := make([]byte, len(h)/2)
	for i := range b {
		var v byte
		for _, c := range h[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			default:
				v |= byte(c-'a') + 10
			}
		}
		b[i] = v
	}
	return b
}

// wantSpans is sampleTrace as OTLP must carry it.
func wantSpans(t *testing.T) []*tracepb.Span {
	return []*tracepb.Span{
		{
			TraceId: hexBytes(t, hexTrace), SpanId: hexBytes(t, rootID), Name: "pipeline",
			Kind:              tracepb.Span_SPAN_KIND_INTERNAL,
			StartTimeUnixNano: 1700000000000000000, EndTimeUnixNano: 1700000002000000000,
			Status: &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK},
			Attributes: []*commonpb.KeyValue{
				str("mlflow.traceRequestId", `"tr-`+hexTrace+`"`),
				str("mlflow.spanInputs", `{"question":"why?"}`),
				str("mlflow.spanOutputs", `"because"`),
				str("mlflow.spanType", `"CHAIN"`),
				str("user.id", "ada"),
				str("session.id", "s-1"),
				str("mlflow.traceTag.env", "prod"),
				str("mlflow.traceTag.mlflow.traceName", "pipeline"),
			},
			Links: []*tracepb.Span_Link{{
				TraceId: hexBytes(t, "4bf92f3577b34da6a3ce929d0e0e4736"), SpanId: hexBytes(t, "00f067aa0ba902b8"),
				Attributes: []*commonpb.KeyValue{str("kind", "caller")},
			}},
		},
		{
			TraceId: hexBytes(t, hexTrace), SpanId: hexBytes(t, chatID), ParentSpanId: hexBytes(t, rootID), Name: "chat gpt-4o",
			Kind:              tracepb.Span_SPAN_KIND_INTERNAL,
			StartTimeUnixNano: 1700000000500000000, EndTimeUnixNano: 1700000001500000000,
			Status: &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "*errors.errorString: boom"},
			Attributes: []*commonpb.KeyValue{
				str("mlflow.traceRequestId", `"tr-`+hexTrace+`"`),
				str("gen_ai.request.model", "gpt-4o"),
				{Key: "gen_ai.response.finish_reasons", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{
					Values: []*commonpb.AnyValue{{Value: &commonpb.AnyValue_StringValue{StringValue: "stop"}}}}}}},
				i64("gen_ai.usage.input_tokens", 12),
				str("mlflow.chat.tokenUsage", `{"input_tokens":12,"output_tokens":30,"total_tokens":42}`),
				str("mlflow.llm.cost", `{"input_cost":0.00003,"output_cost":0.0003,"total_cost":0.00033}`),
				str("mlflow.spanType", `"CHAT_MODEL"`),
				dbl("temperature", 0.5),
				str("user.settings", `{"a":1}`),
			},
			Events: []*tracepb.Span_Event{
				{Name: "mlflow.chunk.item.0", TimeUnixNano: 1700000000600000000, Attributes: []*commonpb.KeyValue{str("mlflow.chunk.value", `{"delta":"be"}`)}},
				{Name: "exception", TimeUnixNano: 1700000001400000000, Attributes: []*commonpb.KeyValue{
					str("exception.message", "boom"), str("exception.type", "*errors.errorString")}},
			},
		},
	}
}

func requireSpans(t *testing.T, want, got []*tracepb.Span) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if !proto.Equal(want[i], got[i]) {
			t.Fatalf("span %d:\ngot  %s\nwant %s", i, protojson.Format(got[i]), protojson.Format(want[i]))
		}
	}
}

func TestResourceSpansEncodesAsMLflowReadsIt(t *testing.T) {
	rs := otlp.ResourceSpans(nil, sampleTrace())
	require.Len(t, rs, 1)
	require.Len(t, rs[0].ScopeSpans, 1)
	require.Equal(t, otlp.ScopeName, rs[0].ScopeSpans[0].Scope.Name)
	requireSpans(t, wantSpans(t), rs[0].ScopeSpans[0].Spans)
}

func TestExportOverHTTPAndGRPCDecodesExactly(t *testing.T) {
	h := otlpreceiver.NewHTTP()
	defer h.Close()
	g, err := otlpreceiver.NewGRPC()
	require.NoError(t, err)
	defer g.Close()

	for _, tc := range []struct {
		name  string
		opts  []otlp.Option
		store *otlpreceiver.Store
	}{
		{"http/protobuf", []otlp.Option{otlp.WithEndpointURL(h.URL + "/v1/traces")}, &h.Store},
		{"grpc", []otlp.Option{otlp.WithProtocol(otlp.ProtocolGRPC), otlp.WithEndpointURL("http://" + g.Addr)}, &g.Store},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := otlp.New(append(tc.opts, otlp.WithServiceName("checkout"), otlp.WithResourceAttributes(map[string]string{"deployment.environment": "test"}))...)
			require.NoError(t, err)
			defer e.Shutdown(context.Background())
			require.NoError(t, e.Export(context.Background(), sampleTrace()))

			reqs := tc.store.Requests()
			require.Len(t, reqs, 1)
			rs := reqs[0].Body.ResourceSpans
			require.Len(t, rs, 1)
			wantRes := []*commonpb.KeyValue{
				str("deployment.environment", "test"), str("service.name", "checkout"),
				str("telemetry.sdk.language", "go"), str("telemetry.sdk.name", "agentlens"),
			}
			require.Len(t, rs[0].Resource.Attributes, len(wantRes))
			for i := range wantRes {
				require.True(t, proto.Equal(wantRes[i], rs[0].Resource.Attributes[i]), "resource attribute %d: %v", i, rs[0].Resource.Attributes[i])
			}
			require.Equal(t, otlp.ScopeName, rs[0].ScopeSpans[0].Scope.Name)
			requireSpans(t, wantSpans(t), rs[0].ScopeSpans[0].Spans)
			if tc.name == "http/protobuf" {
				require.Equal(t, "application/x-protobuf", reqs[0].ContentType)
				require.Equal(t, []string{"/v1/traces"}, h.Paths())
			}
		})
	}
}
