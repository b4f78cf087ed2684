package mlflow_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/mlflow"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

func TestMain(m *testing.M) {
	os.Setenv("AGENTLENS_STORE", "off")
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}

// runAgent traces a small agent run: a CHAIN root with inputs and outputs, tags and a
// user, and a CHAT_MODEL child with a model and token usage.
func runAgent() {
	ctx, root := core.StartSpan(context.Background(), "answer", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"question": "why is the sky blue?"}))
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"team": "search"}, User: "ada"})
	_, chat := core.StartSpan(ctx, "chat", core.WithSpanType(spantypes.ChatModel),
		core.WithAttributes(map[string]any{spantypes.KeyLLMModel: "gpt-4o"}))
	chat.SetTokenUsage(core.TokenUsage{InputTokens: 10, OutputTokens: 20})
	chat.End()
	root.SetOutputs("Rayleigh scattering")
	root.End()
}

func TestExperimentCreatedSpansAndTraceInfoLogged(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	t.Setenv(mlflow.EnvTrackingURI, srv.URL)
	t.Setenv(mlflow.EnvExperimentName, "agents")
	t.Setenv(mlflow.EnvTrackingToken, "tok-123")
	t.Setenv(mlflow.EnvRunID, "run-9")
	require.NoError(t, sdk.Configure(sdk.WithModelPrices(map[string]sdk.ModelPrice{"gpt-4o": {InputPerMillion: 2.5, OutputPerMillion: 10}})))
	defer sdk.Shutdown(context.Background())
	runAgent()
	require.NoError(t, sdk.Flush(context.Background()))
	traceID := sdk.LastActiveTraceID()

	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Equal(t, []string{
		"GET /api/2.0/mlflow/experiments/get-by-name",
		"POST /api/2.0/mlflow/experiments/create",
		"POST /v1/traces",
		"POST /api/3.0/mlflow/traces",
	}, srv.calls)
	assert.Equal(t, "100", srv.experiments["agents"])
	for _, a := range srv.auth {
		assert.Equal(t, "Bearer tok-123", a)
	}
	assert.Equal(t, []string{"run-9"}, srv.runIDs)

	spans := srv.spans["100"]
	require.Len(t, spans, 2)
	byName := map[string]map[string]string{}
	for _, s := range spans {
		attrs := map[string]string{}
		for _, kv := range s.Attributes {
			attrs[kv.Key] = kv.Value.GetStringValue()
		}
		byName[s.Name] = attrs
	}
	assert.Equal(t, `"CHAIN"`, byName["answer"]["mlflow.spanType"])
	assert.Equal(t, `{"question":"why is the sky blue?"}`, byName["answer"]["mlflow.spanInputs"])
	assert.Equal(t, `"`+traceID+`"`, byName["answer"]["mlflow.traceRequestId"])
	assert.Equal(t, `"CHAT_MODEL"`, byName["chat"]["mlflow.spanType"])
	assert.Equal(t, `{"input_tokens":10,"output_tokens":20,"total_tokens":30}`, byName["chat"]["mlflow.chat.tokenUsage"])
	// 10 input tokens at $2.50 per million, 20 output at $10.
	assert.Equal(t, `{"input_cost":0.000025,"output_cost":0.0002,"total_cost":0.000225}`, byName["chat"]["mlflow.llm.cost"])

	require.Len(t, srv.traceInfos, 1)
	ti := srv.traceInfos[0]
	assert.Equal(t, traceID, ti["trace_id"])
	assert.Equal(t, map[string]any{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": map[string]any{"experiment_id": "100"}}, ti["trace_location"])
	assert.Equal(t, `{"question":"why is the sky blue?"}`, ti["request_preview"])
	assert.Equal(t, "Rayleigh scattering", ti["response_preview"])
	assert.Equal(t, "OK", ti["state"])
	_, err := time.Parse(time.RFC3339Nano, ti["request_time"].(string))
	assert.NoError(t, err)
	assert.Regexp(t, `^[0-9.]+s$`, ti["execution_duration"])
	assert.Equal(t, map[string]any{"mlflow.traceName": "answer", "team": "search"}, ti["tags"])
	meta := ti["trace_metadata"].(map[string]any)
	assert.Equal(t, `{"input_tokens":10,"output_tokens":20,"total_tokens":30}`, meta["mlflow.trace.tokenUsage"])
	assert.Equal(t, `{"input_cost":0.000025,"output_cost":0.0002,"total_cost":0.000225}`, meta["mlflow.trace.cost"])
	assert.Equal(t, "ada", meta["mlflow.trace.user"])
	assert.Equal(t, "3", meta["mlflow.trace_schema.version"])
	assert.Equal(t, "run-9", meta["mlflow.sourceRun"])
	var usage map[string]int
	require.NoError(t, json.Unmarshal([]byte(meta["mlflow.trace.tokenUsage"].(string)), &usage))
}

func TestExistingExperimentAndBasicAuth(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	srv.experiments["agents"] = "7"
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentName("agents"), mlflow.WithBasicAuth("ada", "s3cret"))
	require.NoError(t, err)
	restore, err := sdk.Override(sdk.WithDestinations(e))
	require.NoError(t, err)
	runAgent()
	restore()
	assert.Equal(t, "7", e.ExperimentID())
	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Len(t, srv.spans["7"], 2)
	assert.Equal(t, "Basic YWRhOnMzY3JldA==", srv.auth[0])
	assert.NotContains(t, srv.calls, "POST /api/2.0/mlflow/experiments/create")
}

func TestExperimentIDNeedsNoLookup(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentID("42"))
	require.NoError(t, err)
	restore, err := sdk.Override(sdk.WithDestinations(e))
	require.NoError(t, err)
	runAgent()
	restore()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Equal(t, []string{"POST /v1/traces", "POST /api/3.0/mlflow/traces"}, srv.calls)
	assert.Len(t, srv.spans["42"], 2)
}

