package swarm_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/swarm"
)

// eventLog is the calls observers, functions and model calls made, in order.
type eventLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *eventLog) add(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

// obsKey is the context key of a recording observer: each Start method leaves in the
// context what it started, so the log shows which context each call got.
type obsKey string

// ctxTags shows the values the recording observers left in ctx.
func ctxTags(ctx context.Context) string {
	var tags []string
	for _, k := range []obsKey{"g", "r"} {
		v, _ := ctx.Value(k).(string)
		if v == "" {
			v = "-"
		}
		tags = append(tags, string(k)+"="+v)
	}
	return "[" + strings.Join(tags, " ") + "]"
}

// recObserver logs every call with its event and the context it got.
type recObserver struct {
	name string
	log  *eventLog
}

func agentName(a *swarm.Agent) string {
	if a == nil {
		return "<nil>"
	}
	return a.Name
}

func (o *recObserver) with(ctx context.Context, v string) context.Context {
	return context.WithValue(ctx, obsKey(o.name), v)
}

func (o *recObserver) RunStart(ctx context.Context, e swarm.RunStart) context.Context {
	o.log.add("%s RunStart %s stream=%v messages=%d cv=%v %s", o.name, agentName(e.Agent), e.Stream, len(e.Messages), e.ContextVariables, ctxTags(ctx))
	return o.with(ctx, "run")
}

func (o *recObserver) RunEnd(ctx context.Context, e swarm.RunEnd) {
	o.log.add("%s RunEnd messages=%d agent=%s cv=%v err=%v %s", o.name, len(e.Response.Messages), agentName(e.Response.Agent), e.Response.ContextVariables, e.Err, ctxTags(ctx))
}

func (o *recObserver) AgentStart(ctx context.Context, e swarm.AgentStart) context.Context {
	o.log.add("%s AgentStart %s from=%s %s", o.name, agentName(e.Agent), agentName(e.From), ctxTags(ctx))
	return o.with(ctx, "agent:"+e.Agent.Name)
}

func (o *recObserver) AgentEnd(ctx context.Context, e swarm.AgentEnd) {
	o.log.add("%s AgentEnd %s to=%s turns=%d err=%v %s", o.name, agentName(e.Agent), agentName(e.To), e.Turns, e.Err, ctxTags(ctx))
}

func (o *recObserver) ToolCallStart(ctx context.Context, e swarm.ToolCallStart) context.Context {
	o.log.add("%s ToolCallStart %s %s %s args=%s %s", o.name, agentName(e.Agent), e.Name, e.ID, e.Arguments, ctxTags(ctx))
	return o.with(ctx, "tool:"+e.ID)
}

func (o *recObserver) ToolCallEnd(ctx context.Context, e swarm.ToolCallEnd) {
	o.log.add("%s ToolCallEnd %s %s %s result=%s handoff=%s err=%v %s", o.name, agentName(e.Agent), e.Name, e.ID, e.Result, agentName(e.Handoff), e.Err, ctxTags(ctx))
}

func (o *recObserver) Handoff(ctx context.Context, e swarm.Handoff) {
	o.log.add("%s Handoff %s->%s call=%s %s", o.name, agentName(e.From), agentName(e.To), e.ToolCallID, ctxTags(ctx))
}

var observerReplies = []reply{
	calls(call{"call_1", "lookup_account", `{}`}, call{"call_2", "transfer_to_billing", `{}`}),
	say("Billing here. Your balance is 0."),
}

// The exact sequence of observer calls of a handoff run, with a global and a per-run
// observer, and the contexts each call, the model calls and the functions get; streaming
// makes the same calls.
func scenarioObserverOrder() scenario {
	return scenario{
		name:    "observer_order",
		replies: slices.Concat(observerReplies, observerReplies),
		run: func(t *testing.T, h *harness) {
			log := &eventLog{}
			h.onRequest = func(ctx context.Context) { log.add("model call %s", ctxTags(ctx)) }
			billing := &swarm.Agent{Name: "Billing", Instructions: "You handle billing."}
			lookup := swarm.NewFunction("lookup_account", "Look up the account.",
				func(ctx context.Context, _ noArgs, _ swarm.ContextVariables) (any, error) {
					log.add("function lookup_account %s", ctxTags(ctx))
					return "account 12", nil
				})
			toBilling := swarm.NewFunction("transfer_to_billing", "Transfer to billing.",
				func(ctx context.Context, _ noArgs, _ swarm.ContextVariables) (any, error) {
					log.add("function transfer_to_billing %s", ctxTags(ctx))
					return billing, nil
				})
			triage := &swarm.Agent{Name: "Triage", Instructions: "You route.", Functions: []swarm.Function{lookup, toBilling}}

			unregister := swarm.RegisterObserver(&recObserver{name: "g", log: log})
			defer unregister()
			perRun := swarm.WithObserver(&recObserver{name: "r", log: log})
			msgs := []openai.ChatCompletionMessage{user("Billing question.")}
			cv := swarm.WithContextVariables(swarm.ContextVariables{"k": "v"})

			resp := mustRun(t, h, triage, msgs, cv, perRun)
			if resp.Agent != billing {
				t.Fatalf("agent %q", resp.Agent.Name)
			}
			eq(t, "observer calls of Run", log.take(), wantObserverCalls(false))

			runStream(t, h, triage, msgs, cv, perRun)
			eq(t, "observer calls of RunStream", log.take(), wantObserverCalls(true))
		},
	}
}

func wantObserverCalls(stream bool) []string {
	return []string{
		fmt.Sprintf("g RunStart Triage stream=%v messages=1 cv=map[k:v] [g=- r=-]", stream),
		fmt.Sprintf("r RunStart Triage stream=%v messages=1 cv=map[k:v] [g=run r=-]", stream),
		"g AgentStart Triage from=<nil> [g=run r=run]",
		"r AgentStart Triage from=<nil> [g=agent:Triage r=run]",
		"model call [g=agent:Triage r=agent:Triage]",
		"g ToolCallStart Triage lookup_account call_1 args={} [g=agent:Triage r=agent:Triage]",
		"r ToolCallStart Triage lookup_account call_1 args={} [g=tool:call_1 r=agent:Triage]",
		"function lookup_account [g=tool:call_1 r=tool:call_1]",
		"g ToolCallEnd Triage lookup_account call_1 result=account 12 handoff=<nil> err=<nil> [g=tool:call_1 r=agent:Triage]",
		"r ToolCallEnd Triage lookup_account call_1 result=account 12 handoff=<nil> err=<nil> [g=tool:call_1 r=tool:call_1]",
		"g ToolCallStart Triage transfer_to_billing call_2 args={} [g=agent:Triage r=agent:Triage]",
		"r ToolCallStart Triage transfer_to_billing call_2 args={} [g=tool:call_2 r=agent:Triage]",
		"function transfer_to_billing [g=tool:call_2 r=tool:call_2]",
		`g ToolCallEnd Triage transfer_to_billing call_2 result={"assistant": "Billing"} handoff=Billing err=<nil> [g=tool:call_2 r=agent:Triage]`,
		`r ToolCallEnd Triage transfer_to_billing call_2 result={"assistant": "Billing"} handoff=Billing err=<nil> [g=tool:call_2 r=tool:call_2]`,
		"g Handoff Triage->Billing call=call_2 [g=agent:Triage r=run]",
		"r Handoff Triage->Billing call=call_2 [g=agent:Triage r=agent:Triage]",
		"g AgentEnd Triage to=Billing turns=1 err=<nil> [g=agent:Triage r=run]",
		"r AgentEnd Triage to=Billing turns=1 err=<nil> [g=agent:Triage r=agent:Triage]",
		"g AgentStart Billing from=Triage [g=run r=run]",
		"r AgentStart Billing from=Triage [g=agent:Billing r=run]",
		"model call [g=agent:Billing r=agent:Billing]",
		"g AgentEnd Billing to=<nil> turns=1 err=<nil> [g=agent:Billing r=run]",
		"r AgentEnd Billing to=<nil> turns=1 err=<nil> [g=agent:Billing r=agent:Billing]",
		"g RunEnd messages=4 agent=Billing cv=map[k:v] err=<nil> [g=run r=-]",
		"r RunEnd messages=4 agent=Billing cv=map[k:v] err=<nil> [g=run r=run]",
	}
}

// panicObserver panics in every method.
type panicObserver struct{}

func (panicObserver) RunStart(context.Context, swarm.RunStart) context.Context { panic("RunStart") }
func (panicObserver) RunEnd(context.Context, swarm.RunEnd)                     { panic("RunEnd") }
func (panicObserver) AgentStart(context.Context, swarm.AgentStart) context.Context {
	panic("AgentStart")
}
func (panicObserver) AgentEnd(context.Context, swarm.AgentEnd) { panic("AgentEnd") }
func (panicObserver) ToolCallStart(context.Context, swarm.ToolCallStart) context.Context {
	panic("ToolCallStart")
}
func (panicObserver) ToolCallEnd(context.Context, swarm.ToolCallEnd) { panic("ToolCallEnd") }
func (panicObserver) Handoff(context.Context, swarm.Handoff)         { panic("Handoff") }

// nilObserver's Start methods return a nil context.
type nilObserver struct{ swarm.NoopObserver }

func (nilObserver) RunStart(context.Context, swarm.RunStart) context.Context     { return nil }
func (nilObserver) AgentStart(context.Context, swarm.AgentStart) context.Context { return nil }
func (nilObserver) ToolCallStart(context.Context, swarm.ToolCallStart) context.Context {
	return nil
}

// countObserver counts the calls it gets (only some methods: NoopObserver does the rest).
type countObserver struct {
	swarm.NoopObserver
	log *eventLog
}

func (o countObserver) RunStart(ctx context.Context, e swarm.RunStart) context.Context {
	o.log.add("RunStart %s", agentName(e.Agent))
	return ctx
}

func (o countObserver) AgentEnd(_ context.Context, e swarm.AgentEnd) {
	o.log.add("AgentEnd %s to=%s", agentName(e.Agent), agentName(e.To))
}

func (o countObserver) RunEnd(_ context.Context, e swarm.RunEnd) {
	o.log.add("RunEnd %s err=%v", agentName(e.Response.Agent), e.Err)
}

// Observers that panic or return nil contexts do not break the run, nor keep the other
// observers from being called.
func scenarioObserverPanics() scenario {
	c := call{"call_transfer", "transfer_to_b", `{}`}
	r1, r2 := calls(c), say("B here.")
	return scenario{
		name:    "observer_panics",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			b := &swarm.Agent{Name: "B", Instructions: "You are B."}
			var fnCtx context.Context
			toB := swarm.NewFunction("transfer_to_b", "Transfer to B.",
				func(ctx context.Context, _ noArgs, _ swarm.ContextVariables) (any, error) {
					fnCtx = ctx
					return b, nil
				})
			a := &swarm.Agent{Name: "A", Instructions: "You are A.", Functions: []swarm.Function{toB}}
			log := &eventLog{}
			defer swarm.RegisterObserver(panicObserver{})()
			resp := mustRun(t, h, a, []openai.ChatCompletionMessage{user("Go to B.")},
				swarm.WithObserver(nilObserver{}), swarm.WithObserver(panicObserver{}), swarm.WithObserver(countObserver{log: log}),
				swarm.WithObserver(nil))

			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r1), toolMsg(c.id, `{"assistant": "B"}`), assistant(r2)})
			if resp.Agent != b {
				t.Errorf("agent %q", resp.Agent.Name)
			}
			if fnCtx == nil {
				t.Error("the function got a nil context")
			}
			eq(t, "calls of the observer after the panicking ones", log.take(), []string{
				"RunStart A", "AgentEnd A to=B", "AgentEnd B to=<nil>", "RunEnd B err=<nil>",
			})
		},
	}
}
