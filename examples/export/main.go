// Command export sends its traces beyond the local store to the destinations the
// environment names: an OpenTelemetry backend (OTEL_EXPORTER_OTLP_ENDPOINT) and an MLflow
// Tracking Server (MLFLOW_TRACKING_URI), each with its own queue and retries. One blank
// import turns both on:
//
//	import _ "github.com/agentlens/agentlens/core/sdk/export"
//
// It runs offline: its agent is a manual CHAIN span with a TOOL span, no model call. With
// no variable set, traces stay in the local store. To send them to a local Jaeger:
//
//	docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME=export-example go run ./examples/export
//
// and to an MLflow server (3.4 or later):
//
//	mlflow server --port 5000
//	MLFLOW_TRACKING_URI=http://localhost:5000 MLFLOW_EXPERIMENT_NAME=export-example go run ./examples/export
//
// It prints, per destination, what the pipeline did (sdk.GetStats).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	_ "github.com/agentlens/agentlens/core/sdk/export" // OTLP and MLflow from the environment
	"github.com/agentlens/agentlens/spantypes"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}

// run traces one agent run, waits for the destinations to take it, and reports.
func run(ctx context.Context, out io.Writer) error {
	if err := sdk.Configure(); err != nil { // the environment decides the destinations
		return err
	}
	answer, err := core.Trace(ctx, "plan trip", func(ctx context.Context) (string, error) {
		_, tool := core.StartSpan(ctx, "find flights", core.WithSpanType(spantypes.Tool),
			core.WithInputs(map[string]any{"from": "Paris", "to": "Lisbon"}))
		tool.SetOutputs([]string{"TP433 08:05", "AF1024 12:40"})
		tool.End()
		return "TP433 leaves at 08:05", nil
	}, core.WithSpanType(spantypes.Chain), core.WithInputs("Paris to Lisbon tomorrow?"))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "answer:", answer)
	fmt.Fprintln(out, "trace:", sdk.LastActiveTraceID())

	// Shutdown waits for every destination (bounded here), then reports what they did.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdk.Flush(sctx); err != nil {
		fmt.Fprintln(out, "flush:", err)
	}
	stats := sdk.GetStats()
	for _, d := range stats.Destinations {
		fmt.Fprintf(out, "%s: exported %d, retried %d, dropped %d, failed %d\n", d.Name, d.Exported, d.Retried, d.Dropped, d.Failed)
	}
	return sdk.Shutdown(sctx)
}
