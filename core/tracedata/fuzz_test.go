package tracedata_test

import (
	"encoding/json"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
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
		tr.Cost()
		tr.Walk(func(*tracedata.Span, int) {})
	})
}

// FuzzSpanCost feeds arbitrary text to the cost parser: what it accepts must write back as
// JSON that parses to the same cost.
func FuzzSpanCost(f *testing.F) {
	f.Add(`{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`)
	f.Add(`{"input_cost":null,"total_cost":1e-9,"x":[1]}`)
	f.Add(`{"input_cost":-0,"output_cost":1e308}`)
	f.Fuzz(func(t *testing.T, attr string) {
		s := tracedata.Span{Attributes: map[string]string{spantypes.KeyLLMCost: attr}}
		c, ok := s.Cost()
		if !ok {
			return
		}
		out := c.AppendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("%q: invalid JSON %s", attr, out)
		}
		back := tracedata.Span{Attributes: map[string]string{spantypes.KeyLLMCost: string(out)}}
		if again, ok := back.Cost(); !ok || again != c {
			t.Fatalf("%q: %+v writes %s, which reads %+v %v", attr, c, out, again, ok)
		}
	})
}
