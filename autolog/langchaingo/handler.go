package langchaingo

import (
	"context"
	"errors"

	"github.com/tmc/langchaingo/callbacks"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/schema"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/spantypes"
)

// Names of the spans the handler opens. langchaingo's callbacks do not say which chain, LLM
// or tool fired them; the handler names a chain after what it turns out to be when it ends.
const (
	ChainSpanName         = "Chain"           // a chain that showed nothing more
	LLMChainSpanName      = "LLMChain"        // a chain whose only child was one LLM call
	AgentExecutorSpanName = "AgentExecutor"   // a chain that fired agent actions
	ChatModelSpanName     = "GenerateContent" // an llms.Model.GenerateContent call
	LLMSpanName           = "LLM"             // a call announced by HandleLLMStart (prompts)
	ToolSpanName          = "Tool"            // a tool called outside an agent executor
	RetrieverSpanName     = "Retriever"       // a vectorstores.Retriever call
)

// Handler is a langchaingo callbacks.Handler that turns callbacks into spans: chains
// (CHAIN; AGENT for an agent executor, with agent_action and agent_finish events), LLM calls
// (CHAT_MODEL with messages, response, token usage and stream chunks), tools (TOOL, named
// after the tool the executor announced), retrievers (RETRIEVER, documents as outputs) and
// errors. Give the same handler to every component that takes one; it is safe for
// concurrent use and keeps no per-run state of its own (see the package doc for how the
// nesting is rebuilt, and where it cannot be).
type Handler struct {
	cfg config
}

var _ callbacks.Handler = (*Handler)(nil)

// NewHandler returns a Handler.
func NewHandler(opts ...Option) *Handler {
	return &Handler{cfg: newConfig(opts)}
}

func (h *Handler) content() bool {
	return instrument.CaptureContent() && (h.cfg.captureContent == nil || *h.cfg.captureContent)
}

// startFrame opens a frame for a start callback; inputs is called only when the span
// records content.
func (h *Handler) startFrame(ctx context.Context, k kind, agentPlan bool, name, typ string, inputs func() any) *frame {
	if !usable(ctx) || !instrument.Tracing(ctx) {
		return nil
	}
	res, ok := state.start(ctx, k, agentPlan, func(parent context.Context, toolName string) *core.Span {
		n := name
		if toolName != "" {
			n = toolName
		}
		_, span := core.StartSpan(parent, n, core.WithSpanType(typ))
		return span
	})
	if !ok {
		return nil
	}
	endInferred(res.finished, nil)
	state.settle(res.finished, nil)
	f := res.f
	if !f.own {
		return f
	}
	if k == kindTool {
		f.span.SetAttribute(spantypes.KeyGenAIOperationName, "execute_tool")
	}
	if inputs != nil && h.content() && f.span.IsRecording() {
		f.span.SetInputs(inputs())
	}
	return f
}

// endFrame closes the frame an end callback is about and calls finish on it when the span is
// the handler's own. An end with nothing to match is counted.
func (h *Handler) endFrame(ctx context.Context, k kind, match func(*frame) bool, cause error, finish func(*core.Span)) {
	if !usable(ctx) {
		return
	}
	res, ok := state.end(ctx, k, match)
	if !ok {
		if instrument.Tracing(ctx) {
			counts.unmatched.Add(1)
			instrument.ReportError("autolog/langchaingo: unmatched callback", errUnmatched)
		}
		return
	}
	if res.closed {
		return
	}
	f := res.f
	defer state.settle(res.dead, f)
	endInferred(res.dead, cause)
	if !f.own {
		return
	}
	if finish != nil {
		finish(f.span)
	}
	nameChain(f)
	f.span.End()
}

// nameChain renames a chain span, at export, after what its callbacks showed it to be.
func nameChain(f *frame) {
	if f.kind != kindChain {
		return
	}
	if name := chainName(f); name != ChainSpanName {
		instrument.OnExport(f.span, func(s *instrument.FinishedSpan) { s.SetName(name) })
	}
}

