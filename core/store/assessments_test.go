package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

func TestAssessmentLifecycle(t *testing.T) {
	ctx := context.Background()
	st, _ := openTemp(t)
	tr := handMadeTrace("tr-assess", 3)
	require.NoError(t, st.Export(ctx, tr))

	fb, err := st.LogFeedback(ctx, tr.Info.TraceID, "correctness", true,
		store.WithRationale("cites the docs"), store.WithSource(tracedata.SourceHuman, "alice"),
		store.WithSpan(tr.Spans[1].SpanID), store.WithAssessmentMetadata(map[string]string{"round": "1"}))
	require.NoError(t, err)
	require.Regexp(t, `^a-[0-9a-f]{32}$`, fb.AssessmentID)
	require.Equal(t, json.RawMessage(`true`), fb.Feedback.Value)
	require.True(t, fb.Valid)
	exp, err := st.LogExpectation(ctx, tr.Info.TraceID, "expected_answer", map[string]any{"city": "Paris", "tags": []string{"<b>"}})
	require.NoError(t, err)
	require.Equal(t, `{"city":"Paris","tags":["<b>"]}`, string(exp.Expectation.Value))
	require.Equal(t, tracedata.AssessmentSource{SourceType: tracedata.SourceHuman, SourceID: "default"}, exp.Source)
	judged, err := st.LogFeedback(ctx, tr.Info.TraceID, "relevance", nil, store.WithFeedbackError("TimeoutError", "judge timed out", ""))
	require.NoError(t, err)
	require.Equal(t, tracedata.SourceCode, judged.Source.SourceType) // feedback defaults to CODE, as in MLflow

	got, err := st.GetTrace(ctx, tr.Info.TraceID)
	require.NoError(t, err)
	require.Equal(t, []tracedata.Assessment{fb, exp, judged}, got.Info.Assessments)
	one, err := st.GetAssessment(ctx, tr.Info.TraceID, exp.AssessmentID)
	require.NoError(t, err)
	require.Equal(t, exp, one)

	// The trace's JSON carries them under info.assessments, and reads back equal.
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.Contains(t, string(b), `"assessments":[{"assessment_id":"`+fb.AssessmentID+`","assessment_name":"correctness"`)
	var back tracedata.Trace
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, *got, back)

	// Updating a feedback overrides it: a new one, and the old one kept, invalid.
	newRationale := "missed a step"
	upd, err := st.UpdateAssessment(ctx, tr.Info.TraceID, fb.AssessmentID, store.AssessmentUpdate{Value: false, Rationale: &newRationale})
	require.NoError(t, err)
	require.NotEqual(t, fb.AssessmentID, upd.AssessmentID)
	require.Equal(t, fb.AssessmentID, upd.Overrides)
	require.Equal(t, json.RawMessage(`false`), upd.Feedback.Value)
	require.Equal(t, "missed a step", upd.Rationale)
	require.Equal(t, fb.Source, upd.Source)
	require.Equal(t, fb.SpanID, upd.SpanID)
	require.True(t, upd.Valid)
	old, err := st.GetAssessment(ctx, tr.Info.TraceID, fb.AssessmentID)
	require.NoError(t, err)
	require.False(t, old.Valid)
	old.Valid = true
	require.Equal(t, fb, old) // nothing else of the old one changed
	_, err = st.UpdateAssessment(ctx, tr.Info.TraceID, fb.AssessmentID, store.AssessmentUpdate{Value: true})
	require.ErrorContains(t, err, "overridden")

	// An expectation is updated in place.
	exp2, err := st.UpdateAssessment(ctx, tr.Info.TraceID, exp.AssessmentID, store.AssessmentUpdate{Value: "Lyon"})
	require.NoError(t, err)
	require.Equal(t, exp.AssessmentID, exp2.AssessmentID)
	require.Equal(t, `"Lyon"`, string(exp2.Expectation.Value))
	require.GreaterOrEqual(t, exp2.LastUpdateTimeMS, exp.LastUpdateTimeMS)

	// Deleting the override makes the overridden feedback valid again.
	require.NoError(t, st.DeleteAssessment(ctx, tr.Info.TraceID, upd.AssessmentID))
	old, err = st.GetAssessment(ctx, tr.Info.TraceID, fb.AssessmentID)
	require.NoError(t, err)
	require.True(t, old.Valid)
	err = st.DeleteAssessment(ctx, tr.Info.TraceID, upd.AssessmentID)
	require.ErrorIs(t, err, store.ErrAssessmentNotFound)
	_, err = st.GetAssessment(ctx, "tr-nope", fb.AssessmentID)
	require.ErrorIs(t, err, tracedata.ErrTraceNotFound)

	// A re-export of the trace (the SDK exporting it again) keeps them.
	require.NoError(t, st.Export(ctx, handMadeTrace("tr-assess", 3)))
	got, err = st.GetTrace(ctx, tr.Info.TraceID)
	require.NoError(t, err)
	require.Len(t, got.Info.Assessments, 3)

	// Deleting the trace deletes them.
	n, err := st.DeleteTraces(ctx, store.DeleteOptions{TraceIDs: []string{tr.Info.TraceID}})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, st.Export(ctx, handMadeTrace("tr-assess", 3)))
	got, err = st.GetTrace(ctx, tr.Info.TraceID)
	require.NoError(t, err)
	require.Empty(t, got.Info.Assessments)
}

