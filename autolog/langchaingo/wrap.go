package langchaingo

import (
	"context"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
)

// wrapped is one traced call of a wrapped component: its span, and the context the
// component runs under, which carries the span (so that nested work, the handler's
// callbacks and the HTTP adapter below join it) and is new for every call (so that
// concurrent calls never share the handler's state).
type wrapped struct {
	ctx     context.Context
	span    *core.Span
	claim   *claim // nil when the component fires no start callback of its own
	content bool
}

// begin starts the span of a wrapped call; ok is false when the call is not traced, and the
// component then runs under the caller's context, untouched. k, when not zero, is the kind
// of the start callback the component itself fires for this call, which the handler then
// joins to this span.
func begin(ctx context.Context, cfg *config, k kind, agent bool, name, typ string, inputs func() any) (w wrapped, ok bool) {
	if ctx == nil || !instrument.Tracing(ctx) {
		return w, false
	}
	parent := ctx
	if open := state.spanForRequest(ctx, false); open != nil {
		// The handler has a span open for this context (the executor that calls this tool,
		// the chain that calls this model): that is the parent, not the context's own span.
		parent = core.ContextWithSpan(ctx, open)
	}
	ctx, span := core.StartSpan(parent, name, core.WithSpanType(typ))
	var c *claim
	if k != 0 {
		c = &claim{kind: k, span: span, agent: agent}
		ctx = withClaim(ctx, c)
	}
	w = wrapped{ctx: ctx, span: span, claim: c}
	w.content = instrument.CaptureContent() && (cfg.captureContent == nil || *cfg.captureContent)
	if w.content && inputs != nil && span.IsRecording() {
		span.SetInputs(inputs())
	}
	return w, true
}

// finish ends the span: err recorded, what the handler left open under the call's context
// ended first.
func (w wrapped) finish(err error) {
	endInferred(state.release(w.ctx), err)
	if err != nil {
		w.span.RecordError(err)
	}
	w.span.End()
}

// outputs records v as the outputs when content is on; v is only called then.
func (w wrapped) outputs(v func() any) {
	if w.content && w.span.IsRecording() {
		w.span.SetOutputs(v())
	}
}
