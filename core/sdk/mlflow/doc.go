// Package mlflow is the agentlens destination for an MLflow Tracking Server (3.4 or
// later): traces land in an experiment and read in MLflow's UI as traces logged by its
// Python SDK do.
//
//	import _ "github.com/agentlens/agentlens/core/sdk/mlflow" // MLFLOW_TRACKING_URI=http://... turns it on
//
// # Protocol
//
// The experiment comes from MLFLOW_EXPERIMENT_ID, else MLFLOW_EXPERIMENT_NAME (GET
// /api/2.0/mlflow/experiments/get-by-name, created with POST
// /api/2.0/mlflow/experiments/create when the server answers RESOURCE_DOES_NOT_EXIST), else
// "0". Spans go as gzipped OTLP protobuf to POST /v1/traces with x-mlflow-experiment-id
// (and x-mlflow-run-id for MLFLOW_RUN_ID); then each trace's info (name, previews, tags,
// metadata with token usage, state, times) goes with StartTraceV3, POST
// /api/3.0/mlflow/traces, which the server merges into the trace it ingested.
// MLFLOW_TRACKING_TOKEN sends a bearer token, MLFLOW_TRACKING_USERNAME and
// MLFLOW_TRACKING_PASSWORD basic credentials.
//
// # Servers
//
// /v1/traces exists from MLflow 3.4; an older server answers 404, which is not retried and
// is logged, saying that MLflow 3.4 or later is needed, and counted as a failure of this
// destination (sdk.Stats).
package mlflow
