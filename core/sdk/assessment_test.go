//go:build !agentlens_nostore

package sdk_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// A program logs feedback on a trace it just finished: the trace is flushed to the store
// first, the configured payload cap applies, and a search by feedback finds it.
func TestLogFeedbackOnTheLocalStore(t *testing.T) {
	ctx := context.Background()
	configureStore(t, filepath.Join(t.TempDir(), "traces.db"), sdk.WithMaxPayloadBytes(64))
	_, root := core.StartSpan(ctx, "answer")
	root.End()
	id := root.TraceID()

	fb, err := sdk.LogFeedback(ctx, id, "helpful", true, store.WithSource(tracedata.SourceHuman, "bob"))
	require.NoError(t, err)
	_, err = sdk.LogExpectation(ctx, id, "expected", "yes")
	require.NoError(t, err)
	_, err = sdk.LogFeedback(ctx, id, "long", strings.Repeat("x", 100))
	require.ErrorContains(t, err, "over the cap of 64")

	res, err := sdk.SearchTraces(ctx, store.SearchOptions{Filter: "feedback.helpful = 'true'"})
	require.NoError(t, err)
	require.Len(t, res.Traces, 1)
	require.Equal(t, id, res.Traces[0].TraceID)

	upd, err := sdk.UpdateAssessment(ctx, id, fb.AssessmentID, store.AssessmentUpdate{Value: false})
	require.NoError(t, err)
	require.Equal(t, fb.AssessmentID, upd.Overrides)
	old, err := sdk.GetAssessment(ctx, id, fb.AssessmentID)
	require.NoError(t, err)
	require.False(t, old.Valid)
	require.NoError(t, sdk.DeleteAssessment(ctx, id, upd.AssessmentID))
	got, err := sdk.GetTrace(ctx, id)
	require.NoError(t, err)
	require.Len(t, got.Info.Assessments, 2)
	require.True(t, got.Info.Assessments[0].Valid)
}
