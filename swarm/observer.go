package swarm

import (
	"context"
	"slices"
	"sync"

	openai "github.com/sashabaranov/go-openai"
)

// Observer sees a run as it happens, so tracing lives outside the runtime. Methods are called
// on the run's goroutine, in order; a Start method returns the context the runtime uses for
// what happens inside (model calls, tool calls), so spans nest.
//
// The order of the calls of a run:
//
//	RunStart(ctx) -> runCtx
//	AgentStart(runCtx, {a}) -> agentCtx          the model calls of a use agentCtx
//	  ToolCallStart(agentCtx, call) -> toolCtx   for each tool call, in the model's order;
//	  ToolCallEnd(toolCtx, call)                 the function runs with toolCtx
//	  ... (more turns of a)
//	Handoff(agentCtx, {a, b})                    when the turn's tool calls handed off to b
//	AgentEnd(agentCtx, {a, To: b})               (the last handoff of the turn wins)
//	AgentStart(runCtx, {b, From: a}) -> agentCtx
//	...
//	AgentEnd(agentCtx, {last, To: nil})
//	RunEnd(runCtx)
//
// A run that fails (a model call error, a canceled context, a stream consumer that stopped
// iterating) still ends its agent and the run, with Err set. A handoff to the agent already
// active is not a handoff: it makes no Handoff, AgentEnd or AgentStart call.
//
// With several observers (the global ones in the order they were registered, then those of
// WithObserver in order), each method is called on each observer in that order, End methods
// included. Start methods chain: the second observer's Start gets the context the first
// returned, and the last one's is the context used inside; an End or Handoff method gets the
// context its own observer's Start returned.
//
// Observers cannot break a run: a panic in a method is recovered and ignored (a Start
// method that panics, or returns nil, leaves the context as it was given). Panics of
// functions and InstructionsFunc are not recovered: they leave Run with no further
// observer calls. Events are values;
// their pointer fields are nil only where documented (AgentStart.From, AgentEnd.To,
// ToolCallEnd.Handoff). Observers must not modify the agents, messages or variables they are
// shown.
type Observer interface {
	RunStart(ctx context.Context, e RunStart) context.Context
	RunEnd(ctx context.Context, e RunEnd)
	// AgentStart: an agent takes over (run start or handoff).
	AgentStart(ctx context.Context, e AgentStart) context.Context
	// AgentEnd: the agent hands off, or the run ends.
	AgentEnd(ctx context.Context, e AgentEnd)
	ToolCallStart(ctx context.Context, e ToolCallStart) context.Context
	ToolCallEnd(ctx context.Context, e ToolCallEnd)
	// Handoff is called just before AgentEnd(from), with the ctx AgentStart(from) returned.
	Handoff(ctx context.Context, e Handoff)
}

// NoopObserver can be embedded to implement only some methods: its Start methods return the
// context they are given and its other methods do nothing.
type NoopObserver struct{}

func (NoopObserver) RunStart(ctx context.Context, _ RunStart) context.Context     { return ctx }
func (NoopObserver) RunEnd(context.Context, RunEnd)                               {}
func (NoopObserver) AgentStart(ctx context.Context, _ AgentStart) context.Context { return ctx }
func (NoopObserver) AgentEnd(context.Context, AgentEnd)                           {}
func (NoopObserver) ToolCallStart(ctx context.Context, _ ToolCallStart) context.Context {
	return ctx
}
func (NoopObserver) ToolCallEnd(context.Context, ToolCallEnd) {}
func (NoopObserver) Handoff(context.Context, Handoff)         {}

var _ Observer = NoopObserver{}

// RunStart starts a run (Run or RunStream).
type RunStart struct {
	Agent            *Agent                         // the first agent
	Messages         []openai.ChatCompletionMessage // the messages given to the run (a copy)
	ContextVariables ContextVariables               // the initial variables (a copy, never nil)
	Stream           bool                           // RunStream
}