// A trace read from one store and exported to another brings its assessments along.
func TestAssessmentsTravelWithExport(t *testing.T) {
	ctx := context.Background()
	src, _ := openTemp(t)
	require.NoError(t, src.Export(ctx, handMadeTrace("tr-travel", 2)))
	_, err := src.LogFeedback(ctx, "tr-travel", "score", 4.5)
	require.NoError(t, err)
	want, err := src.GetTrace(ctx, "tr-travel")
	require.NoError(t, err)
	dst, err := store.Open(filepath.Join(t.TempDir(), "dst.db"))
	require.NoError(t, err)
	defer dst.Close()
	require.NoError(t, dst.Export(ctx, want))
	got, err := dst.GetTrace(ctx, "tr-travel")
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// Spans continued in another process arrive apart; merging the parts keeps the assessments
// logged on the first part.
func TestAssessmentsSurviveMerge(t *testing.T) {
	ctx := context.Background()
	st, _ := openTemp(t)
	whole := handMadeTrace("tr-merge", 3)
	part := *whole
	part.Spans = []tracedata.Span{whole.Spans[2]} // a child whose parent is elsewhere
	require.NoError(t, st.Export(ctx, &part))
	fb, err := st.LogFeedback(ctx, "tr-merge", "helpful", "yes", store.WithSpan(whole.Spans[2].SpanID))
	require.NoError(t, err)
	rootPart := *whole
	rootPart.Spans = whole.Spans[:2]
	require.NoError(t, st.Export(ctx, &rootPart))
	got, err := st.GetTrace(ctx, "tr-merge")
	require.NoError(t, err)
	require.Len(t, got.Spans, 3)
	require.Equal(t, []tracedata.Assessment{fb}, got.Info.Assessments)
}

func TestAssessmentBadInputWritesNothing(t *testing.T) {
	ctx := context.Background()
	st, _ := openTemp(t)
	require.NoError(t, st.Export(ctx, handMadeTrace("tr-bad", 2)))
	tests := []struct {
		name string
		log  func() error
		want string
	}{
		{"unknown trace", func() error { _, err := st.LogFeedback(ctx, "tr-nope", "n", 1); return err }, `trace "tr-nope": trace not found`},
		{"unknown span", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "n", 1, store.WithSpan("ffff")); return err }, `has no span "ffff"`},
		{"empty name", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "", 1); return err }, "name is empty"},
		{"dotted name", func() error { _, err := st.LogExpectation(ctx, "tr-bad", "a.b", 1); return err }, `"a.b" contains a "."`},
		{"NaN", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "n", math.NaN()); return err }, "not a finite number"},
		{"Inf", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "n", math.Inf(-1)); return err }, "not a finite number"},
		{"nested NaN", func() error {
			_, err := st.LogFeedback(ctx, "tr-bad", "n", map[string]float64{"x": math.Inf(1)})
			return err
		}, "not a finite number"},
		{"over the cap", func() error {
			_, err := st.LogFeedback(ctx, "tr-bad", "n", strings.Repeat("x", 100), store.WithMaxValueBytes(64))
			return err
		}, "102 bytes of JSON, over the cap of 64"},
		{"over the default cap", func() error {
			_, err := st.LogExpectation(ctx, "tr-bad", "n", strings.Repeat("x", store.DefaultMaxAssessmentBytes))
			return err
		}, "over the cap of 1048576"},
		{"not JSON", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "n", json.RawMessage("{nope")); return err }, "not valid JSON"},
		{"no value", func() error { _, err := st.LogFeedback(ctx, "tr-bad", "n", nil); return err }, "needs a value or an error"},
		{"expectation without value", func() error { _, err := st.LogExpectation(ctx, "tr-bad", "n", nil); return err }, "needs a value"},
		{"expectation with error", func() error {
			_, err := st.LogExpectation(ctx, "tr-bad", "n", 1, store.WithFeedbackError("E", "m", ""))
			return err
		}, "take no error"},
		{"bad source", func() error {
			_, err := st.LogFeedback(ctx, "tr-bad", "n", 1, store.WithSource("ROBOT", "r2"))
			return err
		}, `source type "ROBOT"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.log()
			require.ErrorContains(t, err, tc.want)
			got, gerr := st.GetTrace(ctx, "tr-bad")
			require.NoError(t, gerr)
			require.Empty(t, got.Info.Assessments)
		})
	}
	fb, err := st.LogFeedback(ctx, "tr-bad", "n", 1)
	require.NoError(t, err)
	_, err = st.UpdateAssessment(ctx, "tr-bad", fb.AssessmentID, store.AssessmentUpdate{Value: math.NaN()})
	require.ErrorContains(t, err, "not a finite number")
	_, err = st.UpdateAssessment(ctx, "tr-bad", "a-nope", store.AssessmentUpdate{Value: 2})
	require.ErrorIs(t, err, store.ErrAssessmentNotFound)
	got, err := st.GetTrace(ctx, "tr-bad")
	require.NoError(t, err)
	require.Equal(t, []tracedata.Assessment{fb}, got.Info.Assessments)
}

// A store written by a build before assessments is migrated in place and keeps its traces.
func TestMigrationAddsAssessments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := store.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.Export(ctx, handMadeTrace("tr-old", 2)))
	st.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DROP TABLE assessments; UPDATE agentlens_schema SET version = 1`)
	require.NoError(t, err)
	db.Close()
	// Read-only, a version 1 store reads as one without assessments: the CLI's list and
	// show work on it before any writer has migrated it.
	ro, err := store.OpenReadOnly(path)
	require.NoError(t, err)
	got, err := ro.GetTrace(ctx, "tr-old")
	require.NoError(t, err)
	require.Len(t, got.Spans, 2)
	require.Empty(t, got.Info.Assessments)
	res, err := ro.SearchTraces(ctx, store.SearchOptions{})
	require.NoError(t, err)
	require.Len(t, res.Traces, 1)
	_, err = ro.SearchTraces(ctx, store.SearchOptions{Filter: "feedback.ok = 'true'"})
	require.ErrorContains(t, err, "predates assessments (schema version 1)")
	ro.Close()
	st, err = store.Open(path)
	require.NoError(t, err)
	defer st.Close()
	_, err = st.LogFeedback(ctx, "tr-old", "ok", true)
	require.NoError(t, err)
	got, err = st.GetTrace(ctx, "tr-old")
	require.NoError(t, err)
	require.Len(t, got.Spans, 2)
	require.Len(t, got.Info.Assessments, 1)
}

