package live

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Span is a span being recorded. The zero Span is the no-op span.
type Span struct {
	rt     *Runtime // nil for the no-op span
	tr     *Trace
	otel   otelSpan // its context for OpenTelemetry, and its ids
	parent oteltrace.SpanID
	root   bool
	name   string
	start  time.Time

	ended atomic.Bool
	lost  atomic.Bool // counted as a span left out of its trace (once)
	done  bool        // guarded by tr.mu: ended and part of the trace

	// Everything set on the span lives here, guarded by mu, and is read when the trace is
	// assembled: setting an attribute is a copy into memory the span already has.
	mu       sync.Mutex
	end      time.Time
	status   tracedata.Status
	attrs    []attr
	inline   [4]attr
	spanType string // as recorded in the mlflow.spanType attribute
	events   []tracedata.Event
	chunks   []chunk
	links    []tracedata.Link
	hooks    []func(*tracedata.Span)
}

// attr is an attribute as MLflow stores it: a key and the JSON text of its value.
type attr struct {
	key, json string
}

// StartConfig is what a span starts with.
type StartConfig struct {
	SpanType   string
	Inputs     any
	HasInputs  bool
	Outputs    any
	HasOutputs bool
	Attributes []map[string]any
	Start      time.Time
}

// Start starts a span named name as a child of the active span of ctx, or as the root of a
// new trace when ctx has none, and returns a context carrying it. It returns ctx and the
// no-op span when nothing is recorded: recording is off, no SDK is installed, ctx is
// suppressed, or a limit is reached.
func Start(ctx context.Context, name string, cfg *StartConfig) (context.Context, *Span) {
	ctx = OrBackground(ctx)
	if disabled.Load() {
		return ctx, noopSpan
	}
	parent := FromContext(ctx)
	if parent != nil {
		if parent.rt == nil {
			return ctx, noopSpan
		}
		return parent.rt.startChild(ctx, parent, name, cfg)
	}
	rt := Current()
	if rt == nil {
		return ctx, noopSpan
	}
	return rt.startRoot(ctx, name, cfg)
}

// StartChild starts a span under parent, whatever span ctx carries.
func StartChild(ctx context.Context, parent *Span, name string, cfg *StartConfig) (context.Context, *Span) {
	ctx = OrBackground(ctx)
	if disabled.Load() || parent == nil || parent.rt == nil {
		return ctx, noopSpan
	}
	return parent.rt.startChild(ctx, parent, name, cfg)
}

func (rt *Runtime) startRoot(ctx context.Context, name string, cfg *StartConfig) (context.Context, *Span) {
	if !rt.sample() {
		return context.WithValue(ctx, spanKey{}, noopSpan), noopSpan
	}
	var tid oteltrace.TraceID
	sc := oteltrace.SpanContextFromContext(ctx)
	remote := sc.IsValid() && sc.IsRemote()
	if remote {
		// A span context extracted from a caller (W3C traceparent): this process's spans
		// continue the caller's trace, under the caller's span.
		tid = sc.TraceID()
	}
	for tid == (oteltrace.TraceID{}) {
		putUint64(tid[:8], rand.Uint64())
		putUint64(tid[8:], rand.Uint64())
	}
	now := time.Now()
	tr := rt.newTrace(tid, now)
	if tr == nil {
		return ctx, noopSpan
	}
	s := &Span{rt: rt, tr: tr, root: true, name: name, start: cfg.Start}
	if s.start.IsZero() {
		s.start = now // one reading of the clock for the trace and its root
	}
	s.otel.sc = newSpanContext(tid)
	switch {
	case remote:
		s.parent = sc.SpanID()
		s.otel.sc = s.otel.sc.WithTraceState(sc.TraceState())
	case sc.IsValid():
		// A foreign OpenTelemetry span: this trace starts anew and links to it.
		s.links = []tracedata.Link{{TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String()}}
	}
	tr.root = s
	return rt.begin(ctx, s, cfg)
}

