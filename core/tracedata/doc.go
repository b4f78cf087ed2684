// Package tracedata is the agentlens trace model: finished traces as MLflow Tracing shapes
// them, shared by core, the local store and the CLI.
//
// A Trace is a TraceInfo plus its spans. Span attributes hold JSON text, exactly as MLflow
// stores them: a span's inputs, outputs and type are read with [Span.Inputs], [Span.Outputs]
// and [Span.SpanType]. A Trace marshals to and from MLflow's Trace.to_dict shape:
//
//	{"info": {...}, "data": {"spans": [...]}}
//
// # Reading a trace
//
//	root := t.RootSpan()
//	for _, s := range t.SearchSpans(tracedata.SpanQuery{Type: spantypes.Tool}) {
//		fmt.Println(s.Name, string(s.Outputs()))
//	}
//
// Values of this package are plain data: safe to read from several goroutines, not to
// modify while others read.
package tracedata