// usable reports whether a callback's context can be traced: langchaingo passes the
// caller's context on, and a caller may pass nil.
func usable(ctx context.Context) bool {
	if ctx == nil {
		counts.untracked.Add(1)
		return false
	}
	return true
}

var errUnmatched = errors.New("a langchaingo end callback arrived with no open start to match (an end twice, or a start that was not traced)")

// chainName names a chain span after what its callbacks showed it to be.
func chainName(f *frame) string {
	switch {
	case f.agent:
		return AgentExecutorSpanName
	case f.children == 1 && f.llmChildren == 1:
		return LLMChainSpanName
	}
	return ChainSpanName
}

// HandleText does nothing: langchaingo calls it for no component that runs inside a trace.
func (h *Handler) HandleText(context.Context, string) {}

// HandleLLMStart opens an LLM span with the prompts as inputs.
func (h *Handler) HandleLLMStart(ctx context.Context, prompts []string) {
	h.startFrame(ctx, kindLLM, false, LLMSpanName, spantypes.LLM, func() any {
		return map[string]any{"prompts": prompts}
	})
}

// HandleLLMGenerateContentStart opens a CHAT_MODEL span with the messages as inputs.
func (h *Handler) HandleLLMGenerateContentStart(ctx context.Context, ms []llms.MessageContent) {
	h.startFrame(ctx, kindLLM, false, ChatModelSpanName, spantypes.ChatModel, func() any {
		return messagesInput(ms)
	})
}

// HandleLLMGenerateContentEnd ends the model span with the response and its token usage.
func (h *Handler) HandleLLMGenerateContentEnd(ctx context.Context, res *llms.ContentResponse) {
	content := h.content()
	h.endFrame(ctx, kindLLM, nil, nil, func(span *core.Span) {
		setResponse(span, res, content)
	})
}

// setResponse records a model response on its span: outputs, usage and finish reasons.
func setResponse(span *core.Span, res *llms.ContentResponse, content bool) {
	if !span.IsRecording() || res == nil {
		return
	}
	if content {
		span.SetOutputs(responseOutput(res))
	}
	if u, ok := usageOf(res); ok {
		span.SetTokenUsage(u)
	}
	var reasons []string
	for _, c := range res.Choices {
		if c != nil && c.StopReason != "" {
			reasons = append(reasons, c.StopReason)
		}
	}
	if len(reasons) > 0 {
		span.SetAttribute(spantypes.KeyGenAIResponseFinishReasons, reasons)
	}
}

// HandleLLMError ends the model span with the error.
func (h *Handler) HandleLLMError(ctx context.Context, err error) {
	h.endFrame(ctx, kindLLM, nil, err, func(span *core.Span) { span.RecordError(err) })
}

// HandleChainStart opens a CHAIN span with the chain's inputs.
func (h *Handler) HandleChainStart(ctx context.Context, inputs map[string]any) {
	_, agentPlan := inputs["agent_scratchpad"]
	h.startFrame(ctx, kindChain, agentPlan, ChainSpanName, spantypes.Chain, func() any { return inputs })
}

// HandleChainEnd ends the chain span with its outputs.
func (h *Handler) HandleChainEnd(ctx context.Context, outputs map[string]any) {
	content := h.content()
	h.endFrame(ctx, kindChain, nil, nil, func(span *core.Span) {
		if content {
			span.SetOutputs(outputs)
		}
	})
}

// HandleChainError ends the chain span with the error; what it left open ends with it.
func (h *Handler) HandleChainError(ctx context.Context, err error) {
	h.endFrame(ctx, kindChain, nil, err, func(span *core.Span) { span.RecordError(err) })
}

// HandleToolStart opens a TOOL span, named after the tool of the agent action just
// announced, with the tool's input.
func (h *Handler) HandleToolStart(ctx context.Context, input string) {
	h.startFrame(ctx, kindTool, false, ToolSpanName, spantypes.Tool, func() any { return input })
}

