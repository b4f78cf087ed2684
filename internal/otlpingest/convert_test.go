package otlpingest_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/otlpingest"
	"github.com/agentlens/agentlens/internal/otlpjson"
)

const (
	hexTrace = "0af7651916cd43dd8448eb211c80319c"
	rootID   = "b7ad6b7169203331"
	chatID   = "00f067aa0ba902b7"
)

func sampleTrace() *tracedata.Trace {
	return &tracedata.Trace{
		Info: tracedata.TraceInfo{
			TraceID: "tr-" + hexTrace, ExperimentID: "7", TimestampMS: 1700000000000, ExecutionTimeMS: 2000,
			State:    tracedata.StateError,
			Metadata: map[string]string{"mlflow.trace.user": "ada", "mlflow.trace.session": "s-1"},
			Tags:     map[string]string{"mlflow.traceName": "pipeline", "env": "prod"},
		},
		Spans: []tracedata.Span{
			{
				TraceID: "tr-" + hexTrace, SpanID: rootID, Name: "pipeline",
				StartTimeUnixNano: 1700000000000000000, EndTimeUnixNano: 1700000002000000000,
				Status: tracedata.Status{Code: tracedata.StatusError, Message: "boom"},
				Attributes: map[string]string{
					"mlflow.spanType":    `"CHAIN"`,
					"mlflow.spanInputs":  `{"messages":[{"role":"user","content":"why?"}]}`,
					"mlflow.spanOutputs": `"because"`,
				},
				Links: []tracedata.Link{{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b8", Attributes: map[string]any{"kind": "caller"}}},
			},
			{
				TraceID: "tr-" + hexTrace, SpanID: chatID, ParentID: rootID, Name: "chat gpt-4o",
				StartTimeUnixNano: 1700000000500000000, EndTimeUnixNano: 1700000001500000000,
				Status: tracedata.Status{Code: tracedata.StatusOK},
				Attributes: map[string]string{
					"mlflow.spanType":                `"CHAT_MODEL"`,
					"mlflow.chat.tokenUsage":         `{"input_tokens":12,"output_tokens":30,"total_tokens":42}`,
					"mlflow.llm.cost":                `{"input_cost":0.00003,"output_cost":0.0003,"total_cost":0.00033}`,
					"gen_ai.request.model":           `"gpt-4o"`,
					"gen_ai.usage.input_tokens":      `12`,
					"gen_ai.response.finish_reasons": `["stop"]`,
					"temperature":                    `0.5`,
				},
				Events: []tracedata.Event{
					{Name: "mlflow.chunk.item.0", TimeUnixNano: 1700000000600000000, Attributes: map[string]any{"mlflow.chunk.value": `{"delta":"be"}`}},
					{Name: "exception", TimeUnixNano: 1700000001400000000, Attributes: map[string]any{"exception.type": "*errors.errorString", "exception.message": "boom", "codes": []int64{1, 2}}},
				},
			},
		},
	}
}

// wantBack is sampleTrace as it comes back: the exporter adds mlflow.traceRequestId to every
// span and user.id / session.id to the root; the info is derived from the root span.
func wantBack() *tracedata.Trace {
	want := sampleTrace()
	want.Info.RequestPreview = "why?"
	want.Info.ResponsePreview = "because"
	want.Info.Metadata["mlflow.trace.tokenUsage"] = `{"input_tokens":12,"output_tokens":30,"total_tokens":42}`
	want.Info.Metadata["mlflow.trace.cost"] = `{"input_cost":0.00003,"output_cost":0.0003,"total_cost":0.00033}`
	for i := range want.Spans {
		want.Spans[i].Attributes["mlflow.traceRequestId"] = `"tr-` + hexTrace + `"`
	}
	want.Spans[0].Attributes["user.id"] = `"ada"`
	want.Spans[0].Attributes["session.id"] = `"s-1"`
	return want
}

func TestDecodeRoundTripsTheExporter(t *testing.T) {
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: otlp.ResourceSpans(nil, sampleTrace())}
	pb, err := proto.Marshal(req)
	require.NoError(t, err)
	js, err := otlpjson.Encode(req) // OTLP's JSON encoding: hex ids
	require.NoError(t, err)
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"protobuf", "application/x-protobuf", pb},
		{"json", "application/json; charset=utf-8", js},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := otlpingest.Decode(tc.body, tc.contentType, "7")
			require.NoError(t, err)
			require.Len(t, got, 1)
			require.Equal(t, wantBack(), got[0])
		})
	}
}

func TestDecodeRefusesWhatIsNotOTLP(t *testing.T) {
	_, err := otlpingest.Decode([]byte("{}"), "text/plain", "")
	require.ErrorIs(t, err, otlpingest.ErrContentType)
	_, err = otlpingest.Decode([]byte("{}"), "", "")
	require.ErrorIs(t, err, otlpingest.ErrContentType)
	_, err = otlpingest.Decode([]byte("{not json"), "application/json", "")
	require.ErrorContains(t, err, "malformed OTLP application/json body")
	_, err = otlpingest.Decode([]byte{0xff, 0xff, 0xff}, "application/x-protobuf", "")
	require.ErrorContains(t, err, "malformed OTLP application/x-protobuf body")
}

func TestConvertPartsAndBadIDs(t *testing.T) {
	tid := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	child := &tracepb.Span{
		TraceId: tid, SpanId: []byte{1, 1, 1, 1, 1, 1, 1, 1}, ParentSpanId: []byte{2, 2, 2, 2, 2, 2, 2, 2},
		Name: "tool", StartTimeUnixNano: 3e9, EndTimeUnixNano: 5e9,
		Attributes: []*commonpb.KeyValue{
			{Key: "mlflow.spanInputs", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "not json"}}},
			{Key: "cfg", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{
				{Key: "k", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: true}}},
			}}}}},
			{Key: "raw", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte("hi")}}},
		},
	}
	badTrace := &tracepb.Span{TraceId: []byte{1, 2}, SpanId: []byte{1, 1, 1, 1, 1, 1, 1, 1}, Name: "short trace id"}
	zeroSpan := &tracepb.Span{TraceId: tid, SpanId: make([]byte, 8), Name: "zero span id"}
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{
		Spans: []*tracepb.Span{badTrace, child, zeroSpan},
	}}}}}
	got := otlpingest.Convert(req, "")
	require.Len(t, got, 1)
	tr := got[0]
	require.Equal(t, "tr-0102030405060708090a0b0c0d0e0f10", tr.Info.TraceID)
	require.Equal(t, "0", tr.Info.ExperimentID)
	require.Equal(t, tracedata.StateInProgress, tr.Info.State, "no root span yet")
	require.Equal(t, int64(3000), tr.Info.TimestampMS)
	require.Equal(t, int64(2000), tr.Info.ExecutionTimeMS)
	require.Len(t, tr.Spans, 1)
	require.Equal(t, map[string]string{
		"mlflow.spanInputs": `"not json"`,
		"cfg":               `{"k":true}`,
		"raw":               `"aGk="`,
	}, tr.Spans[0].Attributes)
	require.Equal(t, "0202020202020202", tr.Spans[0].ParentID)
	require.Equal(t, tracedata.StatusUnset, tr.Spans[0].Status.Code)
}
