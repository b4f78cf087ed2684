// Package propagation carries agentlens trace context across services with W3C Trace
// Context (traceparent / tracestate headers), so that a service called by a traced agent
// continues the agent's trace: its spans get the caller's trace id and hang under the
// caller's span, in the local store and in every OTLP backend.
//
//	client := &http.Client{Transport: propagation.NewTransport(nil)} // the caller
//	http.Handle("/search", propagation.Middleware(searchHandler))  // the service
//
// # Other carriers
//
// Inject and Extract work on any propagation.TextMapCarrier (message headers, gRPC
// metadata via a carrier of your own).
//
// # Rules
//
// A span started under an extracted context is the root of this process's part of the
// trace: its parent is the caller's span, which lives in the caller's process. A foreign
// OpenTelemetry span that is local to this process still starts a new trace with a link
// (see core.StartSpan). Extract never replaces a span the context already carries.
package propagation
