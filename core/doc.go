// Package core is the agentlens tracing SDK: spans, function and iterator wrappers, the
// low-level client, and the export pipeline. It brings MLflow Tracing's model to Go: every
// run becomes a trace, a tree of typed spans with inputs, outputs, token usage, timings,
// errors and tags, built on the OpenTelemetry Go SDK with a TracerProvider of its own.
//
//	ctx, span := core.StartSpan(ctx, "answer", core.WithSpanType(spantypes.Chain), core.WithInputs(question))
//	defer span.End()
//
//	docs, err := core.Trace(ctx, "retrieve", func(ctx context.Context) ([]string, error) {
//		return store.Search(ctx, question)
//	}, core.WithSpanType(spantypes.Retriever))
//
// # Spans and context
//
// The active span travels in context.Context: StartSpan makes a child of the span in ctx, or
// the root of a new trace. Hand the returned ctx to nested calls and goroutines; nothing is
// goroutine-local. SpanFromContext never returns nil, and every Span method is a no-op on a
// span that is not recording, so instrumented code needs no nil checks.
//
// # Wrappers
//
// Trace runs a closure in a span; Func, Func0, Func2 and Func3 return traced versions of
// functions, recording their arguments as inputs. Errors are recorded as exception events
// with status ERROR and returned unchanged; panics are recorded and continue with the same
// value. Seq and Seq2 trace iterators (the generator analog): one chunk event per item, the
// span ending when iteration does.
//
// # Traces
//
// Ending the root span completes the trace: TraceInfo (state, previews, token usage, size,
// metadata, tags) is computed on the export goroutine and the trace goes to every configured
// Destination through bounded queues that never block the traced code. The default destination
// is the local store (package store, ./agentlens.db); Client searches, tags and deletes there. UpdateCurrentTrace
// adds tags, metadata, session and user from anywhere in the trace; GetTrace and
// LastActiveTraceID read finished traces back. Client starts and ends spans by explicit ids.
//
// # Configuration
//
// Configure is optional; the first span configures tracing from the environment
// (AGENTLENS_STORE, AGENTLENS_CAPTURE_CONTENT, AGENTLENS_MAX_PAYLOAD_BYTES,
// MLFLOW_TRACE_SAMPLING_RATIO, MLFLOW_TRACE_TIMEOUT_SECONDS, MLFLOW_EXPERIMENT_ID,
// MLFLOW_EXPERIMENT_NAME). Disable turns tracing off at once;
// Suppress turns it off below a context. Flush and Shutdown drain the pipeline. Internal
// failures never reach the traced code: they are logged once per kind and counted (GetStats).
package core
