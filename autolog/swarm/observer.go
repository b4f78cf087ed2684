package swarm

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/spantypes"
	swarmrt "github.com/agentlens/agentlens/swarm"
)

// GenAI operation names of the spans.
const (
	opInvokeAgent = "invoke_agent"
	opExecuteTool = "execute_tool"
)

// Observer returns a swarm.Observer that traces the runs it observes. Give it to one run with
// swarm.WithObserver, or to every run with Autolog.
//
// The observer keeps no state of its own: what it needs of a run travels in the contexts
// its Start methods return, so one observer traces any number of concurrent runs. When two
// tracing observers see the same run (Autolog and WithObserver, say), only the first traces it.
func Observer(opts ...Option) swarmrt.Observer {
	return &observer{cfg: newConfig(opts)}
}

type observer struct {
	cfg config
}

var _ swarmrt.Observer = (*observer)(nil)

// content reports whether inputs and outputs are recorded.
func (o *observer) content() bool {
	return instrument.CaptureContent() && (o.cfg.captureContent == nil || *o.cfg.captureContent)
}

// frame is what a Start method leaves in the context it returns: the span it started, and
// the run the span belongs to.
type frame struct {
	obs       *observer
	kind      frameKind
	run       *runState
	span      *core.Span
	done      atomic.Bool // the End method ran
	handedOff atomic.Bool // Handoff ran (agent frames)
}

type frameKind int

const (
	runFrame frameKind = iota + 1
	agentFrame
	toolFrame
)

type frameKey struct{}

func frameOf(ctx context.Context) *frame {
	f, _ := ctx.Value(frameKey{}).(*frame)
	return f
}

// runState is one traced run: its CHAIN span and the spans still open below it, which
// RunEnd ends should they still be open (the runtime ends them before; this is a safeguard).
type runState struct {
	span    *core.Span
	content bool

	mu   sync.Mutex
	open []*frame // agent and tool frames not ended yet
}

func (r *runState) add(f *frame) {
	r.mu.Lock()
	r.open = append(r.open, f)
	r.mu.Unlock()
}

func (r *runState) remove(f *frame) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, g := range r.open {
		if g == f {
			r.open = append(r.open[:i], r.open[i+1:]...)
			return
		}
	}
}

// takeOpen returns the frames still open, latest first, and forgets them.
func (r *runState) takeOpen() []*frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	open := make([]*frame, 0, len(r.open))
	for i := len(r.open) - 1; i >= 0; i-- {
		open = append(open, r.open[i])
	}
	r.open = nil
	return open
}

// runInput is the inputs of the CHAIN span.
type runInput struct {
	Messages         []goopenai.ChatCompletionMessage `json:"messages"`
	ContextVariables swarmrt.ContextVariables         `json:"context_variables"`
}

// runOutput is the outputs of the CHAIN span.
type runOutput struct {
	Messages         []goopenai.ChatCompletionMessage `json:"messages"`
	Agent            *string                          `json:"agent"`
	ContextVariables swarmrt.ContextVariables         `json:"context_variables"`
}

// RunStart starts the CHAIN span of the run.
func (o *observer) RunStart(ctx context.Context, e swarmrt.RunStart) context.Context {
	if f := frameOf(ctx); f != nil && f.kind == runFrame && !f.done.Load() && core.SpanFromContext(ctx) == f.span {
		// Another tracing observer (or this one, registered twice) already traces this run.
		return ctx
	}
	ctx, span := core.StartSpan(ctx, RunSpanName, core.WithSpanType(spantypes.Chain))
	st := &runState{span: span, content: o.content()}
	if st.content {
		span.SetInputs(runInput{
			Messages:         nonNilMessages(e.Messages),
			ContextVariables: nonNilVars(e.ContextVariables),
		})
	}
	return context.WithValue(ctx, frameKey{}, &frame{obs: o, kind: runFrame, run: st, span: span})
}

// RunEnd ends the CHAIN span with the response, and whatever the run left open. A run error
// makes them ERROR.
func (o *observer) RunEnd(ctx context.Context, e swarmrt.RunEnd) {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != runFrame || !f.done.CompareAndSwap(false, true) {
		return
	}
	st := f.run
	for _, open := range st.takeOpen() {
		open.done.Store(true)
		open.span.RecordError(e.Err)
		open.span.End()
	}
	if st.content && e.Response != nil {
		out := runOutput{
			Messages:         nonNilMessages(e.Response.Messages),
			ContextVariables: nonNilVars(e.Response.ContextVariables),
		}
		if e.Response.Agent != nil {
			out.Agent = &e.Response.Agent.Name
		}
		f.span.SetOutputs(out)
	}
	f.span.RecordError(e.Err)
	f.span.End()
}

