package langchaingo

import (
	"context"

	"github.com/tmc/langchaingo/tools"

	"github.com/agentlens/agentlens/spantypes"
)

// Tool is a tools.Tool whose calls are traced: a TOOL span named after the tool, with its
// input and output. Agent executors call tools without callbacks (only langchaingo's
// built-in tools fire any): wrap the tools you give an agent to see every call.
type Tool struct {
	inner tools.Tool
	cfg   config
}

var _ tools.Tool = (*Tool)(nil)

// WrapTool returns t traced.
func WrapTool(t tools.Tool, opts ...Option) *Tool {
	if w, ok := t.(*Tool); ok {
		return w
	}
	return &Tool{inner: t, cfg: newConfig(opts)}
}

// WrapTools returns the tools, each traced.
func WrapTools(ts []tools.Tool, opts ...Option) []tools.Tool {
	out := make([]tools.Tool, len(ts))
	for i, t := range ts {
		out[i] = WrapTool(t, opts...)
	}
	return out
}

// Unwrap returns the wrapped tool.
func (t *Tool) Unwrap() tools.Tool { return t.inner }

// Name returns the wrapped tool's name.
func (t *Tool) Name() string { return t.inner.Name() }

// Description returns the wrapped tool's description.
func (t *Tool) Description() string { return t.inner.Description() }

// Call calls the wrapped tool in a span.
func (t *Tool) Call(ctx context.Context, input string) (string, error) {
	name := t.inner.Name()
	w, ok := begin(ctx, &t.cfg, kindTool, false, name, spantypes.Tool, func() any { return input })
	if !ok {
		return t.inner.Call(ctx, input)
	}
	w.span.SetAttribute(spantypes.KeyGenAIOperationName, "execute_tool")
	w.span.SetAttribute(spantypes.KeyGenAIToolName, name)
	out, err := t.inner.Call(w.ctx, input)
	if err == nil {
		w.outputs(func() any { return out })
	}
	w.finish(err)
	return out, err
}
