package live

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	oteltrace "go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
	"go.opentelemetry.io/otel/trace/noop"
)

type spanKey struct{}

// noop is the span of everything not recorded. Placed in a context, it also marks the
// subtree below as untraced (Suppress, a trace that was sampled out).
var noopSpan = &Span{}

// Noop returns the no-op span.
func Noop() *Span { return noopSpan }

// FromContext returns the span of ctx: the active span, the no-op span under Suppress or a
// sampled-out trace, or nil when ctx holds none.
func FromContext(ctx context.Context) *Span {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(spanKey{}).(*Span)
	return s
}

// ContextWith returns a copy of ctx in which s is the active span, also as the OpenTelemetry
// span of ctx so that OpenTelemetry instrumentation below joins the same distributed trace.
// A nil or no-op s suppresses tracing below.
func ContextWith(ctx context.Context, s *Span) context.Context {
	ctx = OrBackground(ctx)
	if s == nil || s.rt == nil {
		return context.WithValue(ctx, spanKey{}, noopSpan)
	}
	if otelSpanKey == nil {
		return context.WithValue(oteltrace.ContextWithSpan(ctx, &s.otel), spanKey{}, s)
	}
	return &spanContext{Context: ctx, s: s}
}

// spanContext is ctx with s as its active span, under spanKey and as its OpenTelemetry span:
// one context (one allocation) for the two values that oteltrace.ContextWithSpan and
// context.WithValue would store in two.
type spanContext struct {
	context.Context
	s *Span
}

func (c *spanContext) Value(key any) any {
	switch key {
	case spanKey{}:
		return c.s
	case otelSpanKey:
		return &c.s.otel
	}
	return c.Context.Value(key)
}

// otelSpanKey is the key under which OpenTelemetry looks up the span of a context, as
// oteltrace.SpanFromContext asks for it; nil should it not ask for one.
var otelSpanKey = func() any {
	p := &keyProbe{Context: context.Background()}
	oteltrace.SpanFromContext(p)
	return p.key
}()

// keyProbe is a context that notes the key it was last asked for.
type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

// Suppress returns a context under which nothing is traced.
func Suppress(ctx context.Context) context.Context {
	return context.WithValue(OrBackground(ctx), spanKey{}, noopSpan)
}

// OrBackground returns ctx, or context.Background() for a nil ctx: as in OpenTelemetry, a
// nil context is taken for an empty one rather than crashing code that works untraced.
func OrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// Suppressed reports whether ctx is under Suppress or under a trace that was sampled out.
func Suppressed(ctx context.Context) bool { return FromContext(ctx) == noopSpan }

// otelSpan is how an agentlens span appears to OpenTelemetry code that finds it in a context:
// a span that is not recording (OpenTelemetry's own calls on it change nothing) but carries
// the span's context, so spans of other tracer providers can be its children.
type otelSpan struct {
	embedded.Span
	sc oteltrace.SpanContext
}

var _ oteltrace.Span = (*otelSpan)(nil)

func (o *otelSpan) SpanContext() oteltrace.SpanContext          { return o.sc }
func (o *otelSpan) IsRecording() bool                           { return false }
func (o *otelSpan) End(...oteltrace.SpanEndOption)              {}
func (o *otelSpan) AddEvent(string, ...oteltrace.EventOption)   {}
func (o *otelSpan) AddLink(oteltrace.Link)                      {}
func (o *otelSpan) RecordError(error, ...oteltrace.EventOption) {}
func (o *otelSpan) SetStatus(codes.Code, string)                {}
func (o *otelSpan) SetName(string)                              {}
func (o *otelSpan) SetAttributes(...attribute.KeyValue)         {}
func (o *otelSpan) TracerProvider() oteltrace.TracerProvider    { return noop.NewTracerProvider() }
