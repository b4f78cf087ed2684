package eino

import (
	"context"
	"sync/atomic"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
)

// NewHandler returns an eino callback handler that traces the runs it is given to, for
// compose.WithCallbacks (one graph run) or adk.WithCallbacks (one agent run). Autolog
// installs one for every run instead.
//
// The handler keeps no state of its own between runs: what it needs travels in the contexts
// its OnStart methods return, so one handler traces any number of concurrent runs. It never
// blocks eino: streams and agent events are read on goroutines of their own, which end when
// eino's stream (or event iterator) does. When two of these handlers see the same component
// call (Autolog and a per-run handler, say), only the first traces it.
func NewHandler(opts ...Option) callbacks.Handler {
	h := &handler{}
	h.cfg.Store(newConfig(opts))
	return h
}

type handler struct {
	cfg atomic.Pointer[config] // nil: turned off
}

var (
	_ callbacks.Handler       = (*handler)(nil)
	_ callbacks.TimingChecker = (*handler)(nil)
)

// openFrames counts the spans this package has open, in every handler: while some are, a
// turned-off handler still takes the end timings, so that no span stays open.
var openFrames atomic.Int64

// Needed tells eino which timings to call: none when the handler is off or ctx is not
// traced, which spares eino the stream copies a handler costs.
func (h *handler) Needed(ctx context.Context, _ *callbacks.RunInfo, timing callbacks.CallbackTiming) bool {
	switch timing {
	case callbacks.TimingOnStart, callbacks.TimingOnStartWithStreamInput:
		return h.cfg.Load() != nil && instrument.Tracing(ctx)
	default:
		return h.cfg.Load() != nil || openFrames.Load() > 0
	}
}

// begin reports the configuration to trace a call with, or nil when the call is not to be
// traced by h: the handler is off, ctx is not traced, or another handler of this package
// already traces the same call.
func (h *handler) begin(ctx context.Context, info *callbacks.RunInfo) *config {
	cfg := h.cfg.Load()
	if cfg == nil || info == nil || !instrument.Tracing(ctx) {
		return nil
	}
	if f := frameOf(ctx); f != nil && f.info == info {
		return nil
	}
	return cfg
}

// own returns the frame h opened for the call info describes, or nil.
func (h *handler) own(ctx context.Context, info *callbacks.RunInfo) *frame {
	f := frameOf(ctx)
	if f == nil || f.h != h || f.info != info {
		return nil
	}
	return f
}

// OnStart starts the span of a component call.
func (h *handler) OnStart(ctx context.Context, info *callbacks.RunInfo, input callbacks.CallbackInput) context.Context {
	cfg := h.begin(ctx, info)
	if cfg == nil {
		return ctx
	}
	ctx, f := h.start(ctx, cfg, info)
	defer recoverReport()
	f.recordInput(ctx, input)
	return ctx
}

// OnEnd ends the span with the call's output. An agent's output is its event iterator: the
// span ends when the events are exhausted.
func (h *handler) OnEnd(ctx context.Context, info *callbacks.RunInfo, output callbacks.CallbackOutput) context.Context {
	f := h.own(ctx, info)
	if f == nil {
		return ctx
	}
	if f.kind == kindAgent {
		f.endAgent(output)
		return ctx
	}
	f.end(func() {
		defer recoverReport()
		f.recordOutput(output)
	})
	return ctx
}

// OnError ends the span ERROR.
func (h *handler) OnError(ctx context.Context, info *callbacks.RunInfo, err error) context.Context {
	f := h.own(ctx, info)
	if f == nil {
		return ctx
	}
	f.setErr(err)
	f.end(func() { f.span.RecordError(err) })
	return ctx
}

// OnStartWithStreamInput starts the span of a call whose input is a stream; the inputs are
// what the stream assembles to, read from this handler's copy on a goroutine.
func (h *handler) OnStartWithStreamInput(ctx context.Context, info *callbacks.RunInfo, input *schema.StreamReader[callbacks.CallbackInput]) context.Context {
	cfg := h.begin(ctx, info)
	if cfg == nil {
		input.Close()
		return ctx
	}
	ctx, f := h.start(ctx, cfg, info)
	f.readInputStream(input)
	return ctx
}

// OnEndWithStreamOutput ends the span when the output stream ends (or fails), with the
// assembled output and one chunk event per chunk, read from this handler's copy.
func (h *handler) OnEndWithStreamOutput(ctx context.Context, info *callbacks.RunInfo, output *schema.StreamReader[callbacks.CallbackOutput]) context.Context {
	f := h.own(ctx, info)
	if f == nil {
		output.Close()
		return ctx
	}
	f.readOutputStream(output)
	return ctx
}

// start opens the span of a call and the frame that carries it in ctx.
func (h *handler) start(ctx context.Context, cfg *config, info *callbacks.RunInfo) (context.Context, *frame) {
	k := kindOf(info.Component)
	parent := frameOf(ctx)
	f := &frame{h: h, info: info, kind: k, parent: parent}
	f.content = instrument.CaptureContent() && (cfg.captureContent == nil || *cfg.captureContent)
	outer := core.SpanFromContext(ctx)
	if k == kindAgent {
		f.outer = outer.SpanID()
		if from := takeHandoff(f.outer, info.Name); from != nil {
			// A transfer: eino runs the receiving agent under the context from before the
			// handing-off agent started; the span goes under that agent's instead.
			f.parent, f.handoffFrom = from, from
			from.hold()
			f.holdsParent = true
			ctx = core.ContextWithSpan(ctx, from.span)
		}
	}
	ctx, f.span = core.StartSpan(ctx, spanName(info), core.WithSpanType(k.spanType()), core.WithAttributes(f.startAttributes()))
	openFrames.Add(1)
	if f.parent != nil {
		f.parent.addChild(f)
	}
	return context.WithValue(ctx, frameKey{}, f), f
}

// recoverReport keeps a panic in our recording from reaching eino.
func recoverReport() {
	if r := recover(); r != nil {
		instrument.ReportError("autolog/eino: handler panic", panicError{r})
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic while recording a span: " + stringOf(p.v) }
