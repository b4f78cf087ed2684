package core

import (
	"context"
	"encoding/json"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Aliases so that users of core rarely need to import tracedata.
type (
	// TokenUsage counts the tokens of a model call.
	TokenUsage = tracedata.TokenUsage
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

// Span is a live span. Its methods are safe for concurrent use and do nothing on a span that
// is not recording (tracing disabled, suppressed or sampled out) or has ended, so callers
// never need nil checks: SpanFromContext and StartSpan never return nil.
type Span struct {
	otel oteltrace.Span        // nil for no-op spans
	ro   sdktrace.ReadOnlySpan // the same span, read at export time
	rt   *runtime
	lt   *liveTrace

	ended     atomic.Bool
	statusSet atomic.Bool
	done      bool // guarded by lt.mu: ended and part of the trace

	// The span's attributes live here rather than in the OTel span: setting them is then a
	// copy into memory the span already has, and export reads them from here.
	mu       sync.Mutex
	attrs    []spanAttr
	inline   [4]spanAttr
	spanType string // as recorded in the mlflow.spanType attribute
	chunks   []chunkEvent
	onExport []func(*tracedata.Span)
}

// spanAttr is an attribute as MLflow stores it: a key and the JSON text of its value.
type spanAttr struct {
	key, json string
}

// setAttrs records attributes, a later value of a key replacing the earlier one.
// kvs does not escape, so callers' variadic slices stay on their stack.
func (s *Span) setAttrs(kvs ...spanAttr) {
	s.mu.Lock()
	if s.attrs == nil {
		s.attrs = s.inline[:0]
	}
	for _, kv := range kvs {
		if kv.key == spantypes.KeySpanType {
			s.spanType = spanTypeOf(kv.json)
		}
		i := 0
		for i < len(s.attrs) && s.attrs[i].key != kv.key {
			i++
		}
		if i < len(s.attrs) {
			s.attrs[i] = kv
		} else {
			s.attrs = append(s.attrs, kv)
		}
	}
	s.mu.Unlock()
}

// noopSpan is returned wherever nothing is traced. Placed in a context, it also marks the
// subtree below as untraced (Suppress, a trace that was sampled out).
var noopSpan = &Span{}

type spanKey struct{}

// newRootOptions starts a root span without allocating options on every call.
var newRootOptions = []oteltrace.SpanStartOption{oteltrace.WithNewRoot()}

// SpanFromContext returns the active span of ctx, or a no-op span. It never returns nil.
func SpanFromContext(ctx context.Context) *Span {
	if s, ok := ctx.Value(spanKey{}).(*Span); ok && s != nil {
		return s
	}
	return noopSpan
}

// ContextWithSpan returns a copy of ctx in which s is the active span: StartSpan, the
// wrappers and UpdateCurrentTrace then work under it. Use it to continue, with context-based
// code, a span started by a Client.
func ContextWithSpan(ctx context.Context, s *Span) context.Context {
	if s == nil || s.otel == nil {
		return context.WithValue(ctx, spanKey{}, noopSpan)
	}
	return context.WithValue(oteltrace.ContextWithSpan(ctx, s.otel), spanKey{}, s)
}

// Suppress returns a context under which nothing is traced: StartSpan, the wrappers and the
// autolog adapters record nothing below it. Use it for an evaluator's own model calls or
// health checks.
func Suppress(ctx context.Context) context.Context {
	return context.WithValue(ctx, spanKey{}, noopSpan)
}

// CaptureContentEnabled reports whether the current configuration records inputs, outputs
// and stream chunks (AGENTLENS_CAPTURE_CONTENT). Adapters check it before serialising payloads.
func CaptureContentEnabled() bool { return current().cfg.captureContent }

// Suppressed reports whether ctx is under Suppress (or under a trace that was sampled out).
func Suppressed(ctx context.Context) bool {
	s, _ := ctx.Value(spanKey{}).(*Span)
	return s == noopSpan
}

// StartSpan starts a span as a child of the active span of ctx, or as the root of a new
// trace when ctx has none. It returns a context carrying the new span (hand it to nested
// calls and goroutines) and the span, which the caller must End.
//
// The returned context also carries the span as an OpenTelemetry span, so OTel
// instrumentation below it joins the same distributed trace. A root started under a
// foreign OTel span (not agentlens's) starts a new trace with a link to that span.
func StartSpan(ctx context.Context, name string, opts ...SpanOption) (context.Context, *Span) {
	if disabled.Load() {
		return ctx, noopSpan
	}
	parent, _ := ctx.Value(spanKey{}).(*Span)
	if parent != nil && parent.otel == nil {
		return ctx, noopSpan
	}
	var rt *runtime
	if parent != nil {
		rt = parent.rt
	} else {
		rt = current()
	}
	var cfg spanConfig
	cfg.apply(opts)
	return rt.start(ctx, parent, name, &cfg)
}

func (rt *runtime) start(ctx context.Context, parent *Span, name string, cfg *spanConfig) (context.Context, *Span) {
	var (
		octx context.Context
		osp  oteltrace.Span
		lt   *liveTrace
	)
	var startOpts []oteltrace.SpanStartOption
	if !cfg.start.IsZero() {
		startOpts = append(startOpts, oteltrace.WithTimestamp(cfg.start))
	}
	if parent == nil {
		if !rt.sample() {
			return context.WithValue(ctx, spanKey{}, noopSpan), noopSpan
		}
		if sc := oteltrace.SpanContextFromContext(ctx); sc.IsValid() {
			startOpts = append(startOpts, oteltrace.WithNewRoot(), oteltrace.WithLinks(oteltrace.Link{SpanContext: sc}))
		} else if startOpts == nil {
			startOpts = newRootOptions
		} else {
			startOpts = append(startOpts, oteltrace.WithNewRoot())
		}
		octx, osp = rt.tracer.Start(ctx, name, startOpts...)
		lt = rt.newTrace(osp)
		if lt == nil {
			osp.End()
			return ctx, noopSpan
		}
	} else {
		lt = parent.lt
		pctx := ctx
		if oteltrace.SpanFromContext(ctx) != parent.otel {
			// Another OTel span sits between: parent explicitly on our span.
			pctx = oteltrace.ContextWithSpan(ctx, parent.otel)
		}
		octx, osp = rt.tracer.Start(pctx, name, startOpts...)
	}
	s := &Span{otel: osp, rt: rt, lt: lt}
	s.ro, _ = osp.(sdktrace.ReadOnlySpan)
	if parent == nil {
		lt.root = s
	}
	s.setInitial(cfg) // before the span is reachable from other goroutines
	if err := lt.add(s); err != nil {
		osp.End()
		rt.dropSpan("span-limit", "%w", err)
		return ctx, noopSpan
	}
	return context.WithValue(octx, spanKey{}, s), s
}

// setInitial records the attributes a span starts with in one call.
func (s *Span) setInitial(cfg *spanConfig) {
	// No other goroutine sees s yet: no lock needed.
	s.spanType = cfg.spanType
	if s.spanType == "" {
		s.spanType = spantypes.Unknown
	}
	s.attrs = append(s.inline[:0], spanAttr{spantypes.KeySpanType, spanTypeJSON(cfg.spanType)})
	if cfg.hasInputs && s.rt.cfg.captureContent {
		s.attrs = append(s.attrs, spanAttr{spantypes.KeySpanInputs, s.rt.encode(cfg.inputs)})
	}
	if cfg.hasOutputs && s.rt.cfg.captureContent {
		s.attrs = append(s.attrs, spanAttr{spantypes.KeySpanOutputs, s.rt.encode(cfg.outputs)})
	}
	for _, m := range cfg.attrs {
		for k, v := range m {
			s.setAttrs(s.rt.attr(k, v))
		}
	}
}

// spanTypeOf reads a span type back from its JSON text.
func spanTypeOf(js string) string {
	var t string
	if json.Unmarshal([]byte(js), &t) != nil || t == "" {
		return spantypes.Unknown
	}
	return t
}

// spanTypeJSON returns the JSON text of a span type without allocating for the known types.
func spanTypeJSON(t string) string {
	switch t {
	case "", spantypes.Unknown:
		return `"UNKNOWN"`
	case spantypes.LLM:
		return `"LLM"`
	case spantypes.ChatModel:
		return `"CHAT_MODEL"`
	case spantypes.Chain:
		return `"CHAIN"`
	case spantypes.Agent:
		return `"AGENT"`
	case spantypes.Tool:
		return `"TOOL"`
	case spantypes.Retriever:
		return `"RETRIEVER"`
	case spantypes.Embedding:
		return `"EMBEDDING"`
	}
	return jsonenc.String(t)
}

// IsRecording reports whether the span records what is set on it: tracing is on, the span
// was not suppressed or sampled out, and it has not ended. Adapters check it before doing
// costly work such as serialising payloads.
func (s *Span) IsRecording() bool {
	return s != nil && s.otel != nil && !s.ended.Load()
}

// SpanType returns the span's type, "" for a no-op span. Adapters use it to find a model
// span opened by a framework above them, which they enrich instead of adding another.
func (s *Span) SpanType() string {
	if s == nil || s.otel == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spanType
}

// TraceID returns the span's trace id ("tr-" + 32 hex), or "" for a no-op span.
func (s *Span) TraceID() string {
	if s == nil || s.lt == nil {
		return ""
	}
	return s.lt.id
}

// SpanID returns the span's 16-hex id, or "" for a no-op span.
func (s *Span) SpanID() string {
	if s == nil || s.otel == nil {
		return ""
	}
	return s.otel.SpanContext().SpanID().String()
}

// SetInputs records v (JSON-encoded) as the span's inputs.
func (s *Span) SetInputs(v any) {
	if !s.IsRecording() || !s.rt.cfg.captureContent {
		return
	}
	s.setAttrs(spanAttr{spantypes.KeySpanInputs, s.rt.encode(v)})
}

// SetOutputs records v (JSON-encoded) as the span's outputs.
func (s *Span) SetOutputs(v any) {
	if !s.IsRecording() || !s.rt.cfg.captureContent {
		return
	}
	s.setAttrs(spanAttr{spantypes.KeySpanOutputs, s.rt.encode(v)})
}

// SetAttribute records one attribute. Its value is stored as JSON text, as MLflow stores
// every span attribute (tracedata.Span.Attribute reads it back); values JSON cannot encode
// are recorded as descriptive text.
func (s *Span) SetAttribute(key string, v any) {
	if !s.IsRecording() {
		return
	}
	s.setAttrs(s.rt.attr(key, v))
}

// SetAttributes records several attributes, as SetAttribute does.
func (s *Span) SetAttributes(attrs map[string]any) {
	if !s.IsRecording() || len(attrs) == 0 {
		return
	}
	for k, v := range attrs {
		s.setAttrs(s.rt.attr(k, v))
	}
}

// SetSpanType changes the span type.
func (s *Span) SetSpanType(spanType string) {
	if !s.IsRecording() {
		return
	}
	s.setAttrs(spanAttr{spantypes.KeySpanType, spanTypeJSON(spanType)})
}

// SetTokenUsage records the token usage of a model call, as mlflow.chat.tokenUsage and as the
// GenAI usage keys. A zero TotalTokens is filled in as input + output.
func (s *Span) SetTokenUsage(u TokenUsage) {
	if !s.IsRecording() {
		return
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.InputTokens + u.OutputTokens
	}
	var buf [96]byte
	s.setAttrs(
		spanAttr{spantypes.KeyChatTokenUsage, string(u.AppendJSON(buf[:0]))},
		spanAttr{spantypes.KeyGenAIUsageInputTokens, strconv.FormatInt(u.InputTokens, 10)},
		spanAttr{spantypes.KeyGenAIUsageOutputTokens, strconv.FormatInt(u.OutputTokens, 10)},
	)
}

// SetChatTools records the tools offered to a chat model (OpenAI's tool shape).
func (s *Span) SetChatTools(tools any) {
	if !s.IsRecording() {
		return
	}
	s.setAttrs(spanAttr{spantypes.KeyChatTools, s.rt.encode(tools)})
}

// AddEvent records an event with attributes. Strings, bools, integers, floats and slices of
// those keep their type; other values are recorded as their JSON text.
func (s *Span) AddEvent(name string, attrs map[string]any) {
	if !s.IsRecording() {
		return
	}
	if len(attrs) == 0 {
		s.otel.AddEvent(name)
		return
	}
	kvs := make([]attribute.KeyValue, 0, len(attrs))
	for k, v := range attrs {
		kvs = append(kvs, s.rt.nativeAttr(k, v))
	}
	s.otel.AddEvent(name, oteltrace.WithAttributes(kvs...))
}

// RecordError records err as an "exception" event (type, message, stack trace) and sets the
// span's status to ERROR with the message "<type>: <message>". A nil err does nothing.
func (s *Span) RecordError(err error) {
	if err == nil || !s.IsRecording() {
		return
	}
	s.recordException(errorType(err), errorMessage(err), debug.Stack())
}

func (s *Span) recordException(typ, msg string, stack []byte) {
	attrs := []attribute.KeyValue{
		attribute.String(spantypes.KeyExceptionType, typ),
		attribute.String(spantypes.KeyExceptionMessage, s.rt.capText(msg)),
	}
	if stack != nil {
		attrs = append(attrs, attribute.String(spantypes.KeyExceptionStacktrace, string(stack)))
	}
	s.otel.AddEvent(spantypes.ExceptionEventName, oteltrace.WithAttributes(attrs...))
	s.statusSet.Store(true)
	s.otel.SetStatus(codes.Error, s.rt.capText(typ+": "+msg))
}

// RecordException records an error known by its type and message rather than as a Go error
// (an API's error body, for one): an "exception" event and status ERROR "<type>: <message>".
func (s *Span) RecordException(typ, message string) {
	if !s.IsRecording() {
		return
	}
	s.recordException(typ, message, nil)
}

// AddChunkEvent records one item of a stream, "mlflow.chunk.item.<index>" with the item as
// JSON (a json.RawMessage is taken as is). A nil item, or content capture off, gives an event
// without a value.
func (s *Span) AddChunkEvent(index int, item any) {
	if !s.IsRecording() {
		return
	}
	s.addChunk(index, item)
}

// OnExport registers fn to run on the export goroutine when the span's trace is assembled,
// with the finished span data, before redaction and before the trace's info is computed.
// Adapters use it to move costly work (parsing a response body for its usage, say) off the
// caller's path: fn may set or correct attributes (JSON text values) and events. A panic in
// fn is reported and leaves the span as it was.
func (s *Span) OnExport(fn func(span *tracedata.Span)) {
	if !s.IsRecording() || fn == nil {
		return
	}
	s.mu.Lock()
	s.onExport = append(s.onExport, fn)
	s.mu.Unlock()
}

// SetStatus sets the span's status. A span that ends with no status set ends OK.
func (s *Span) SetStatus(code StatusCode, message string) {
	if !s.IsRecording() {
		return
	}
	switch code {
	case StatusOK:
		s.statusSet.Store(true)
		s.otel.SetStatus(codes.Ok, "")
	case StatusError:
		s.statusSet.Store(true)
		s.otel.SetStatus(codes.Error, message)
	}
}

// End ends the span. Ending the root span completes the trace and hands it to the export
// pipeline without waiting. Calling End more than once does nothing.
func (s *Span) End() { s.end(time.Time{}) }

// end ends the span at the given time (now when zero) and reports whether this call ended it.
func (s *Span) end(at time.Time) bool {
	if s == nil || s.otel == nil || !s.ended.CompareAndSwap(false, true) {
		return false
	}
	if at.IsZero() {
		s.otel.End()
	} else {
		s.otel.End(oteltrace.WithTimestamp(at))
	}
	s.lt.finish(s)
	return true
}

// errorType names an error's dynamic type the way a stack trace would: "fs.PathError".
func errorType(err error) string {
	return strings.TrimLeft(reflect.TypeOf(err).String(), "*")
}

// errorMessage returns err.Error(), surviving an Error method that panics.
func errorMessage(err error) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = "<Error() panicked>"
		}
	}()
	return err.Error()
}