// A failing StartTraceV3 is retried without sending the spans again.
func TestTraceInfoRetryDoesNotResendSpans(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	failures := 2
	srv.fail = func(path string) int {
		if path == "/api/3.0/mlflow/traces" && failures > 0 {
			failures--
			return 503
		}
		return 0
	}
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentID("0"))
	require.NoError(t, err)
	restore, err := sdk.Override(sdk.WithDestinations(e), sdk.WithRetry(sdk.RetryPolicy{Initial: 5 * time.Millisecond, MaxElapsed: 10 * time.Second}))
	require.NoError(t, err)
	runAgent()
	require.NoError(t, sdk.Flush(context.Background()))
	st := sdk.GetStats()
	restore()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Len(t, srv.spans["0"], 2)
	assert.Len(t, srv.traceInfos, 1)
	assert.Equal(t, uint64(2), st.Destinations[0].Retried)
	assert.Equal(t, uint64(1), st.Destinations[0].Exported)
}

func TestNotAServerURI(t *testing.T) {
	for _, uri := range []string{"./mlruns", "databricks", "sqlite:///mlflow.db"} {
		_, err := mlflow.New(mlflow.WithTrackingURI(uri))
		assert.Error(t, err, uri)
	}
	// From the environment, such URIs are not this destination's: nothing is added.
	t.Setenv(mlflow.EnvTrackingURI, "./mlruns")
	require.NoError(t, sdk.Configure())
	defer sdk.Shutdown(context.Background())
	runAgent()
	require.NoError(t, sdk.Flush(context.Background()))
	assert.Empty(t, sdk.GetStats().Destinations)
}

// A server older than MLflow 3.4 has no /v1/traces: the failure says so, and is not retried.
func TestOldServerIsNamed(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	srv.fail = func(path string) int {
		if path == "/v1/traces" {
			return http.StatusNotFound
		}
		return 0
	}
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentID("0"))
	require.NoError(t, err)
	var mu sync.Mutex
	var failures []string
	restore, err := sdk.Override(sdk.WithDestinations(e), sdk.WithErrorHandler(func(kind string, err error) {
		mu.Lock()
		failures = append(failures, kind+": "+err.Error())
		mu.Unlock()
	}))
	require.NoError(t, err)
	runAgent()
	require.NoError(t, sdk.Flush(context.Background()))
	st := sdk.GetStats()
	restore()
	assert.Equal(t, uint64(1), st.Destinations[0].Failed)
	assert.Zero(t, st.Destinations[0].Retried)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], "MLflow /v1/traces answered 404: the server has no OTLP endpoint; agentlens needs MLflow 3.4 or later")
}

// Assessments logged through the SDK reach the server after their trace: created with
// CreateAssessment, an override naming the server's id of the feedback it replaces, and a
// deletion naming the server's id.
func TestAssessmentsReachTheServer(t *testing.T) {
	srv := newFakeMLflow()
	defer srv.Close()
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentID("0"))
	require.NoError(t, err)
	require.NoError(t, sdk.Configure(sdk.WithStore(filepath.Join(t.TempDir(), "traces.db")), sdk.WithDestinations(e)))
	defer sdk.Shutdown(context.Background())
	runAgent()
	ctx := context.Background()
	id := sdk.LastActiveTraceID()
	fb, err := sdk.LogFeedback(ctx, id, "correctness", false,
		store.WithSource(tracedata.SourceLLMJudge, "judge"), store.WithRationale("wrong city"))
	require.NoError(t, err)
	human := tracedata.AssessmentSource{SourceType: tracedata.SourceHuman, SourceID: "alice"}
	over, err := sdk.UpdateAssessment(ctx, id, fb.AssessmentID, store.AssessmentUpdate{Value: true, Source: &human})
	require.NoError(t, err)
	require.NoError(t, sdk.DeleteAssessment(ctx, id, over.AssessmentID))
	require.NoError(t, sdk.Flush(ctx))

	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.traceInfos, 1, "the trace reached the server")
	require.Len(t, srv.assessments, 2)
	first, second := srv.assessments[0], srv.assessments[1]
	assert.Equal(t, "correctness", first["assessment_name"])
	assert.Equal(t, id, first["trace_id"])
	assert.Equal(t, map[string]any{"value": false}, first["feedback"])
	assert.Equal(t, map[string]any{"source_type": "LLM_JUDGE", "source_id": "judge"}, first["source"])
	assert.Equal(t, "wrong city", first["rationale"])
	assert.Equal(t, map[string]any{"value": true}, second["feedback"])
	assert.Equal(t, "a-server-1", second["overrides"], "the override names the server's id")
	assert.Equal(t, []string{id + "/a-server-2"}, srv.deleted)
	// The calls came after the trace's own.
	var order []string
	for _, c := range srv.calls {
		if strings.Contains(c, "assessments") || c == "POST /api/3.0/mlflow/traces" {
			order = append(order, c)
		}
	}
	assert.Equal(t, "POST /api/3.0/mlflow/traces", order[0])
}
