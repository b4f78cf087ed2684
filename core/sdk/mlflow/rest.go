package mlflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/agentlens/agentlens/core/sdk"
)

// apiError is an error the Tracking Server answered with.
type apiError struct {
	Status    int
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("MLflow server: HTTP %d %s: %s", e.Status, e.ErrorCode, e.Message)
}

// call sends a REST request with a JSON body (nil for none) and decodes the JSON answer
// into out (nil to ignore it). Failures that may pass are sdk.RetryableError.
func (e *Exporter) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := e.cfg.trackingURI + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	e.authorize(req.Header)
	resp, err := e.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return sdk.Retryable(err, 0)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return sdk.Retryable(err, 0)
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(data, ae) != nil || ae.Message == "" {
			ae.Message = string(bytes.TrimSpace(data))
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return sdk.Retryable(ae, retryAfter(resp.Header.Get("Retry-After")))
		}
		return ae
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("MLflow server: %s %s: undecodable answer: %w", method, path, err)
	}
	return nil
}

func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// authorize adds the credentials the configuration holds.
func (e *Exporter) authorize(h http.Header) {
	switch {
	case e.cfg.token != "":
		h.Set("Authorization", "Bearer "+e.cfg.token)
	case e.cfg.user != "" || e.cfg.password != "":
		r := http.Request{Header: h}
		r.SetBasicAuth(e.cfg.user, e.cfg.password)
	}
}

// experiment resolves the experiment id once: the configured id, or the experiment of the
// configured name, created when missing.
func (e *Exporter) experiment(ctx context.Context) (string, error) {
	e.mu.Lock()
	id := e.expID
	e.mu.Unlock()
	if id != "" {
		return id, nil
	}
	id, err := e.resolveExperiment(ctx)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	e.expID = id
	e.mu.Unlock()
	return id, nil
}

func (e *Exporter) resolveExperiment(ctx context.Context) (string, error) {
	return e.resolveExperimentOnce(ctx, true)
}

func (e *Exporter) resolveExperimentOnce(ctx context.Context, mayCreate bool) (string, error) {
	name := e.cfg.experimentName
	var got struct {
		Experiment struct {
			ExperimentID string `json:"experiment_id"`
		} `json:"experiment"`
	}
	err := e.call(ctx, http.MethodGet, "/api/2.0/mlflow/experiments/get-by-name", url.Values{"experiment_name": {name}}, nil, &got)
	var ae *apiError
	switch {
	case err == nil && got.Experiment.ExperimentID != "":
		return got.Experiment.ExperimentID, nil
	case err == nil:
		return "", fmt.Errorf("MLflow server: experiment %q: answer without an experiment id", name)
	case !errors.As(err, &ae) || ae.ErrorCode != "RESOURCE_DOES_NOT_EXIST" || !mayCreate:
		return "", fmt.Errorf("MLflow experiment %q: %w", name, err)
	}
	var created struct {
		ExperimentID string `json:"experiment_id"`
	}
	err = e.call(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/create", nil, map[string]string{"name": name}, &created)
	if errors.As(err, &ae) && ae.ErrorCode == "RESOURCE_ALREADY_EXISTS" {
		// Another program created it meanwhile.
		return e.resolveExperimentOnce(ctx, false)
	}
	if err != nil {
		return "", fmt.Errorf("MLflow experiment %q: create: %w", name, err)
	}
	return created.ExperimentID, nil
}
