package core

import (
	"time"

	"github.com/agentlens/agentlens/internal/live"
)

// SpanOption configures a span when it starts (StartSpan, Trace, Func, Seq, Client.StartSpan)
// or ends (Client.EndSpan, Client.EndTrace).
//
// SpanOption is a small value type rather than an interface or a closure so that passing
// options allocates nothing: span creation is on the hot path of every traced call.
type SpanOption struct {
	kind optionKind
	str  string
	val  any
	t    time.Time
}

type optionKind uint8

const (
	optNone optionKind = iota
	optSpanType
	optInputs
	optOutputs
	optAttributes
	optStartTime
	optEndTime
	optArgNames
	optReducer
	optStatus
)

// WithSpanType sets the span type (see package spantypes); the default is UNKNOWN.
func WithSpanType(spanType string) SpanOption { return SpanOption{kind: optSpanType, str: spanType} }

// WithInputs records v as the span's inputs.
func WithInputs(v any) SpanOption { return SpanOption{kind: optInputs, val: v} }

// WithOutputs records v as the span's outputs.
func WithOutputs(v any) SpanOption { return SpanOption{kind: optOutputs, val: v} }

// WithAttributes records attributes on the span. Values are converted as by Span.SetAttribute.
func WithAttributes(attrs map[string]any) SpanOption {
	return SpanOption{kind: optAttributes, val: attrs}
}

// WithStartTime sets the span's start time (default: now).
func WithStartTime(t time.Time) SpanOption { return SpanOption{kind: optStartTime, t: t} }

// WithEndTime sets the span's end time where a span is ended by option (Client.EndSpan).
func WithEndTime(t time.Time) SpanOption { return SpanOption{kind: optEndTime, t: t} }

// WithStatus sets the span's status where a span is ended by option (Client.EndSpan).
func WithStatus(code StatusCode, message string) SpanOption {
	return SpanOption{kind: optStatus, str: message, val: code}
}

// WithArgNames names the arguments a Func-wrapped function records as its inputs
// (default "arg0", "arg1", ...).
func WithArgNames(names ...string) SpanOption { return SpanOption{kind: optArgNames, val: names} }

// WithReducer makes the outputs of a Seq or Seq2 span from its chunks instead of recording
// the chunks themselves. For Seq[T], fn takes []T. For Seq2[K, error], fn takes []K;
// for other Seq2[K, V], fn takes []Pair[K, V].
func WithReducer[T any](fn func(chunks []T) any) SpanOption {
	return SpanOption{kind: optReducer, val: fn}
}

// spanConfig is the result of applying SpanOptions.
type spanConfig struct {
	start     live.StartConfig
	end       time.Time
	argNames  []string
	reducer   any
	status    StatusCode
	statusMsg string
}

func (c *spanConfig) apply(opts []SpanOption) {
	for i := range opts {
		o := &opts[i]
		switch o.kind {
		case optSpanType:
			c.start.SpanType = o.str
		case optInputs:
			c.start.Inputs, c.start.HasInputs = o.val, true
		case optOutputs:
			c.start.Outputs, c.start.HasOutputs = o.val, true
		case optAttributes:
			if m, _ := o.val.(map[string]any); len(m) > 0 {
				c.start.Attributes = append(c.start.Attributes, m)
			}
		case optStartTime:
			c.start.Start = o.t
		case optEndTime:
			c.end = o.t
		case optArgNames:
			c.argNames, _ = o.val.([]string)
		case optReducer:
			c.reducer = o.val
		case optStatus:
			c.status, _ = o.val.(StatusCode)
			c.statusMsg = o.str
		}
	}
}
