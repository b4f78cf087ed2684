package propagation

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/propagation"

	"github.com/agentlens/agentlens/core"
)

var w3c = propagation.TraceContext{}

// Inject writes the active span of ctx into carrier as traceparent (and tracestate). A
// context without a recording span writes nothing.
func Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	if !core.SpanFromContext(ctx).IsRecording() {
		return
	}
	w3c.Inject(ctx, carrier)
}

// Extract returns ctx carrying the caller's span context read from carrier, so that spans
// started under it continue the caller's trace. A malformed or absent traceparent, or a
// ctx that already carries a span, leaves ctx as it is.
func Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	if core.SpanFromContext(ctx).IsRecording() || core.Suppressed(ctx) {
		return ctx
	}
	return w3c.Extract(ctx, carrier)
}

// Transport is an http.RoundTripper that sends the active span of each request's context
// as W3C traceparent / tracestate headers.
type Transport struct {
	base http.RoundTripper
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport wraps base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Transport{base: base}
}

// RoundTrip injects the trace context into a copy of req and sends it.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !core.SpanFromContext(req.Context()).IsRecording() {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context()) // a RoundTripper must not modify the caller's request
	Inject(r.Context(), propagation.HeaderCarrier(r.Header))
	return t.base.RoundTrip(r)
}

// Middleware makes next's requests continue the trace their traceparent header names. It
// starts no span itself: spans next starts (core.StartSpan, autolog adapters) join the
// caller's trace.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
