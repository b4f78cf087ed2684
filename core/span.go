package core

import (
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
)

// Aliases so that instrumented code rarely needs to import tracedata.
type (
	// TokenUsage counts the tokens of a model call.
	TokenUsage = tracedata.TokenUsage
	// Cost is what a model call cost, in US dollars.
	Cost = tracedata.Cost
	// SpanQuery selects spans of a finished trace; see tracedata.Trace.SearchSpans.
	SpanQuery = tracedata.SpanQuery
	// StatusCode is a span status code.
	StatusCode = tracedata.StatusCode
)

// Span status codes.
const (
	StatusUnset = tracedata.StatusUnset
	StatusOK    = tracedata.StatusOK
	StatusError = tracedata.StatusError
)

// Span is a span of a trace. Its methods are safe for concurrent use and do nothing on a
// span that is not recording (no SDK installed, tracing disabled, suppressed or sampled out)
// or has ended, so callers never need nil checks: SpanFromContext and StartSpan never return
// nil. The zero Span is a span that records nothing.
type Span live.Span

// rec returns the span's recording.
func (s *Span) rec() *live.Span { return (*live.Span)(s) }

// IsRecording reports whether the span records what is set on it: an SDK is installed,
// tracing is on, the span was not suppressed or sampled out, and it has not ended. Check it
// before doing costly work for the span only, such as building a large payload.
func (s *Span) IsRecording() bool { return s.rec().Recording() }

// SpanType returns the span's type, "" for a span that records nothing. Adapters use it to
// find a model span opened by a framework above them, which they enrich instead of adding
// another.
func (s *Span) SpanType() string { return s.rec().SpanType() }

// TraceID returns the span's trace id ("tr-" + 32 hex), or "" for a span that records nothing.
func (s *Span) TraceID() string { return s.rec().TraceID() }

// SpanID returns the span's 16-hex id, or "" for a span that records nothing.
func (s *Span) SpanID() string { return s.rec().SpanID() }

// SetInputs records v, JSON-encoded, as the span's inputs. Values JSON cannot encode are
// recorded as a string describing them; a value nested deeper than 1000 levels as a marker.
func (s *Span) SetInputs(v any) { s.rec().SetInputs(v) }

// SetOutputs records v, JSON-encoded, as the span's outputs.
func (s *Span) SetOutputs(v any) { s.rec().SetOutputs(v) }

// SetAttribute records one attribute. Its value is stored as JSON text, as MLflow stores
// every span attribute (tracedata.Span.Attribute reads it back).
func (s *Span) SetAttribute(key string, v any) { s.rec().SetAttribute(key, v) }

// SetAttributes records several attributes, as SetAttribute does.
func (s *Span) SetAttributes(attrs map[string]any) { s.rec().SetAttributes(attrs) }

// SetSpanType changes the span type (see package spantypes).
func (s *Span) SetSpanType(spanType string) { s.rec().SetSpanType(spanType) }

// SetTokenUsage records the token usage of a model call, as mlflow.chat.tokenUsage and as the
// GenAI usage keys. A zero TotalTokens is filled in as input + output.
func (s *Span) SetTokenUsage(u TokenUsage) { s.rec().SetTokenUsage(u) }

// SetCost records what a model call cost, in US dollars, as mlflow.llm.cost
// ({"input_cost","output_cost","total_cost"}), as MLflow records it. A zero TotalCost is
// filled in as input + output; NaN and infinities are recorded as 0. Set it when the
// provider reports the cost, or leave it to the SDK, which prices model spans that have a
// model and a token usage from the table given to sdk.WithModelPrices; a cost set here is
// kept. The trace's cost (metadata mlflow.trace.cost) sums its spans' costs.
func (s *Span) SetCost(c Cost) { s.rec().SetCost(c) }

// SetChatTools records the tools offered to a chat model (OpenAI's tool shape).
func (s *Span) SetChatTools(tools any) { s.rec().SetChatTools(tools) }

// AddEvent records an event with attributes. Strings, bools, integers, floats and slices of
// those keep their type; other values are recorded as their JSON text.
func (s *Span) AddEvent(name string, attrs map[string]any) { s.rec().AddEvent(name, attrs) }

// AddChunkEvent records one item of a stream, "mlflow.chunk.item.<index>" with the item as
// JSON. A nil item, or content capture off, gives an event without a value.
func (s *Span) AddChunkEvent(index int, item any) { s.rec().AddChunk(index, item) }

// RecordError records err as an "exception" event (type, message, stack trace) and sets the
// span's status to ERROR with the message "<type>: <message>". A nil err does nothing.
func (s *Span) RecordError(err error) { s.rec().RecordError(err) }

// SetStatus sets the span's status. A span that ends with no status set ends OK.
func (s *Span) SetStatus(code StatusCode, message string) { s.rec().SetStatus(code, message) }

// End ends the span. Ending the root span completes the trace and hands it to the export
// pipeline without waiting. Calling End more than once does nothing.
func (s *Span) End() { s.rec().End() }
