package webui_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/otlpjson"
	"github.com/agentlens/agentlens/internal/webui/uitest"
)

// exportOf turns synthetic traces into an OTLP request, as another agentlens service (or
// any OTLP exporter) would send them.
func exportOf(traces ...*tracedata.Trace) *coltracepb.ExportTraceServiceRequest {
	return &coltracepb.ExportTraceServiceRequest{ResourceSpans: otlp.ResourceSpans(nil, traces...)}
}

func otlpHeaders(ct string, extra ...string) map[string]string {
	h := map[string]string{"Content-Type": ct}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

func TestOTLPReceiverStoresProtobufAndJSON(t *testing.T) {
	for _, tc := range []struct {
		name, ct string
		encode   func(*coltracepb.ExportTraceServiceRequest) []byte
		gzip     bool
	}{
		{"protobuf", "application/x-protobuf", func(r *coltracepb.ExportTraceServiceRequest) []byte { b, _ := proto.Marshal(r); return b }, false},
		{"protobuf gzip", "application/x-protobuf", func(r *coltracepb.ExportTraceServiceRequest) []byte { b, _ := proto.Marshal(r); return b }, true},
		{"json", "application/json", func(r *coltracepb.ExportTraceServiceRequest) []byte { b, _ := otlpjson.Encode(r); return b }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			sent := uitest.AgentTrace(50, 900000, "Is it raining in Oslo?")
			body := tc.encode(exportOf(sent))
			hdr := otlpHeaders(tc.ct, "X-Mlflow-Experiment-Id", "3")
			if tc.gzip {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				_, _ = zw.Write(body)
				require.NoError(t, zw.Close())
				body = buf.Bytes()
				hdr["Content-Encoding"] = "gzip"
			}
			w := f.do(t, http.MethodPost, "/v1/traces", body, hdr)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, strings.Split(tc.ct, ";")[0], w.Header().Get("Content-Type"))
			got, err := f.st.GetTrace(context.Background(), sent.Info.TraceID)
			require.NoError(t, err)
			assert.Equal(t, "3", got.Info.ExperimentID, "x-mlflow-experiment-id is honoured")
			assert.Equal(t, tracedata.StateOK, got.Info.State)
			assert.Equal(t, sent.Info.TimestampMS, got.Info.TimestampMS)
			assert.Equal(t, sent.Info.ExecutionTimeMS, got.Info.ExecutionTimeMS)
			assert.Equal(t, `{"question":"Is it raining in Oslo?"}`, got.Info.RequestPreview, "the preview is computed from the root inputs")
			assert.Equal(t, "weather-agent", got.Info.Tags["mlflow.traceName"])
			assert.Equal(t, "dev", got.Info.Tags["env"], "mlflow.traceTag.* on the root become tags")
			assert.Equal(t, sent.Info.Metadata["mlflow.trace.tokenUsage"], got.Info.Metadata["mlflow.trace.tokenUsage"])
			require.Len(t, got.Spans, len(sent.Spans))
			for i := range sent.Spans {
				assert.Equal(t, sent.Spans[i].Name, got.Spans[i].Name)
				assert.Equal(t, sent.Spans[i].ParentID, got.Spans[i].ParentID)
				assert.Equal(t, sent.Spans[i].SpanType(), got.Spans[i].SpanType())
				assert.JSONEq(t, string(sent.Spans[i].Inputs()), string(got.Spans[i].Inputs()))
				assert.Equal(t, sent.Spans[i].Status, got.Spans[i].Status)
			}
			// The UI shows it at once: it is in the list of experiment 3.
			l := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?experiment=3", nil, nil))
			assert.Equal(t, []string{sent.Info.TraceID}, ids(l))
		})
	}
}

