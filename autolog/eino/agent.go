package eino

import (
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/cloudwego/eino/adk"
	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/schema"
)

// agentState is what an AGENT span learns from its agent's events.
type agentState struct {
	mu        sync.Mutex
	handedOff map[string]bool // transfers recorded, by target
}

// endAgent reads the agent's events (this handler's copy of the iterator) on a goroutine;
// the span ends when they are exhausted, with the agent's last message as its outputs and
// ERROR when an event carried an error. eino calls OnEnd for an agent as soon as it starts.
func (f *frame) endAgent(output callbacks.CallbackOutput) {
	out := adk.ConvAgentCallbackOutput(output)
	if out == nil || out.Events == nil {
		f.end(func() {
			defer recoverReport()
			f.recordOutput(output)
		})
		return
	}
	f.hold()
	f.end(nil)
	go func() {
		defer f.release()
		var last *schema.Message
		var lastErr error
		name := spanName(f.info)
		for {
			ev, ok := out.Events.Next()
			if !ok {
				break
			}
			if ev == nil {
				continue
			}
			if ev.Err != nil {
				lastErr = ev.Err
			}
			if m := eventMessage(ev); m != nil && (ev.AgentName == "" || ev.AgentName == name) {
				last = m
			}
			if a := ev.Action; a != nil && a.TransferToAgent != nil && (ev.AgentName == "" || ev.AgentName == name) {
				f.handoff(a.TransferToAgent.DestAgentName, "")
			}
		}
		defer recoverReport()
		if f.content && last != nil {
			f.span.SetOutputs(map[string]any{"messages": []*chatMessage{toChatMessage(last)}})
		}
		if lastErr != nil {
			f.setErr(lastErr)
			f.span.RecordError(lastErr)
		}
	}()
}

// eventMessage is the message an event carries, its stream (this handler's copy) read to the
// end and closed.
func eventMessage(ev *adk.AgentEvent) *schema.Message {
	if ev.Output == nil || ev.Output.MessageOutput == nil {
		return nil
	}
	mv := ev.Output.MessageOutput
	if !mv.IsStreaming {
		return mv.Message
	}
	if mv.MessageStream == nil {
		return nil
	}
	defer mv.MessageStream.Close()
	var parts []*schema.Message
	for {
		m, err := mv.MessageStream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			break
		}
		if m != nil {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	m, err := schema.ConcatMessages(parts)
	if err != nil {
		return parts[len(parts)-1]
	}
	return m
}

// transferStarting is called when the transfer_to_agent tool starts: the agent that runs
// it hands off to the agent its arguments name. Recording it here, on the agent's own
// goroutine, makes the link ready before eino starts the receiving agent.
func (f *frame) transferStarting(args, callID string) {
	var p struct {
		AgentName string `json:"agent_name"`
	}
	if json.Unmarshal([]byte(args), &p) != nil || p.AgentName == "" {
		return
	}
	for a := f.parent; a != nil; a = a.parent {
		if a.kind == kindAgent {
			a.handoff(p.AgentName, callID)
			f.span.SetAttributes(map[string]any{KeyHandoffSourceName: spanName(a.info), KeyHandoffTargetName: p.AgentName})
			return
		}
	}
}

// handoff records that the agent of f transfers to dest, once per target: a handoff event
// and the source and target on its span, and the link the receiving agent's span takes.
func (f *frame) handoff(dest, callID string) {
	f.agent.mu.Lock()
	if f.agent.handedOff[dest] {
		f.agent.mu.Unlock()
		return
	}
	if f.agent.handedOff == nil {
		f.agent.handedOff = map[string]bool{}
	}
	f.agent.handedOff[dest] = true
	f.agent.mu.Unlock()
	from := spanName(f.info)
	ev := map[string]any{"from": from, "to": dest}
	if callID != "" {
		ev["tool_call_id"] = callID
	}
	f.span.AddEvent(HandoffEventName, ev)
	f.span.SetAttributes(map[string]any{KeyHandoffSourceName: from, KeyHandoffTargetName: dest})
	handoffs.mu.Lock()
	k := handoffKey{outer: f.outer, dest: dest}
	handoffs.m[k] = append(handoffs.m[k], f)
	handoffs.mu.Unlock()
}

// handoffs are the transfers whose receiving agent has not started yet. eino starts it with
// the context from before the handing-off agent started, so the link is found by what that
// context holds: the span active there (the id of the span around the first agent, "" at
// the root of a trace) and the receiving agent's name. Two concurrent root-level runs that
// transfer to agents of the same name at the same moment could take each other's link; a
// span around each run (core.StartSpan) keeps them apart.
var handoffs = struct {
	mu sync.Mutex
	m  map[handoffKey][]*frame
}{m: map[handoffKey][]*frame{}}

type handoffKey struct{ outer, dest string }

// takeHandoff returns the agent frame that handed off to the agent name starting under the
// span outer, and forgets the link.
func takeHandoff(outer, name string) *frame {
	handoffs.mu.Lock()
	defer handoffs.mu.Unlock()
	k := handoffKey{outer: outer, dest: name}
	q := handoffs.m[k]
	for len(q) > 0 {
		f := q[0]
		q = q[1:]
		f.mu.Lock()
		done := f.finished
		f.mu.Unlock()
		if !done {
			if len(q) == 0 {
				delete(handoffs.m, k)
			} else {
				handoffs.m[k] = q
			}
			return f
		}
	}
	delete(handoffs.m, k)
	return nil
}

// forgetHandoffs drops the links of an agent that ends, whose receiving agent never started.
func (f *frame) forgetHandoffs() {
	f.agent.mu.Lock()
	n := len(f.agent.handedOff)
	f.agent.mu.Unlock()
	if n == 0 {
		return
	}
	handoffs.mu.Lock()
	defer handoffs.mu.Unlock()
	for k, q := range handoffs.m {
		out := q[:0]
		for _, g := range q {
			if g != f {
				out = append(out, g)
			}
		}
		if len(out) == 0 {
			delete(handoffs.m, k)
		} else {
			handoffs.m[k] = out
		}
	}
}