// HandleToolEnd ends the tool span with its output.
func (h *Handler) HandleToolEnd(ctx context.Context, output string) {
	content := h.content()
	h.endFrame(ctx, kindTool, nil, nil, func(span *core.Span) {
		if content {
			span.SetOutputs(output)
		}
	})
}

// HandleToolError ends the tool span with the error.
func (h *Handler) HandleToolError(ctx context.Context, err error) {
	h.endFrame(ctx, kindTool, nil, err, func(span *core.Span) { span.RecordError(err) })
}

// HandleAgentAction records the action as an agent_action event on the executor's span,
// which becomes an AGENT span.
func (h *Handler) HandleAgentAction(ctx context.Context, action schema.AgentAction) {
	attrs := map[string]any{"tool": action.Tool}
	if action.ToolID != "" {
		attrs["tool_call_id"] = action.ToolID
	}
	if h.content() {
		attrs["tool_input"] = action.ToolInput
		attrs["log"] = action.Log
	}
	h.agentEvent(ctx, action.Tool, AgentActionEvent, attrs)
}

// HandleAgentFinish records the finish as an agent_finish event on the executor's span.
func (h *Handler) HandleAgentFinish(ctx context.Context, finish schema.AgentFinish) {
	attrs := map[string]any{}
	if h.content() {
		attrs["return_values"] = finish.ReturnValues
		attrs["log"] = finish.Log
	}
	h.agentEvent(ctx, "", AgentFinishEvent, attrs)
}

func (h *Handler) agentEvent(ctx context.Context, tool, name string, attrs map[string]any) {
	if !usable(ctx) || !instrument.Tracing(ctx) {
		return
	}
	f, finished, ambiguous, ok := state.agentEvent(ctx, tool)
	if !ok {
		counts.unmatched.Add(1)
		instrument.ReportError("autolog/langchaingo: no agent span", errNoAgent)
		return
	}
	endInferred(finished, nil)
	state.settle(finished, nil)
	if ambiguous {
		// The event may be a concurrent executor's: keep it off a span it may not belong to.
		counts.ambiguous.Add(1)
		f.span.SetAttribute(KeyAmbiguous, true)
		return
	}
	if f.span.SpanType() != spantypes.Agent {
		f.span.SetSpanType(spantypes.Agent)
	}
	f.span.AddEvent(name, attrs)
}

var errNoAgent = errors.New("a langchaingo agent event arrived with no open chain to record it on")

// HandleRetrieverStart opens a RETRIEVER span with the query as input.
func (h *Handler) HandleRetrieverStart(ctx context.Context, query string) {
	f := h.startFrame(ctx, kindRetriever, false, RetrieverSpanName, spantypes.Retriever, func() any { return query })
	if f != nil {
		// The end callback repeats the query: keep it to match concurrent retrievals.
		state.mu.Lock()
		f.query = query
		state.mu.Unlock()
	}
}

// HandleRetrieverEnd ends the retriever span with the documents, in MLflow's shape.
func (h *Handler) HandleRetrieverEnd(ctx context.Context, query string, docs []schema.Document) {
	content := h.content()
	h.endFrame(ctx, kindRetriever, func(f *frame) bool { return f.query == query }, nil, func(span *core.Span) {
		if content {
			span.SetOutputs(documentsOutput(docs))
		}
	})
}

// HandleStreamingFunc records a stream chunk as a chunk event of the open model span.
func (h *Handler) HandleStreamingFunc(ctx context.Context, chunk []byte) {
	if !usable(ctx) || !instrument.Tracing(ctx) {
		return
	}
	f, i, ok := state.chunk(ctx)
	if !ok || !f.own || f.httpClaimed {
		// A call the OpenAI adapter traces below has its raw chunks recorded by it.
		return
	}
	if h.content() {
		f.span.AddChunkEvent(i, string(chunk))
	} else {
		f.span.AddChunkEvent(i, nil)
	}
}
