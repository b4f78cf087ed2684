package otlpreceiver

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// The receiver decodes both OTLP/HTTP encodings and answers in the request's.
func TestHTTPDecodesProtobufAndJSON(t *testing.T) {
	h := NewHTTP()
	defer h.Close()
	id, _ := hex.DecodeString("5b8efff798038103d269b633813fc60c")
	pb, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{TraceId: id, SpanId: id[:8], Name: "pb"}}}},
	}}})
	require.NoError(t, err)
	js := []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"5b8efff798038103","name":"json"}]}]}]}`)
	for _, c := range []struct {
		ct, wantCT string
		body       []byte
	}{
		{"application/x-protobuf", "application/x-protobuf", pb},
		{"application/json", "application/json", js},
	} {
		resp, err := http.Post(h.URL+"/v1/traces", c.ct, bytes.NewReader(c.body))
		require.NoError(t, err)
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, string(out))
		assert.Equal(t, c.wantCT, resp.Header.Get("Content-Type"))
	}
	spans := h.Spans()
	require.Len(t, spans, 2)
	for i, name := range []string{"pb", "json"} {
		assert.Equal(t, name, spans[i].Name)
		assert.Equal(t, id, spans[i].TraceId, "%s trace id", name)
		assert.Equal(t, id[:8], spans[i].SpanId, "%s span id", name)
	}
	resp, err := http.Post(h.URL+"/v1/traces", "text/plain", bytes.NewReader(js))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
}
