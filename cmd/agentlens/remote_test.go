package main

import (
	"context"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// TestShowMarksSpansFromAnotherProcess: a caller's trace and the part a service it called
// exported (its root carries agentlens.remoteParent) merge in the store; show marks the
// service's spans.
func TestShowMarksSpansFromAnotherProcess(t *testing.T) {
	f := newFixture(t)
	st, err := store.Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	const id = "tr-0af7651916cd43dd8448eb211c80319c"
	ok := tracedata.Status{Code: tracedata.StatusOK}
	part := &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: id, ExperimentID: "0", State: tracedata.StateOK}, Spans: []tracedata.Span{
		{TraceID: id, SpanID: "0000000000000003", ParentID: "0000000000000002", Name: "search", StartTimeUnixNano: 3e6, EndTimeUnixNano: 4e6, Status: ok,
			Attributes: map[string]string{"mlflow.spanType": `"RETRIEVER"`, "agentlens.remoteParent": "true"}},
		{TraceID: id, SpanID: "0000000000000004", ParentID: "0000000000000003", Name: "rank", StartTimeUnixNano: 3e6 + 1, EndTimeUnixNano: 4e6, Status: ok,
			Attributes: map[string]string{"mlflow.spanType": `"RERANKER"`}},
	}}
	whole := &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: id, ExperimentID: "0", State: tracedata.StateOK, TimestampMS: 1, ExecutionTimeMS: 9,
		Tags: map[string]string{"mlflow.traceName": "agent"}}, Spans: []tracedata.Span{
		{TraceID: id, SpanID: "0000000000000001", Name: "agent", StartTimeUnixNano: 1e6, EndTimeUnixNano: 10e6, Status: ok, Attributes: map[string]string{"mlflow.spanType": `"AGENT"`}},
		{TraceID: id, SpanID: "0000000000000002", ParentID: "0000000000000001", Name: "call search", StartTimeUnixNano: 2e6, EndTimeUnixNano: 5e6, Status: ok, Attributes: map[string]string{"mlflow.spanType": `"TOOL"`}},
	}}
	for _, tr := range []*tracedata.Trace{part, whole} {
		if err := st.Export(context.Background(), tr); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	r := f.run(t, 0, "", "traces", "show", id)
	want := []string{
		"└─ AGENT agent OK 9ms",
		"   └─ TOOL call search OK 3ms",
		"      └─ RETRIEVER search OK 1ms  [from another process]",
		"         └─ RERANKER rank OK 1ms  [from another process]",
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 || strings.Join(lines[1:], "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout:\n%s\nwant after the header:\n%s", r.stdout, strings.Join(want, "\n"))
	}
}
