// Package spantypes defines the span types and attribute keys of agentlens traces.
//
// Span types classify what a span did (a model call, a tool call, a retrieval, ...). They are
// plain strings so that any custom type is allowed; the constants below are the ones MLflow
// Tracing and its UI know.
//
// Attribute keys come in two families. MLflow's keys (prefix "mlflow.") carry JSON-encoded
// values, exactly as MLflow Tracing stores them. The OpenTelemetry GenAI keys (prefix
// "gen_ai.") carry plain OTel values (strings, integers, string arrays) so that any OTel GenAI
// backend understands model spans. The upstream semconv packages dropped the GenAI keys, so
// agentlens owns them here.
//
//	ctx, span := core.StartSpan(ctx, "lookup", core.WithSpanType(spantypes.Tool))
//	defer span.End()
//	span.SetAttribute(spantypes.KeyGenAIToolName, "lookup")
package spantypes
