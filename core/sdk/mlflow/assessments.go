package mlflow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

var _ sdk.AssessmentDestination = (*Exporter)(nil)

// LogAssessment creates the assessment on the server (CreateAssessment, POST
// /api/3.0/mlflow/traces/{trace_id}/assessments). The server gives it an id of its own,
// which the exporter remembers for the process's lifetime, so that an update overriding
// it and its deletion name the server's assessment; an override of an assessment this
// process did not send goes without its Overrides.
func (e *Exporter) LogAssessment(ctx context.Context, a tracedata.Assessment) error {
	local := a.AssessmentID
	a.AssessmentID = ""
	e.mu.Lock()
	if a.Overrides != "" {
		a.Overrides = e.remote[a.Overrides]
	}
	e.mu.Unlock()
	var out struct {
		Assessment struct {
			AssessmentID string `json:"assessment_id"`
		} `json:"assessment"`
	}
	body := map[string]json.RawMessage{"assessment": a.AppendJSON(nil)}
	if err := e.call(ctx, http.MethodPost, "/api/3.0/mlflow/traces/"+url.PathEscape(a.TraceID)+"/assessments", nil, body, &out); err != nil {
		return fmt.Errorf("MLflow CreateAssessment on %s: %w", a.TraceID, err)
	}
	if out.Assessment.AssessmentID != "" {
		e.mu.Lock()
		if e.remote == nil {
			e.remote = map[string]string{}
		}
		e.remote[local] = out.Assessment.AssessmentID
		e.mu.Unlock()
	}
	return nil
}

// DeleteAssessment deletes the server's copy of an assessment this process sent (DELETE
// /api/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}); one it did not send is
// left alone.
func (e *Exporter) DeleteAssessment(ctx context.Context, traceID, assessmentID string) error {
	e.mu.Lock()
	remote, ok := e.remote[assessmentID]
	e.mu.Unlock()
	if !ok {
		return nil
	}
	path := "/api/3.0/mlflow/traces/" + url.PathEscape(traceID) + "/assessments/" + url.PathEscape(remote)
	if err := e.call(ctx, http.MethodDelete, path, nil, nil, nil); err != nil {
		return fmt.Errorf("MLflow DeleteAssessment %s on %s: %w", remote, traceID, err)
	}
	e.mu.Lock()
	delete(e.remote, assessmentID)
	e.mu.Unlock()
	return nil
}
