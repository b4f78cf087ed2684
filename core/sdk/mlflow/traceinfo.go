package mlflow

import (
	"strconv"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
)

// startTraceV3 is the body of POST /api/3.0/mlflow/traces (StartTraceV3 in MLflow's
// service.proto), in the protobuf JSON mapping MLflow's REST API uses: field names as in
// the .proto, Timestamp as RFC 3339 text, Duration as seconds with an "s".
type startTraceV3 struct {
	Trace struct {
		TraceInfo traceInfoV3 `json:"trace_info"`
	} `json:"trace"`
}

type traceInfoV3 struct {
	TraceID           string            `json:"trace_id"`
	ClientRequestID   string            `json:"client_request_id,omitempty"`
	TraceLocation     traceLocation     `json:"trace_location"`
	RequestPreview    string            `json:"request_preview,omitempty"`
	ResponsePreview   string            `json:"response_preview,omitempty"`
	RequestTime       string            `json:"request_time"`
	ExecutionDuration string            `json:"execution_duration"`
	State             string            `json:"state"`
	TraceMetadata     map[string]string `json:"trace_metadata,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
}

type traceLocation struct {
	Type             string `json:"type"`
	MlflowExperiment struct {
		ExperimentID string `json:"experiment_id"`
	} `json:"mlflow_experiment"`
}

// Metadata the destination adds, as MLflow's Python SDK records them.
const (
	metaSourceRun = "mlflow.sourceRun"
)

// newStartTrace describes a trace for StartTraceV3.
func newStartTrace(t *tracedata.Trace, experimentID, runID string) *startTraceV3 {
	info := &t.Info
	var body startTraceV3
	ti := &body.Trace.TraceInfo
	ti.TraceID = info.TraceID
	ti.ClientRequestID = info.ClientRequestID
	ti.TraceLocation.Type = "MLFLOW_EXPERIMENT"
	ti.TraceLocation.MlflowExperiment.ExperimentID = experimentID
	ti.RequestPreview = info.RequestPreview
	ti.ResponsePreview = info.ResponsePreview
	ti.RequestTime = time.UnixMilli(info.TimestampMS).UTC().Format(time.RFC3339Nano)
	ti.ExecutionDuration = durationJSON(time.Duration(info.ExecutionTimeMS) * time.Millisecond)
	ti.State = string(info.State)
	if ti.State == "" {
		ti.State = string(tracedata.StateUnspecified)
	}
	ti.TraceMetadata = make(map[string]string, len(info.Metadata)+1)
	for k, v := range info.Metadata {
		ti.TraceMetadata[k] = v
	}
	if runID != "" {
		ti.TraceMetadata[metaSourceRun] = runID
	}
	ti.Tags = info.Tags
	return &body
}

// durationJSON writes a google.protobuf.Duration as its JSON mapping: "1.500s", "0s".
func durationJSON(d time.Duration) string {
	s := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	return s + "s"
}