func (rt *Runtime) startChild(ctx context.Context, parent *Span, name string, cfg *StartConfig) (context.Context, *Span) {
	s := &Span{rt: rt, tr: parent.tr, name: name}
	s.otel.sc = newSpanContext(parent.otel.sc.TraceID()).WithTraceState(parent.otel.sc.TraceState())
	s.parent = parent.otel.sc.SpanID()
	return rt.begin(ctx, s, cfg)
}

// begin records the start of s and adds it to its trace.
func (rt *Runtime) begin(ctx context.Context, s *Span, cfg *StartConfig) (context.Context, *Span) {
	if s.start.IsZero() {
		s.start = cfg.Start
	}
	if s.start.IsZero() {
		s.start = time.Now()
	}
	s.setInitial(cfg) // before the span is reachable from other goroutines
	if err := s.tr.add(s); err != nil {
		rt.DropSpan("span-limit", "%w", err)
		return ctx, noopSpan
	}
	return ContextWith(ctx, s), s
}

func newSpanContext(tid oteltrace.TraceID) oteltrace.SpanContext {
	var sid oteltrace.SpanID
	for sid == (oteltrace.SpanID{}) {
		putUint64(sid[:], rand.Uint64())
	}
	return oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID:    tid,
		SpanID:     sid,
		TraceFlags: oteltrace.FlagsSampled,
	})
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// setInitial records the attributes a span starts with.
func (s *Span) setInitial(cfg *StartConfig) {
	// No other goroutine sees s yet: no lock needed.
	s.spanType = cfg.SpanType
	if s.spanType == "" {
		s.spanType = spantypes.Unknown
	}
	s.attrs = append(s.inline[:0], attr{spantypes.KeySpanType, spanTypeJSON(cfg.SpanType)})
	if cfg.HasInputs && s.rt.CaptureContent {
		s.attrs = append(s.attrs, attr{spantypes.KeySpanInputs, s.rt.encode(cfg.Inputs)})
	}
	if cfg.HasOutputs && s.rt.CaptureContent {
		s.attrs = append(s.attrs, attr{spantypes.KeySpanOutputs, s.rt.encode(cfg.Outputs)})
	}
	for _, m := range cfg.Attributes {
		for k, v := range m {
			s.setAttrs(s.rt.attr(k, v))
		}
	}
}

