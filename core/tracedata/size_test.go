package tracedata

import (
	"testing"
)

func TestJSONSizeMatchesEncoding(t *testing.T) {
	spans := []Span{
		{},
		{TraceID: "tr-0123456789abcdef0123456789abcdef", SpanID: "00f067aa0ba902b7", Name: "root",
			StartTimeUnixNano: 1700000000000000000, EndTimeUnixNano: 1700000000100000000,
			Status: Status{Code: StatusOK}},
		{TraceID: "tr-x\"y", SpanID: "b", ParentID: "a", Name: "héllo \u2028 \x01 \xff",
			Status:     Status{Code: StatusError, Message: "boom \"quoted\""},
			Attributes: map[string]string{"mlflow.spanInputs": `{"q":"what\n is <this>?"}`, "k": "3"},
			Events: []Event{
				{Name: "mlflow.chunk.item.0", TimeUnixNano: 5, Attributes: map[string]any{"mlflow.chunk.value": `"tok"`}},
				{Name: "exception", TimeUnixNano: -7, Attributes: map[string]any{
					"i": int64(-3), "f": 2.0, "b": true, "ss": []string{"a", "b"}, "fs": []float64{1, 0.5}, "is": []int64{1}, "bs": []bool{false},
				}},
				{Name: "empty"},
			},
			Links: []Link{{TraceID: "t", SpanID: "s"}, {TraceID: "u", SpanID: "v", Attributes: map[string]any{"n": int64(1)}}},
		},
		{TraceID: "tr-1", SpanID: "c", Attributes: map[string]string{"mlflow.traceRequestId": `"tr-1"`}},
	}
	for i := range spans {
		if got, want := spans[i].JSONSize(), len(spans[i].AppendJSON(nil)); got != want {
			t.Errorf("span %d: JSONSize = %d, encoded length %d\n%s", i, got, want, spans[i].AppendJSON(nil))
		}
	}
}

func FuzzJSONSize(f *testing.F) {
	f.Add("tr-abc", "name", "msg", "key", `{"v":1}`, "ev", "chunk")
	f.Add("tr-\x00\"", "\u2028", "\xff", "", "", "", "")
	f.Fuzz(func(t *testing.T, traceID, name, msg, key, val, evName, evVal string) {
		s := Span{TraceID: traceID, SpanID: "1", ParentID: name, Name: name,
			Status:     Status{Code: StatusError, Message: msg},
			Attributes: map[string]string{key: val, "other": val},
			Events: []Event{{Name: evName, Attributes: map[string]any{evName: evVal, "n": int64(len(evVal))}},
				ChunkEvent(evName, 7, evVal)},
		}
		compact := s.AppendJSON(nil)
		if got, want := s.JSONSize(), len(compact); got != want {
			t.Fatalf("JSONSize = %d, encoded length %d: %s", got, want, compact)
		}
		// A compact chunk event encodes as its expanded form does.
		s.ExpandChunks()
		if expanded := s.AppendJSON(nil); string(expanded) != string(compact) {
			t.Fatalf("compact chunk encodes as\n%s\nexpanded as\n%s", compact, expanded)
		}
	})
}

func FuzzInfoJSONSize(f *testing.F) {
	f.Add("tr-abc", "0", int64(1757930400123), "hello", "world", "k", "v")
	f.Add("tr-\x00\"", "\u2028", int64(-62135596800001), "\xff", "", "", "")
	f.Add("", "", int64(253402300800000), "", "", "", "")
	f.Fuzz(func(t *testing.T, traceID, experiment string, ms int64, req, resp, key, val string) {
		i := TraceInfo{TraceID: traceID, ExperimentID: experiment, TimestampMS: ms, ExecutionTimeMS: ms / 7,
			State: StateOK, RequestPreview: req, ResponsePreview: resp, ClientRequestID: key,
			Metadata: map[string]string{key: val, "mlflow.trace_schema.version": "3"}, Tags: map[string]string{val: key}}
		if ms%2 == 0 { // half the inputs carry assessments
			i.Assessments = []Assessment{
				{AssessmentID: key, Name: val, TraceID: traceID, SpanID: req, CreateTimeMS: ms, LastUpdateTimeMS: ms / 3,
					Source:    AssessmentSource{SourceType: SourceHuman, SourceID: resp},
					Feedback:  &Feedback{Value: []byte(`1.5`), Error: &AssessmentError{ErrorCode: key, StackTrace: val}},
					Rationale: req, Metadata: map[string]string{key: val}, Overrides: experiment},
				{AssessmentID: val, Expectation: &Expectation{Value: []byte(`{"k":[1]}`)}, Valid: true},
			}
		}
		if got, want := i.JSONSize(), len(i.AppendJSON(nil)); got != want {
			t.Fatalf("JSONSize = %d, encoded length %d: %s", got, want, i.AppendJSON(nil))
		}
	})
}
