// Package core is the agentlens instrumentation API: spans, function and iterator wrappers,
// trace updates and the low-level client, for applications and for libraries that want their
// work traced. It brings MLflow Tracing's model to Go: every run becomes a trace, a tree of
// typed spans with inputs, outputs, token usage, timings, errors and tags.
//
//	ctx, span := core.StartSpan(ctx, "answer", core.WithSpanType(spantypes.Chain), core.WithInputs(question))
//	defer span.End()
//
//	docs, err := core.Trace(ctx, "retrieve", func(ctx context.Context) ([]string, error) {
//		return store.Search(ctx, question)
//	}, core.WithSpanType(spantypes.Retriever))
//
// # API and SDK
//
// This package records spans but decides nothing about where they go, and links no database
// and no exporter: like OpenTelemetry's API, it does nothing until an SDK is installed. The
// application installs one by importing package core/sdk (which keeps traces in the local
// store, ./agentlens.db, by default); libraries import only core. Adapters that need more
// than this API use package core/instrument.
//
// # Spans and context
//
// The active span travels in context.Context: StartSpan makes a child of the span in ctx, or
// the root of a new trace. Hand the returned ctx to nested calls and goroutines; nothing is
// goroutine-local. SpanFromContext never returns nil, and every Span method is a no-op on a
// span that is not recording, so instrumented code needs no nil checks. Suppress turns
// tracing off below a context.
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
// Ending the root span completes the trace and hands it to the SDK without waiting.
// UpdateCurrentTrace adds tags, metadata, session and user from anywhere in the trace. Client
// starts and ends spans by explicit ids, for code whose start and end live in different
// callbacks.
package core
