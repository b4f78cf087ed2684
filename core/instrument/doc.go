// Package instrument is what instrumentation adapters need beyond the span API of package
// core: recording payloads they already hold as JSON text without encoding them again,
// deferring work to the export goroutine, rebuilding a stream's chunk events there, recording
// errors known by type and message, and reporting their own failures. Like core it links no
// SDK: with none installed, everything here does nothing.
//
//	ctx, span := core.StartSpan(req.Context(), "Completions", core.WithSpanType(spantypes.ChatModel))
//	instrument.SetRawInputs(span, body) // the request body, recorded as is
//	instrument.OnExport(span, func(s *instrument.FinishedSpan) {
//		// On the export goroutine: read the response for its usage, off the caller's path.
//		s.SetTokenUsage(core.TokenUsage{InputTokens: in, OutputTokens: out})
//	})
//
// # Cheap gates
//
// Tracing reports whether a span started under a context would record, and CaptureContent
// whether prompts and completions are recorded: check them before copying request bodies.
//
// # Deferred work
//
// OnExport runs a function when the span's trace is assembled, on the export goroutine, with
// the span as it will be exported (a FinishedSpan): it may set attributes, token usage, an
// exception and chunk events. The traced code never waits for it.
package instrument
