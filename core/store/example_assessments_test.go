package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// A human judges a stored trace, a judge's verdict is overridden, and a search finds the
// trace by its feedback. (docs-pending/assessments.md shows this snippet.)
func ExampleStore_LogFeedback() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "assess-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "agentlens.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	_ = st.Export(ctx, &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: "tr-0123456789abcdef0123456789abcdef", State: tracedata.StateOK}})
	traceID := "tr-0123456789abcdef0123456789abcdef"

	// Feedback: a value (bool, number, string, JSON object or array), who gave it and why.
	fb, err := st.LogFeedback(ctx, traceID, "correctness", false,
		store.WithSource(tracedata.SourceLLMJudge, "gpt-judge"), store.WithRationale("wrong city"))
	if err != nil {
		panic(err)
	}
	// Ground truth.
	if _, err := st.LogExpectation(ctx, traceID, "expected_answer", "Paris"); err != nil {
		panic(err)
	}
	// A human overrides the judge: a new feedback, the old one kept with Valid false.
	human := tracedata.AssessmentSource{SourceType: tracedata.SourceHuman, SourceID: "alice"}
	if _, err := st.UpdateAssessment(ctx, traceID, fb.AssessmentID, store.AssessmentUpdate{Value: true, Source: &human}); err != nil {
		panic(err)
	}

	res, _ := st.SearchTraces(ctx, store.SearchOptions{Filter: "feedback.correctness = 'true' AND expectation.expected_answer = 'Paris'"})
	for _, a := range res.Traces[0].Assessments {
		fmt.Println(a.Name, string(a.Value()), a.Source.SourceType, "valid:", a.Valid)
	}
	// Output:
	// correctness false LLM_JUDGE valid: false
	// expected_answer "Paris" HUMAN valid: true
	// correctness true HUMAN valid: true
}
