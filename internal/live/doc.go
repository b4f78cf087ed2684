// Package live records spans and traces in memory while they run, for the instrumentation API
// (package core), the adapter surface (core/instrument) and the SDK (core/sdk), which all work
// on the same spans.
//
// A Span is started by Start under the span of a context, or as the root of a new Trace, in
// the Runtime the SDK installed (Install); with none installed, nothing is recorded and every
// Span is the no-op span. Attributes are kept as the JSON text MLflow stores. When the root span
// ends, the Trace is handed to the runtime's completion function, which runs on the caller's
// goroutine and must not block; the SDK then calls Trace.Assemble on its own goroutine to turn
// the recorded spans into tracedata spans.
//
// Every method of Span is safe for concurrent use and does nothing on a span that is not
// recording (the no-op span, or a span that ended).
package live
