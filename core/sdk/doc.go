// Package sdk is the agentlens SDK that applications link: it configures tracing, assembles
// the traces that packages core and core/instrument record into MLflow traces, and sends them
// to destinations through bounded queues that never block the traced code. Importing it
// installs it: the first span then configures tracing from the environment, and traces go to
// the local store (./agentlens.db) unless AGENTLENS_STORE says otherwise.
//
//	func main() {
//		defer func() { // writes the traces still queued, waiting at most 5s
//			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
//			defer cancel()
//			_ = sdk.Shutdown(ctx)
//		}()
//		undo := openai.Autolog()
//		defer undo()
//		...
//	}
//
// # Configuration
//
// Configure is optional; without it the first span configures tracing from the environment
// (AGENTLENS_STORE, AGENTLENS_CAPTURE_CONTENT, AGENTLENS_MAX_PAYLOAD_BYTES,
// MLFLOW_TRACE_SAMPLING_RATIO, MLFLOW_TRACE_TIMEOUT_SECONDS, MLFLOW_EXPERIMENT_ID,
// MLFLOW_EXPERIMENT_NAME). Options win over the environment. Disable turns tracing off at
// once. Flush and Shutdown drain the pipeline; Shutdown ends by its ctx's deadline or, without
// one, after WithShutdownTimeout, whatever the destinations do, and counts what it left.
//
// # Traces
//
// Completing a trace computes its TraceInfo as MLflow does (state, previews, token usage,
// size statistics, metadata, tags) on the export goroutine; then each Destination gets it.
// GetTrace reads a finished trace back from the first destination that can (the local
// store), and SearchTraces, SetTraceTag, DeleteTraceTag and DeleteTraces work on the local
// store; nothing finished is kept in memory. Internal failures never reach the traced code:
// they are counted (GetStats), logged at most once a minute per kind, and handed to the
// WithErrorHandler function when there is one.
//
// # Cost
//
// A model span's cost is span attribute mlflow.llm.cost, {"input_cost","output_cost",
// "total_cost"} in US dollars, and a trace's is metadata mlflow.trace.cost, the sum over its
// spans (not below a span that has one, as for token usage), as MLflow records them. A
// program or adapter that knows what a call cost sets it with core.Span.SetCost;
// WithModelPrices prices the other model spans from the token usage and a table of dollars
// per million tokens that the application gives. No table is built in: prices change.
//
//	sdk.Configure(sdk.WithModelPrices(map[string]sdk.ModelPrice{
//		"gpt-4o-mini": {InputPerMillion: 0.15, OutputPerMillion: 0.60},
//	}))
//
// # Without SQLite
//
// A program that sends its traces only elsewhere leaves SQLite out by building with
// -tags agentlens_nostore; the local store and its functions are then not there.
package sdk