// AgentStart starts the AGENT span of an agent taking over, under the CHAIN span.
func (o *observer) AgentStart(ctx context.Context, e swarmrt.AgentStart) context.Context {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != runFrame || f.done.Load() {
		return ctx // not ours to trace, or already traced
	}
	st := f.run
	name := agentName(e.Agent)
	attrs := map[string]any{
		spantypes.KeyGenAIAgentName:     name,
		spantypes.KeyGenAIOperationName: opInvokeAgent,
	}
	if e.From != nil {
		attrs[KeyHandoffSourceName] = agentName(e.From)
		attrs[KeyHandoffTargetName] = name
	}
	ctx, span := core.StartSpan(ctx, name, core.WithSpanType(spantypes.Agent), core.WithAttributes(attrs))
	af := &frame{obs: o, kind: agentFrame, run: st, span: span}
	st.add(af)
	return context.WithValue(ctx, frameKey{}, af)
}

// Handoff records the handoff on the AGENT span of the agent handing off.
func (o *observer) Handoff(ctx context.Context, e swarmrt.Handoff) {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != agentFrame || f.done.Load() || !f.handedOff.CompareAndSwap(false, true) {
		return
	}
	from, to := agentName(e.From), agentName(e.To)
	ev := map[string]any{"from": from, "to": to}
	if e.ToolCallID != "" {
		ev["tool_call_id"] = e.ToolCallID
	}
	f.span.AddEvent(HandoffEventName, ev)
	f.span.SetAttributes(map[string]any{KeyHandoffSourceName: from, KeyHandoffTargetName: to})
}

// AgentEnd ends the AGENT span: the agent handed off, or the run ended (ERROR when it
// failed while the agent was active).
func (o *observer) AgentEnd(ctx context.Context, e swarmrt.AgentEnd) {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != agentFrame || !f.done.CompareAndSwap(false, true) {
		return
	}
	f.run.remove(f)
	if e.To != nil && !f.handedOff.Load() {
		f.span.SetAttributes(map[string]any{KeyHandoffSourceName: agentName(e.Agent), KeyHandoffTargetName: agentName(e.To)})
	}
	f.span.RecordError(e.Err)
	f.span.End()
}

// ToolCallStart starts the TOOL span of a function call, under the AGENT span.
func (o *observer) ToolCallStart(ctx context.Context, e swarmrt.ToolCallStart) context.Context {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != agentFrame || f.done.Load() {
		return ctx
	}
	st := f.run
	attrs := map[string]any{
		spantypes.KeyGenAIToolName:      e.Name,
		spantypes.KeyGenAIOperationName: opExecuteTool,
	}
	if e.ID != "" {
		attrs[spantypes.KeyGenAIToolCallID] = e.ID
	}
	ctx, span := core.StartSpan(ctx, e.Name, core.WithSpanType(spantypes.Tool), core.WithAttributes(attrs))
	if st.content && e.Arguments != "" {
		setJSONOrText(span, instrument.SetRawInputs, span.SetInputs, e.Arguments, true)
	}
	tf := &frame{obs: o, kind: toolFrame, run: st, span: span}
	st.add(tf)
	return context.WithValue(ctx, frameKey{}, tf)
}

// ToolCallEnd ends the TOOL span with the tool message, or the function's error.
func (o *observer) ToolCallEnd(ctx context.Context, e swarmrt.ToolCallEnd) {
	f := frameOf(ctx)
	if f == nil || f.obs != o || f.kind != toolFrame || !f.done.CompareAndSwap(false, true) {
		return
	}
	f.run.remove(f)
	if f.run.content {
		setJSONOrText(f.span, instrument.SetRawOutputs, f.span.SetOutputs, e.Result, false)
	}
	if e.Handoff != nil && e.Handoff != e.Agent { // a handoff to the active agent is none
		f.span.SetAttributes(map[string]any{KeyHandoffSourceName: agentName(e.Agent), KeyHandoffTargetName: agentName(e.Handoff)})
	}
	f.span.RecordError(e.Err)
	f.span.End()
}

// agentName is the agent's name, "Agent" (Swarm's default) when it has none.
func agentName(a *swarmrt.Agent) string {
	if a == nil || a.Name == "" {
		return "Agent"
	}
	return a.Name
}

// setJSONOrText records s with setRaw as JSON when it is a JSON object or array (or, with
// anyJSON, any JSON value), else with set as a string.
func setJSONOrText(span *core.Span, setRaw func(*core.Span, string), set func(any), s string, anyJSON bool) {
	if json.Valid([]byte(s)) {
		if anyJSON {
			setRaw(span, s)
			return
		}
		if t := strings.TrimLeft(s, " \t\r\n"); t != "" && (t[0] == '{' || t[0] == '[') {
			setRaw(span, s)
			return
		}
	}
	set(s)
}

func nonNilMessages(m []goopenai.ChatCompletionMessage) []goopenai.ChatCompletionMessage {
	if m == nil {
		return []goopenai.ChatCompletionMessage{}
	}
	return m
}

func nonNilVars(cv swarmrt.ContextVariables) swarmrt.ContextVariables {
	if cv == nil {
		return swarmrt.ContextVariables{}
	}
	return cv
}