// TestSearchAssessments gives MLflow's answer for each feedback and expectation form on a
// fixture of six traces (newest first, the default order): only valid assessments count, a
// string matches string values or a value's JSON text, numbers compare numerically.
func TestSearchAssessments(t *testing.T) {
	ctx := context.Background()
	st, fx := fill(t, 6)
	id := func(i int) string { return fx[i].id }
	log := func(a tracedata.Assessment, err error) tracedata.Assessment {
		t.Helper()
		require.NoError(t, err)
		return a
	}
	log(st.LogFeedback(ctx, id(0), "correctness", true, store.WithSource(tracedata.SourceHuman, "alice")))
	log(st.LogFeedback(ctx, id(0), "score", 4))
	log(st.LogFeedback(ctx, id(1), "correctness", false))
	log(st.LogFeedback(ctx, id(1), "score", 2.5))
	was := log(st.LogFeedback(ctx, id(2), "correctness", true))
	log(st.UpdateAssessment(ctx, id(2), was.AssessmentID, store.AssessmentUpdate{Value: false}))
	log(st.LogFeedback(ctx, id(2), "score", "n/a"))
	log(st.LogFeedback(ctx, id(3), "rating", "good answer"))
	log(st.LogExpectation(ctx, id(3), "expected_answer", "Paris"))
	log(st.LogFeedback(ctx, id(4), "score", nil, store.WithFeedbackError("TimeoutError", "judge timed out", "")))
	log(st.LogExpectation(ctx, id(4), "expected_facts", []string{"a", "b"}))
	log(st.LogFeedback(ctx, id(5), "details", map[string]any{"steps": 3}))

	tests := []struct {
		filter string
		want   []int
	}{
		{"feedback.correctness = 'true'", []int{0}}, // trace 2's true was overridden
		{"feedback.correctness = 'false'", []int{2, 1}},
		{"feedback.correctness != 'true'", []int{2, 1}},
		{"feedback.`correctness` = 'true' AND tag.env = 'prod'", []int{0}},
		{"feedback.correctness = 'true' AND tag.env = 'dev'", nil},
		{`feedback."correctness" ILIKE 'TR%'`, []int{0}},
		{"feedback.score > 3", []int{0}},
		{"feedback.score >= 2.5", []int{1, 0}},
		{"feedback.score < 3", []int{1}},
		{"feedback.score <= 4", []int{1, 0}},
		{"feedback.score = 4", []int{0}},
		{"feedback.score = 4.0", []int{0}},
		{"feedback.score = '4'", []int{0}},
		{"feedback.score != 4", []int{1}},
		{"feedback.score != '4'", []int{2, 1}},
		{"feedback.score = 'n/a'", []int{2}},
		{"feedback.score LIKE '%'", []int{2, 1, 0}}, // the error-only feedback has no value
		{"feedback.score RLIKE '^[0-9.]+$'", []int{1, 0}},
		{"feedback.rating LIKE '%good%'", []int{3}},
		{"feedback.rating LIKE '%GOOD%'", nil},
		{"feedback.rating ILIKE '%GOOD%'", []int{3}},
		{"feedback.rating RLIKE '^good'", []int{3}},
		{"feedback.details = '{\"steps\":3}'", []int{5}},
		{"feedback.details LIKE '%steps%'", []int{5}},
		{"expectation.expected_answer = 'Paris'", []int{3}},
		{"expectation.expected_answer != 'Paris'", nil},
		{"expectation.expected_facts LIKE '%\"a\"%'", []int{4}},
		{"expectation.expected_facts = '[\"a\",\"b\"]'", []int{4}},
		{"feedback.expected_answer = 'Paris'", nil}, // an expectation is not a feedback
		{"expectation.rating = 'good answer'", nil},
		{"feedback.missing = 'x'", nil},
		{"feedback.correctness = 'false' AND feedback.score < 3", []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: tc.filter})
			require.NoError(t, err)
			var want []string
			for _, i := range tc.want {
				want = append(want, id(i))
			}
			require.Equal(t, want, nilIfEmpty(ids(res.Traces)))
		})
	}
	// Search results carry the assessments, as GetTrace does.
	res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: "feedback.score > 3"})
	require.NoError(t, err)
	full, err := st.GetTrace(ctx, id(0))
	require.NoError(t, err)
	require.Equal(t, full.Info.Assessments, res.Traces[0].Assessments)
	require.Len(t, res.Traces[0].Assessments, 2)
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestAssessmentFilterErrors(t *testing.T) {
	tests := []struct{ filter, want string }{
		{"expectation.answer > 3", `expected an operator for expectation field`},
		{"feedback.score > 'high'", `expected a number, found "'high'"`},
		{"feedback.score LIKE 3", `expected a quoted string, found "3"`},
		{"feedback.score IN ('a')", `expected an operator for feedback field`},
		{"feedback.a.b = 'x'", `assessment name "a.b" contains a "."`},
		{"feedback. = 'x'", `expected a key after "feedback."`},
		{"feedback.score RLIKE '('", `invalid regular expression`},
	}
	for _, tc := range tests {
		_, err := store.ParseFilter(tc.filter)
		var fe *store.FilterError
		require.True(t, errors.As(err, &fe), "%s: %v", tc.filter, err)
		require.Contains(t, err.Error(), tc.want, tc.filter)
	}
	_, err := store.ParseOrderBy([]string{"feedback.score"})
	require.ErrorContains(t, err, "cannot be ordered by")
}
