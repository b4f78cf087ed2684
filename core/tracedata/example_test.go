package tracedata_test

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

func ExampleTrace_SearchSpans() {
	t := &tracedata.Trace{Spans: []tracedata.Span{
		{SpanID: "a1", Name: "agent", Attributes: map[string]string{spantypes.KeySpanType: `"AGENT"`}},
		{SpanID: "b2", ParentID: "a1", Name: "get_weather", Attributes: map[string]string{
			spantypes.KeySpanType: `"TOOL"`, spantypes.KeySpanOutputs: `{"temp_c":21}`}},
		{SpanID: "c3", ParentID: "a1", Name: "get_time", Attributes: map[string]string{spantypes.KeySpanType: `"TOOL"`}},
	}}
	for _, s := range t.SearchSpans(tracedata.SpanQuery{Type: spantypes.Tool, NameRegexp: regexp.MustCompile(`^get_w`)}) {
		fmt.Println(s.Name, string(s.Outputs()))
	}
	fmt.Println("root:", t.RootSpan().Name)
	// Output:
	// get_weather {"temp_c":21}
	// root: agent
}

func ExampleTrace_MarshalJSON() {
	t := tracedata.Trace{
		Info: tracedata.TraceInfo{TraceID: "tr-0af7651916cd43dd8448eb211c80319c", ExperimentID: "0",
			TimestampMS: 1700000000000, ExecutionTimeMS: 12, State: tracedata.StateOK},
		Spans: []tracedata.Span{{TraceID: "tr-0af7651916cd43dd8448eb211c80319c", SpanID: "b7ad6b7169203331",
			Name: "answer", StartTimeUnixNano: 1700000000000000000, EndTimeUnixNano: 1700000000012000000,
			Status: tracedata.Status{Code: tracedata.StatusOK}}},
	}
	b, _ := json.MarshalIndent(t, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "info": {
	//     "trace_id": "tr-0af7651916cd43dd8448eb211c80319c",
	//     "trace_location": {
	//       "type": "MLFLOW_EXPERIMENT",
	//       "mlflow_experiment": {
	//         "experiment_id": "0"
	//       }
	//     },
	//     "request_time": "2023-11-14T22:13:20.000Z",
	//     "execution_duration_ms": 12,
	//     "state": "OK"
	//   },
	//   "data": {
	//     "spans": [
	//       {
	//         "trace_id": "tr-0af7651916cd43dd8448eb211c80319c",
	//         "span_id": "b7ad6b7169203331",
	//         "parent_span_id": null,
	//         "name": "answer",
	//         "start_time_unix_nano": 1700000000000000000,
	//         "end_time_unix_nano": 1700000000012000000,
	//         "events": [],
	//         "status": {
	//           "code": "OK",
	//           "message": ""
	//         },
	//         "attributes": {
	//           "mlflow.traceRequestId": "\"tr-0af7651916cd43dd8448eb211c80319c\""
	//         },
	//         "otel_trace_id": "0af7651916cd43dd8448eb211c80319c"
	//       }
	//     ]
	//   }
	// }
}
