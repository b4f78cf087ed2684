// Package otlp is the agentlens destination for OpenTelemetry (OTLP) backends: a
// collector, Jaeger, Grafana Tempo, Datadog, Honeycomb... It converts finished traces to
// OTLP protobuf, with MLflow's attributes in MLflow's encoding and the OTel GenAI keys in
// their native types, and sends them through the official OpenTelemetry clients
// (http/protobuf or grpc).
//
//	import _ "github.com/agentlens/agentlens/core/sdk/otlp" // OTEL_EXPORTER_OTLP_ENDPOINT turns it on
//
// or explicitly:
//
//	exp, err := otlp.New(otlp.WithEndpointURL("http://localhost:4318/v1/traces"))
//	...
//	err = sdk.Configure(sdk.WithDestinations(exp))
//
// # Environment
//
// OTEL_EXPORTER_OTLP_ENDPOINT / _TRACES_ENDPOINT, _PROTOCOL / _TRACES_PROTOCOL
// (http/protobuf, the default, or grpc), _HEADERS, _TIMEOUT, _COMPRESSION, _INSECURE, the
// certificate variables, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Options win.
//
// # Ids and encoding
//
// Span and trace ids are the ids the local store shows (the trace id without "tr-"). See
// ResourceSpans for the attribute rules.
//
// # Failures
//
// A failure that may pass (no connection, HTTP 429 or 5xx, gRPC UNAVAILABLE and the other
// retryable codes) is returned as sdk.RetryableError with the endpoint's Retry-After; the
// SDK retries it with backoff while newer traces wait in the destination's bounded queue.
// Export never goes through http.DefaultTransport, so HTTP adapters never trace it.
package otlp
