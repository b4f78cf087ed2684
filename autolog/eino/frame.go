package eino

import (
	"context"
	"errors"
	"sync"

	"github.com/cloudwego/eino/callbacks"

	"github.com/agentlens/agentlens/core"
)

// frame is one traced component call: the span, and what ending it waits for. A handler's
// OnStart leaves the frame in the context it returns, and eino hands that context to the
// same handler's OnEnd, OnError and OnEndWithStreamOutput.
//
// A span ends once the call ended and everything the span waits for is done: its own stream
// readers, and children that end late (a streamed node under a graph that already returned,
// a sub-agent whose events are still being read). Spans of a trace that end after its root
// are not exported, so a parent waits for such children instead of ending first.
type frame struct {
	h       *handler
	info    *callbacks.RunInfo
	kind    kind
	content bool
	span    *core.Span
	parent  *frame

	// outer is the id of the span that was active when an agent started (the context eino
	// also hands to its sub-agents); handoffFrom is the agent this one took over from.
	outer       string
	handoffFrom *frame
	// agent holds what an AGENT span learns from its events.
	agent agentState

	mu          sync.Mutex
	children    map[*frame]struct{} // child frames not finished yet
	err         error               // the call's error, when it failed
	pending     int                 // stream readers and late children not done yet
	endFn       func()              // the recording that waits for pending to reach 0
	endAsked    bool
	holdsParent bool // the frame counts in its parent's pending
	finished    bool
}

type frameKey struct{}

func frameOf(ctx context.Context) *frame {
	f, _ := ctx.Value(frameKey{}).(*frame)
	return f
}

// hold makes the span wait for one more thing (a reader, a late child).
func (f *frame) hold() {
	f.mu.Lock()
	f.pending++
	f.mu.Unlock()
}

// release says one thing the span waited for is done; the last one ends a span whose call
// already ended.
func (f *frame) release() {
	f.mu.Lock()
	f.pending--
	fn := f.takeEnd()
	f.mu.Unlock()
	if fn != nil {
		f.finish(fn)
	}
}

// end asks for the span to end, recording with fn first: now, or when what it waits for is
// done. Only the first call counts.
func (f *frame) end(fn func()) {
	f.mu.Lock()
	if f.endAsked {
		f.mu.Unlock()
		return
	}
	f.endAsked = true
	f.endFn = fn
	if f.pending > 0 && !f.holdsParent && f.parent != nil {
		// This span ends late: its parent waits for it. The parent's lock is taken under
		// ours, never the other way round.
		f.parent.hold()
		f.holdsParent = true
	}
	fn = f.takeEnd()
	f.mu.Unlock()
	if fn != nil {
		f.finish(fn)
	}
}

// takeEnd returns the recording to run when the span may end now, once. f.mu is held.
func (f *frame) takeEnd() func() {
	if !f.endAsked || f.pending > 0 || f.finished {
		return nil
	}
	f.finished = true
	fn := f.endFn
	f.endFn = nil
	if fn == nil {
		fn = func() {}
	}
	return fn
}

// errNoEnd is what a span whose call eino never reported the end of ends with: a panic
// in a Lambda, say, which eino turns into the graph's error without calling the node's
// handlers again.
var errNoEnd = errors.New("eino reported no end of this call; it ended with its parent")

// addChild records a child frame, which is ended with f should eino never end it.
func (f *frame) addChild(c *frame) {
	f.mu.Lock()
	if f.children == nil {
		f.children = map[*frame]struct{}{}
	}
	f.children[c] = struct{}{}
	f.mu.Unlock()
}

// setErr records the call's error, which children left open end with.
func (f *frame) setErr(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

// finish records with fn, ends the children eino left open, ends the span and lets the
// parent go on.
func (f *frame) finish(fn func()) {
	fn()
	f.mu.Lock()
	open := make([]*frame, 0, len(f.children))
	for c := range f.children {
		open = append(open, c)
	}
	cause := f.err
	f.mu.Unlock()
	if cause == nil {
		cause = errNoEnd
	}
	for _, c := range open {
		c.setErr(cause)
		c.end(func() { c.span.RecordError(cause) })
	}
	if f.kind == kindAgent {
		f.forgetHandoffs()
	}
	f.span.End()
	openFrames.Add(-1)
	f.mu.Lock()
	held := f.holdsParent
	f.mu.Unlock()
	if f.parent != nil {
		f.parent.mu.Lock()
		delete(f.parent.children, f)
		f.parent.mu.Unlock()
	}
	if held {
		f.parent.release()
	}
}