// setAttrs records attributes, a later value of a key replacing the earlier one.
// kvs does not escape, so callers' variadic slices stay on their stack.
func (s *Span) setAttrs(kvs ...attr) {
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

// Recording reports whether the span records what is set on it.
func (s *Span) Recording() bool { return s != nil && s.rt != nil && !s.ended.Load() }

// Trace returns the span's trace, nil for the no-op span.
func (s *Span) Trace() *Trace {
	if s == nil {
		return nil
	}
	return s.tr
}

// CaptureContent reports whether the span records inputs, outputs and chunk values.
func (s *Span) CaptureContent() bool { return s.Recording() && s.rt.CaptureContent }

// SpanType returns the span's type, "" for the no-op span.
func (s *Span) SpanType() string {
	if s == nil || s.rt == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spanType
}

// TraceID returns "tr-" + the 32-hex trace id, "" for the no-op span.
func (s *Span) TraceID() string {
	if s == nil || s.tr == nil {
		return ""
	}
	return s.tr.id
}

// SpanID returns the 16-hex span id, "" for the no-op span.
func (s *Span) SpanID() string {
	if s == nil || s.rt == nil {
		return ""
	}
	return s.otel.sc.SpanID().String()
}

// SetInputs records v (JSON-encoded) as the span's inputs.
func (s *Span) SetInputs(v any) {
	if s.CaptureContent() {
		s.setAttrs(attr{spantypes.KeySpanInputs, s.rt.encode(v)})
	}
}

// SetOutputs records v (JSON-encoded) as the span's outputs.
func (s *Span) SetOutputs(v any) {
	if s.CaptureContent() {
		s.setAttrs(attr{spantypes.KeySpanOutputs, s.rt.encode(v)})
	}
}

// SetRaw records JSON text as attribute key, capped at the payload size but otherwise as
// is: the caller guarantees it is JSON (or corrects it from an OnExport hook). Text with raw
// line breaks or tabs is compacted when the trace is assembled. Inputs and outputs are
// recorded only when content is captured.
func (s *Span) SetRaw(key, json string) {
	if !s.Recording() {
		return
	}
	if (key == spantypes.KeySpanInputs || key == spantypes.KeySpanOutputs) && !s.rt.CaptureContent {
		return
	}
	s.setAttrs(attr{key, s.rt.capJSON(json)})
}

// SetAttribute records one attribute as JSON text.
func (s *Span) SetAttribute(key string, v any) {
	if s.Recording() {
		s.setAttrs(s.rt.attr(key, v))
	}
}

// SetAttributes records several attributes.
func (s *Span) SetAttributes(attrs map[string]any) {
	if !s.Recording() || len(attrs) == 0 {
		return
	}
	for k, v := range attrs {
		s.setAttrs(s.rt.attr(k, v))
	}
}

// SetSpanType changes the span type.
func (s *Span) SetSpanType(spanType string) {
	if s.Recording() {
		s.setAttrs(attr{spantypes.KeySpanType, spanTypeJSON(spanType)})
	}
}

// SetTokenUsage records token usage as mlflow.chat.tokenUsage and the GenAI usage keys; a
// zero total is filled in as input + output.
func (s *Span) SetTokenUsage(u tracedata.TokenUsage) {
	if !s.Recording() {
		return
	}
	if u.TotalTokens == 0 {
		u.TotalTokens = u.InputTokens + u.OutputTokens
	}
	var buf [96]byte
	s.setAttrs(
		attr{spantypes.KeyChatTokenUsage, string(u.AppendJSON(buf[:0]))},
		attr{spantypes.KeyGenAIUsageInputTokens, strconv.FormatInt(u.InputTokens, 10)},
		attr{spantypes.KeyGenAIUsageOutputTokens, strconv.FormatInt(u.OutputTokens, 10)},
	)
}

// SetCost records the cost of a model call as mlflow.llm.cost; a zero total is filled in as
// input + output.
func (s *Span) SetCost(c tracedata.Cost) {
	if !s.Recording() {
		return
	}
	if c.TotalCost == 0 {
		c.TotalCost = c.InputCost + c.OutputCost
	}
	var buf [96]byte
	s.setAttrs(attr{spantypes.KeyLLMCost, string(c.AppendJSON(buf[:0]))})
}

// SetChatTools records the tools offered to a chat model.
func (s *Span) SetChatTools(tools any) {
	if s.Recording() {
		s.setAttrs(attr{spantypes.KeyChatTools, s.rt.encode(tools)})
	}
}

// AddEvent records an event. Strings, bools, integers, floats and slices of those keep their
// type; other values are recorded as their JSON text.
func (s *Span) AddEvent(name string, attrs map[string]any) {
	if !s.Recording() {
		return
	}
	ev := tracedata.Event{Name: name, TimeUnixNano: time.Now().UnixNano()}
	if len(attrs) > 0 {
		ev.Attributes = make(map[string]any, len(attrs))
		for k, v := range attrs {
			ev.Attributes[k] = s.rt.eventValue(v)
		}
	}
	s.addEvent(ev)
}

func (s *Span) addEvent(ev tracedata.Event) {
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
}

// RecordError records err as an exception event (type, message, stack trace) and sets the
// status ERROR "<type>: <message>". A nil err does nothing.
func (s *Span) RecordError(err error) {
	if err == nil || !s.Recording() {
		return
	}
	s.recordException(errorType(err), errorMessage(err), debug.Stack())
}

// RecordException records an error known by its type and message.
func (s *Span) RecordException(typ, message string) {
	if s.Recording() {
		s.recordException(typ, message, nil)
	}
}

// RecordPanic records a recovered panic value as an exception.
func (s *Span) RecordPanic(r any, stack []byte) {
	if !s.Recording() {
		return
	}
	if err, ok := r.(error); ok {
		s.recordException(errorType(err), "panic: "+errorMessage(err), stack)
		return
	}
	s.recordException("panic", safeText(r), stack)
}

func (s *Span) recordException(typ, msg string, stack []byte) {
	attrs := map[string]any{
		spantypes.KeyExceptionType:    typ,
		spantypes.KeyExceptionMessage: s.rt.capText(msg),
	}
	if stack != nil {
		attrs[spantypes.KeyExceptionStacktrace] = string(stack)
	}
	ev := tracedata.Event{Name: spantypes.ExceptionEventName, TimeUnixNano: time.Now().UnixNano(), Attributes: attrs}
	status := tracedata.Status{Code: tracedata.StatusError, Message: s.rt.capText(typ + ": " + msg)}
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.status = status
	s.mu.Unlock()
}

// SetStatus sets the span's status; UNSET leaves it as it is. A span that ends with no
// status set ends OK.
func (s *Span) SetStatus(code tracedata.StatusCode, message string) {
	if !s.Recording() {
		return
	}
	var st tracedata.Status
	switch code {
	case tracedata.StatusOK:
		st = tracedata.Status{Code: tracedata.StatusOK}
	case tracedata.StatusError:
		st = tracedata.Status{Code: tracedata.StatusError, Message: message}
	default:
		return
	}
	s.mu.Lock()
	s.status = st
	s.mu.Unlock()
}

// OnExport registers fn to run on the export goroutine with the finished span, before
// redaction and before the trace's info is computed. A panic in fn is reported and leaves the
// span as it was.
func (s *Span) OnExport(fn func(*tracedata.Span)) {
	if !s.Recording() || fn == nil {
		return
	}
	s.mu.Lock()
	s.hooks = append(s.hooks, fn)
	s.mu.Unlock()
}

// End ends the span now; see EndAt.
func (s *Span) End() { s.EndAt(time.Time{}) }

// EndAt ends the span at t (now when zero) and reports whether this call ended it. Ending the
// root span completes the trace.
func (s *Span) EndAt(t time.Time) bool {
	if s == nil || s.rt == nil || !s.ended.CompareAndSwap(false, true) {
		return false
	}
	if t.IsZero() {
		// On the monotonic clock, so that durations are right whatever the wall clock does.
		t = s.start.Add(time.Since(s.start))
	}
	s.mu.Lock()
	s.end = t
	s.mu.Unlock()
	s.tr.finish(s)
	return true
}

// Ended reports whether the span has ended.
func (s *Span) Ended() bool { return s.ended.Load() }

// forceEnd ends a span the timeout sweeper found open, with status ERROR msg.
func (s *Span) forceEnd(msg string) {
	if s.ended.Load() {
		return
	}
	s.mu.Lock()
	s.status = tracedata.Status{Code: tracedata.StatusError, Message: msg}
	s.mu.Unlock()
	s.End()
}

// spanTypeOf reads a span type back from its JSON text.
func spanTypeOf(js string) string {
	if n := len(js); n > 2 && js[0] == '"' && js[n-1] == '"' && strings.IndexByte(js, '\\') < 0 {
		return js[1 : n-1]
	}
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

// safeText returns a printable form of a panic value without risking fmt's recursion into
// cyclic maps or slices.
func safeText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case fmt.Stringer:
		return errorMessage(stringerError{x})
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct, reflect.Pointer, reflect.Interface:
		return jsonenc.String(v)
	}
	return fmt.Sprint(v)
}

type stringerError struct{ s fmt.Stringer }

func (e stringerError) Error() string { return e.s.String() }
