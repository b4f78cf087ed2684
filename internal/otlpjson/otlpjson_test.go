package otlpjson

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// An export in OTLP's JSON encoding, as the OTLP specification's example writes it: hex ids,
// enum numbers, camelCase keys, a field this decoder does not know.
const export = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
"scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},"spans":[
{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173",
"name":"I'm a server span","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","kind":2,
"attributes":[{"key":"mlflow.spanType","value":{"stringValue":"\"TOOL\""}},{"key":"n","value":{"intValue":"3"}}],
"links":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}],
"status":{"code":2,"message":"boom"},"futureField":true}]}]}]}`

func TestDecodeReadsHexIDs(t *testing.T) {
	req, err := Decode([]byte(export))
	require.NoError(t, err)
	rs := req.ResourceSpans[0]
	assert.Equal(t, "shop", rs.Resource.Attributes[0].Value.GetStringValue())
	s := rs.ScopeSpans[0].Spans[0]
	assert.Equal(t, "5b8efff798038103d269b633813fc60c", hex.EncodeToString(s.TraceId))
	assert.Equal(t, "eee19b7ec3c1b174", hex.EncodeToString(s.SpanId))
	assert.Equal(t, "eee19b7ec3c1b173", hex.EncodeToString(s.ParentSpanId))
	assert.Equal(t, "0102030405060708090a0b0c0d0e0f10", hex.EncodeToString(s.Links[0].TraceId))
	assert.Equal(t, tracepb.Span_SPAN_KIND_SERVER, s.Kind)
	assert.Equal(t, uint64(1544712660000000000), s.StartTimeUnixNano)
	assert.Equal(t, `"TOOL"`, s.Attributes[0].Value.GetStringValue())
	assert.Equal(t, int64(3), s.Attributes[1].Value.GetIntValue())
	assert.Equal(t, tracepb.Status_STATUS_CODE_ERROR, s.Status.Code)
}

func TestEncodeRoundTrips(t *testing.T) {
	req, err := Decode([]byte(export))
	require.NoError(t, err)
	b, err := Encode(req)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"traceId":"5b8efff798038103d269b633813fc60c"`)
	again, err := Decode(b)
	require.NoError(t, err)
	assert.True(t, proto.Equal(req, again))
}

// Times written as JSON numbers, which protojson accepts, keep every digit.
func TestDecodeKeepsNumbers(t *testing.T) {
	req, err := Decode([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1544712660123456789}]}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, uint64(1544712660123456789), req.ResourceSpans[0].ScopeSpans[0].Spans[0].StartTimeUnixNano)
}

func TestDecodeErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":   `{"resourceSpans":`,
		"non-hex id": `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}`,
		"bad type":   `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]}`,
		"trailing":   `{} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(body))
			assert.ErrorContains(t, err, "otlp json")
		})
	}
}

// FuzzDecode: any body is decoded or refused with an error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(export))
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"spanId":"00"}]}]}]}]}`))
	f.Add([]byte(`{"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"ab"}]}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := Decode(body)
		if err == nil && req == nil {
			t.Fatal("nil request without an error")
		}
	})
}
