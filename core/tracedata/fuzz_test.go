package tracedata_test

import (
	"encoding/json"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
)

// FuzzTraceJSON feeds arbitrary bytes to the trace decoder: it must never panic, and what it
// accepts must encode to valid JSON that decodes to the same trace.
func FuzzTraceJSON(f *testing.F) {
	f.Add([]byte(`{"info":{"trace_id":"tr-1","request_time":"2025-01-02T03:04:05.678Z","state":"OK"},"data":{"spans":[{"trace_id":"tr-1","span_id":"a","parent_span_id":null,"name":"n","start_time_unix_nano":1,"end_time_unix_nano":2,"events":[{"name":"e","time_unix_nano":3,"attributes":{"f":1.5,"i":2,"s":"x","l":[1,2]}}],"status":{"code":"OK","message":""},"attributes":{"mlflow.spanType":"\"TOOL\""}}]}}`))
	f.Add([]byte(`{"info":{},"data":{"spans":[{"links":[{"trace_id":"t","span_id":"s","attributes":{"b":[true]}}]}]}}`))
	f.Add([]byte(`{"data":{"spans":[{"events":[{"attributes":{"x":[1,"a"]}}]}]}}`))
	f.Add([]byte(`{"info":{"trace_id":"tr-1","assessments":[{"assessment_id":"a-1","assessment_name":"n","source":{"source_type":"HUMAN","source_id":"x"},"create_time":"2025-09-15T10:00:00.123Z","feedback":{"value":{"a":[1,true]},"error":{"error_code":"E"}},"valid":false},{"expectation":{"serialized_value":{"serialization_format":"JSON_FORMAT","value":"[1]"}}}]},"data":{"spans":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tr tracedata.Trace
		if err := json.Unmarshal(data, &tr); err != nil {
			return
		}
		out, err := json.Marshal(tr)
		if err != nil {
			t.Fatalf("marshal of a decoded trace failed: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		var back tracedata.Trace
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("a decoded trace re-encodes differently:\n%s\n%s", out, again)
		}
		tr.TokenUsage()
		tr.Walk(func(*tracedata.Span, int) {})
	})
}
