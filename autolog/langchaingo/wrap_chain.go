package langchaingo

import (
	"context"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/callbacks"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/schema"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/spantypes"
)

// Chain is a chains.Chain whose calls are traced: a CHAIN span named after the chain's type
// (an AGENT span "AgentExecutor" for an agents.Executor, with its actions as events), the
// chain running under a context of its own. Use it wherever the chain was used: chains.Call,
// chains.Run, chains.Predict, or as a step of another chain.
type Chain struct {
	inner chains.Chain
	cfg   config
	name  string
	agent bool
	h     *Handler
}

var _ chains.Chain = (*Chain)(nil)

// WrapChain returns c traced. A chain that fires callbacks (LLMChain, agents.Executor) still
// fires them to its own handler; the handler of this package joins the wrapper's span
// instead of opening a second one.
func WrapChain(c chains.Chain, opts ...Option) *Chain {
	if w, ok := c.(*Chain); ok {
		return w
	}
	cfg := newConfig(opts)
	_, agent := c.(*agents.Executor)
	return &Chain{inner: c, cfg: cfg, name: typeName(c), agent: agent, h: &Handler{cfg: cfg}}
}

// Unwrap returns the wrapped chain.
func (c *Chain) Unwrap() chains.Chain { return c.inner }

// Call runs the wrapped chain's Call in a span. chains.Call has already loaded the memory
// (GetMemory is the wrapped chain's) and saves it after.
func (c *Chain) Call(ctx context.Context, inputs map[string]any, options ...chains.ChainCallOption) (map[string]any, error) {
	if ctx == nil || !instrument.Tracing(ctx) {
		return c.inner.Call(ctx, inputs, options...)
	}
	inner := c.inner
	if e, isExec := inner.(*agents.Executor); isExec {
		// The executor reports its actions only to its own handler: run a copy that also
		// reports them to this package's handler, which records them on the span.
		cp := *e
		cp.CallbacksHandler = withHandler(e.CallbacksHandler, c.h)
		inner = &cp
	}
	// chains.Call fired no chain callbacks for the wrapper (it has no handler): fire the
	// wrapped chain's own, under the new context, as chains.Call would have.
	var h callbacks.Handler
	if hh, isHaver := inner.(callbacks.HandlerHaver); isHaver {
		h = hh.GetCallbackHandler()
	}
	typ, k := spantypes.Chain, kind(0)
	if c.agent {
		typ = spantypes.Agent
	}
	if h != nil {
		k = kindChain
	}
	w, ok := begin(ctx, &c.cfg, k, c.agent, c.name, typ, func() any { return inputs })
	if !ok {
		return c.inner.Call(ctx, inputs, options...)
	}
	if h != nil {
		h.HandleChainStart(w.ctx, inputs)
	}
	out, err := inner.Call(w.ctx, inputs, options...)
	if h != nil {
		if err != nil {
			h.HandleChainError(w.ctx, err)
		} else {
			h.HandleChainEnd(w.ctx, out)
		}
	}
	if err == nil {
		w.outputs(func() any { return out })
	}
	w.finish(err)
	return out, err
}

// withHandler returns a handler that calls user (when not nil) and ours, unless user is
// already one of this package's handlers.
func withHandler(user callbacks.Handler, ours *Handler) callbacks.Handler {
	switch u := user.(type) {
	case nil:
		return ours
	case *Handler:
		return u
	case callbacks.CombiningHandler:
		for _, h := range u.Callbacks {
			if _, isOurs := h.(*Handler); isOurs {
				return u
			}
		}
	case *callbacks.CombiningHandler:
		for _, h := range u.Callbacks {
			if _, isOurs := h.(*Handler); isOurs {
				return u
			}
		}
	}
	return callbacks.CombiningHandler{Callbacks: []callbacks.Handler{user, ours}}
}

// GetMemory returns the wrapped chain's memory.
func (c *Chain) GetMemory() schema.Memory { return c.inner.GetMemory() }

// GetInputKeys returns the wrapped chain's input keys.
func (c *Chain) GetInputKeys() []string { return c.inner.GetInputKeys() }

// GetOutputKeys returns the wrapped chain's output keys.
func (c *Chain) GetOutputKeys() []string { return c.inner.GetOutputKeys() }