// RunEnd ends a run.
type RunEnd struct {
	// Response is what the run returns, or, when it failed, what it had done (never nil).
	Response *Response
	// Err is the error Run returns (or RunStream yields).
	Err error
}

// AgentStart: an agent takes over.
type AgentStart struct {
	Agent *Agent
	From  *Agent // the agent that handed off; nil at run start
}

// AgentEnd: an agent hands off, or the run ends.
type AgentEnd struct {
	Agent *Agent
	To    *Agent // the agent taking over; nil when the run ends
	Turns int    // the model calls made while the agent was active (a failed one included)
	// Err is the run's error when the run failed while the agent was active (To is nil then).
	Err error
}

// ToolCallStart: the model called a tool; the function (if there is one by that name) is
// about to run.
type ToolCallStart struct {
	Agent     *Agent // the agent whose turn called the tool
	Name, ID  string // the tool name and the tool call id the model gave
	Arguments string // the arguments as the model wrote them
}

// ToolCallEnd: a tool call is done.
type ToolCallEnd struct {
	Agent    *Agent
	Name, ID string
	// Result is the content of the tool message sent to the model ("Error: ..." on errors).
	Result string
	// Handoff is the agent the function handed off to, if any (the turn's last handoff is
	// the one that happens).
	Handoff *Agent
	// Err is the function's error, the error of decoding its result, or, for a tool the
	// agent does not have, an error saying so.
	Err error
}

// Handoff: the tool calls of a turn handed off from one agent to another.
type Handoff struct {
	From, To   *Agent
	ToolCallID string // the call that returned To
}

var globalObservers struct {
	sync.Mutex
	list []*observerEntry
}

type observerEntry struct{ o Observer }

// RegisterObserver adds an observer to every run that starts from now on, until unregister
// is called; runs already started keep the observers they had. It is safe for concurrent
// use; unregister may be called more than once. A nil observer is ignored.
func RegisterObserver(o Observer) (unregister func()) {
	if o == nil {
		return func() {}
	}
	e := &observerEntry{o: o}
	globalObservers.Lock()
	globalObservers.list = append(globalObservers.list, e)
	globalObservers.Unlock()
	return sync.OnceFunc(func() {
		globalObservers.Lock()
		defer globalObservers.Unlock()
		if i := slices.Index(globalObservers.list, e); i >= 0 {
			globalObservers.list = slices.Delete(slices.Clone(globalObservers.list), i, i+1)
		}
	})
}

// observers is the observers of one run.
type observers []Observer

func runObservers(perRun []Observer) observers {
	globalObservers.Lock()
	obs := make(observers, 0, len(globalObservers.list)+len(perRun))
	for _, e := range globalObservers.list {
		obs = append(obs, e.o)
	}
	globalObservers.Unlock()
	return append(obs, perRun...)
}

// scope is what the Start methods of a level (run, agent, tool call) returned: the context
// of each observer, for its End method, and the context used inside.
type scope struct {
	ctxs  []context.Context
	inner context.Context
}

// start calls a Start method on each observer, chaining the contexts.
func (os observers) start(ctx context.Context, call func(o Observer, ctx context.Context) context.Context) scope {
	s := scope{inner: ctx}
	if len(os) == 0 {
		return s
	}
	s.ctxs = make([]context.Context, len(os))
	for i, o := range os {
		s.inner = safeStart(s.inner, func(ctx context.Context) context.Context { return call(o, ctx) })
		s.ctxs[i] = s.inner
	}
	return s
}

// each calls a method on each observer with the context its Start returned.
func (os observers) each(s scope, call func(o Observer, ctx context.Context)) {
	for i, o := range os {
		safeCall(func() { call(o, s.ctxs[i]) })
	}
}

func safeStart(ctx context.Context, f func(context.Context) context.Context) (out context.Context) {
	out = ctx
	defer func() {
		if recover() != nil {
			out = ctx
		}
	}()
	if c := f(ctx); c != nil {
		out = c
	}
	return out
}

func safeCall(f func()) {
	defer func() { _ = recover() }()
	f()
}