func TestOTLPReceiverMergesATraceSentInParts(t *testing.T) {
	f := newFixture(t)
	whole := uitest.AgentTrace(60, 1000000, "Split me")
	children := *whole
	children.Spans = whole.Spans[1:]
	rootOnly := *whole
	rootOnly.Spans = whole.Spans[:1]
	pb := func(tr *tracedata.Trace) []byte {
		req := exportOf(tr)
		if tr.RootSpan() == nil { // the children's request carries no trace-level attributes
			req = exportOf(&tracedata.Trace{Info: tracedata.TraceInfo{TraceID: tr.Info.TraceID}, Spans: tr.Spans})
		}
		b, err := proto.Marshal(req)
		require.NoError(t, err)
		return b
	}
	w := f.do(t, http.MethodPost, "/v1/traces", pb(&children), otlpHeaders("application/x-protobuf"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	part, err := f.st.GetTrace(context.Background(), whole.Info.TraceID)
	require.NoError(t, err)
	assert.Equal(t, tracedata.StateInProgress, part.Info.State, "no root yet")
	assert.Len(t, part.Spans, 4)

	w = f.do(t, http.MethodPost, "/v1/traces", pb(&rootOnly), otlpHeaders("application/x-protobuf"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	got, err := f.st.GetTrace(context.Background(), whole.Info.TraceID)
	require.NoError(t, err)
	assert.Equal(t, tracedata.StateOK, got.Info.State)
	assert.Equal(t, `{"question":"Split me"}`, got.Info.RequestPreview)
	require.Len(t, got.Spans, 5)
	assert.Equal(t, "weather-agent", got.Spans[0].Name)
	u, ok := got.TokenUsage()
	require.True(t, ok)
	assert.Equal(t, int64(178), u.TotalTokens)
	res, err := f.st.SearchTraces(context.Background(), store.SearchOptions{Filter: "request_id = '" + whole.Info.TraceID + "'"})
	require.NoError(t, err)
	assert.Len(t, res.Traces, 1, "one trace, not two")
}

func TestOTLPReceiverRefusals(t *testing.T) {
	f := newFixture(t, webuiMaxBody(1<<16))
	good, _ := proto.Marshal(exportOf(uitest.AgentTrace(70, 0, "q")))
	big := make([]byte, 1<<17)
	for _, tc := range []struct {
		name string
		body []byte
		hdr  map[string]string
		want int
		msg  string
	}{
		{"text/plain (a cross-site form could send it)", good, otlpHeaders("text/plain"), http.StatusUnsupportedMediaType, "unsupported content type"},
		{"form", []byte("a=b"), otlpHeaders("application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType, "unsupported content type"},
		{"no content type", good, map[string]string{}, http.StatusUnsupportedMediaType, "unsupported content type"},
		{"malformed protobuf", []byte{0xff, 0xff, 0xff}, otlpHeaders("application/x-protobuf"), http.StatusBadRequest, "malformed OTLP"},
		{"malformed json", []byte(`{"resourceSpans":7}`), otlpHeaders("application/json"), http.StatusBadRequest, "malformed OTLP"},
		{"bad gzip", good, otlpHeaders("application/x-protobuf", "Content-Encoding", "gzip"), http.StatusBadRequest, "gzip"},
		{"unknown encoding", good, otlpHeaders("application/x-protobuf", "Content-Encoding", "br"), http.StatusUnsupportedMediaType, "Content-Encoding"},
		{"too large", big, otlpHeaders("application/x-protobuf"), http.StatusRequestEntityTooLarge, "body"},
		{"cross-origin browser", good, otlpHeaders("application/x-protobuf", "Origin", "http://evil.example"), http.StatusForbidden, "cross-origin"},
		{"cross-site browser", good, otlpHeaders("application/x-protobuf", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross-site"},
		{"foreign host", good, otlpHeaders("application/x-protobuf", "Host", "evil.example"), http.StatusForbidden, "DNS rebinding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do(t, http.MethodPost, "/v1/traces", tc.body, tc.hdr)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			assert.Contains(t, w.Body.String(), tc.msg)
		})
	}
	_, err := f.st.GetTrace(context.Background(), uitest.TraceID(70))
	require.ErrorIs(t, err, tracedata.ErrTraceNotFound, "nothing refused was stored")
	// An empty export is fine and stores nothing.
	empty, _ := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{}})
	w := f.do(t, http.MethodPost, "/v1/traces", empty, otlpHeaders("application/x-protobuf"))
	assert.Equal(t, http.StatusOK, w.Code)
}
