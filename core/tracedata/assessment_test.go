package tracedata_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/tracedata"
)

func sampleAssessments() []tracedata.Assessment {
	return []tracedata.Assessment{
		{AssessmentID: "a-0123456789abcdef0123456789abcdef", Name: "correctness", TraceID: "tr-1", SpanID: "00f067aa0ba902b7",
			Source:       tracedata.AssessmentSource{SourceType: tracedata.SourceHuman, SourceID: "alice@example.com"},
			CreateTimeMS: 1757930400123, LastUpdateTimeMS: 1757930401000,
			Feedback:  &tracedata.Feedback{Value: json.RawMessage(`true`)},
			Rationale: "cites the right page", Metadata: map[string]string{"project": "p"}, Valid: true},
		{AssessmentID: "a-2", Name: "relevance", TraceID: "tr-1",
			Source:       tracedata.AssessmentSource{SourceType: tracedata.SourceLLMJudge, SourceID: "judge"},
			CreateTimeMS: 1757930400000, LastUpdateTimeMS: 1757930400000,
			Feedback:  &tracedata.Feedback{Error: &tracedata.AssessmentError{ErrorCode: "TimeoutError", ErrorMessage: "judge timed out"}},
			Overrides: "a-1", Valid: false},
		{AssessmentID: "a-3", Name: "expected_answer", TraceID: "tr-1",
			Source:       tracedata.AssessmentSource{SourceType: tracedata.SourceHuman, SourceID: "default"},
			CreateTimeMS: 5, LastUpdateTimeMS: 5,
			Expectation: &tracedata.Expectation{Value: json.RawMessage(`"Paris"`)}, Valid: true},
		{AssessmentID: "a-4", Name: "expected_facts", TraceID: "tr-1",
			Source:      tracedata.AssessmentSource{SourceType: tracedata.SourceCode, SourceID: "default"},
			Expectation: &tracedata.Expectation{Value: json.RawMessage(`["a","b"]`)}, Valid: true},
	}
}

// The JSON is MLflow's Assessment.to_dictionary: proto field names, Timestamp strings, an
// expectation list serialized as JSON_FORMAT.
func TestAssessmentJSONShape(t *testing.T) {
	as := sampleAssessments()
	want := []string{
		`{"assessment_id":"a-0123456789abcdef0123456789abcdef","assessment_name":"correctness","trace_id":"tr-1","span_id":"00f067aa0ba902b7","source":{"source_type":"HUMAN","source_id":"alice@example.com"},"create_time":"2025-09-15T10:00:00.123Z","last_update_time":"2025-09-15T10:00:01Z","feedback":{"value":true},"rationale":"cites the right page","metadata":{"project":"p"},"valid":true}`,
		`{"assessment_id":"a-2","assessment_name":"relevance","trace_id":"tr-1","source":{"source_type":"LLM_JUDGE","source_id":"judge"},"create_time":"2025-09-15T10:00:00Z","last_update_time":"2025-09-15T10:00:00Z","feedback":{"error":{"error_code":"TimeoutError","error_message":"judge timed out"}},"overrides":"a-1","valid":false}`,
		`{"assessment_id":"a-3","assessment_name":"expected_answer","trace_id":"tr-1","source":{"source_type":"HUMAN","source_id":"default"},"create_time":"1970-01-01T00:00:00.005Z","last_update_time":"1970-01-01T00:00:00.005Z","expectation":{"value":"Paris"},"valid":true}`,
		`{"assessment_id":"a-4","assessment_name":"expected_facts","trace_id":"tr-1","source":{"source_type":"CODE","source_id":"default"},"create_time":"1970-01-01T00:00:00Z","last_update_time":"1970-01-01T00:00:00Z","expectation":{"serialized_value":{"serialization_format":"JSON_FORMAT","value":"[\"a\",\"b\"]"}},"valid":true}`,
	}
	for i := range as {
		got, err := json.Marshal(as[i])
		require.NoError(t, err)
		require.Equal(t, want[i], string(got))
		var back tracedata.Assessment
		require.NoError(t, json.Unmarshal(got, &back))
		require.Equal(t, as[i], back)
	}
}

func TestTraceWithAssessmentsRoundTrip(t *testing.T) {
	tr := tracedata.Trace{Info: tracedata.TraceInfo{TraceID: "tr-1", ExperimentID: "0", TimestampMS: 1757930400123,
		State: tracedata.StateOK, Tags: map[string]string{"k": "v"}, Assessments: sampleAssessments()}}
	b, err := json.Marshal(tr)
	require.NoError(t, err)
	var info struct {
		Info struct {
			Assessments []map[string]any `json:"assessments"`
		} `json:"info"`
	}
	require.NoError(t, json.Unmarshal(b, &info))
	require.Len(t, info.Info.Assessments, 4)
	require.Equal(t, "correctness", info.Info.Assessments[0]["assessment_name"])
	var back tracedata.Trace
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, tr, back)
	require.Equal(t, len(tr.Info.AppendJSON(nil)), tr.Info.JSONSize())
}

// MLflow writes valid only when set; a dictionary without it is a valid assessment, and one
// with both kinds or neither is rejected.
func TestAssessmentDecodeEdges(t *testing.T) {
	var a tracedata.Assessment
	require.NoError(t, json.Unmarshal([]byte(`{"assessment_id":"a-1","assessment_name":"n","trace_id":"tr-1","source":{"source_type":"HUMAN","source_id":"x"},"create_time":"2025-09-15T10:00:00.123456Z","last_update_time":"2025-09-15T10:00:00Z","feedback":{"value": {"score": 4}}}`), &a))
	require.True(t, a.Valid)
	require.Equal(t, `{"score":4}`, string(a.Value()))
	require.Equal(t, int64(1757930400123), a.CreateTimeMS)
	require.Error(t, json.Unmarshal([]byte(`{"assessment_id":"a-1","feedback":{"value":1},"expectation":{"value":1}}`), &a))
	require.Error(t, json.Unmarshal([]byte(`{"assessment_id":"a-1"}`), &a))
	require.Error(t, json.Unmarshal([]byte(`{"assessment_id":"a-1","expectation":{"serialized_value":{"serialization_format":"PICKLE","value":"x"}}}`), &a))
	require.Error(t, json.Unmarshal([]byte(`{"assessment_id":"a-1","create_time":"yesterday","feedback":{"value":1}}`), &a))
}
