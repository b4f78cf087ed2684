// Package export turns on, from the environment, every destination beyond the local store:
// importing it for its side effect links the OTLP destination (core/sdk/otlp, on when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set) and the MLflow
// Tracking Server destination (core/sdk/mlflow, on when MLFLOW_TRACKING_URI is http(s)://).
//
//	import _ "github.com/agentlens/agentlens/core/sdk/export"
//
// # Why an import
//
// The official OTLP clients link gRPC and protobuf (about 15 MB of binary, measured with
// go1.23 on linux/amd64: 10.4 MB for a program with core/sdk alone, 25.4 MB with the
// http/protobuf client, 25.7 MB with gRPC as well). A program that keeps its traces local
// does not pay for them; one that exports says so with this import, as database/sql drivers
// are linked. Without it, a set OTEL_EXPORTER_OTLP_ENDPOINT or MLFLOW_TRACKING_URI is
// logged as a warning naming the package to import.
package export

import (
	// Registered with sdk.RegisterEnvDestination in their init.
	_ "github.com/agentlens/agentlens/core/sdk/mlflow"
	_ "github.com/agentlens/agentlens/core/sdk/otlp"
)
