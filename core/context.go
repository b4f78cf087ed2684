package core

import (
	"context"

	"github.com/agentlens/agentlens/internal/live"
)

// SpanFromContext returns the active span of ctx, or a span that records nothing. It never
// returns nil.
func SpanFromContext(ctx context.Context) *Span {
	if s := live.FromContext(ctx); s != nil {
		return (*Span)(s)
	}
	return (*Span)(live.Noop())
}

// ContextWithSpan returns a copy of ctx in which s is the active span: StartSpan, the
// wrappers and UpdateCurrentTrace then work under it. Use it to continue, with context-based
// code, a span started by a Client.
func ContextWithSpan(ctx context.Context, s *Span) context.Context {
	return live.ContextWith(ctx, s.rec())
}

// Suppress returns a context under which nothing is traced: StartSpan, the wrappers and the
// autolog adapters record nothing below it. Use it for an evaluator's own model calls or
// health checks.
func Suppress(ctx context.Context) context.Context { return live.Suppress(ctx) }

// Suppressed reports whether ctx is under Suppress (or under a trace that was sampled out).
func Suppressed(ctx context.Context) bool { return live.Suppressed(ctx) }

// StartSpan starts a span as a child of the active span of ctx, or as the root of a new
// trace when ctx has none. It returns a context carrying the new span (hand it to nested
// calls and goroutines) and the span, which the caller must End.
//
// The returned context also carries the span as an OpenTelemetry span context, so
// OpenTelemetry instrumentation below it joins the same distributed trace. A root started
// under a foreign OpenTelemetry span starts a new trace with a link to that span.
func StartSpan(ctx context.Context, name string, opts ...SpanOption) (context.Context, *Span) {
	if !live.Enabled() {
		return ctx, (*Span)(live.Noop())
	}
	var cfg spanConfig
	cfg.apply(opts)
	ctx, s := live.Start(ctx, name, &cfg.start)
	return ctx, (*Span)(s)
}
