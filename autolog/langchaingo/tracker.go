package langchaingo

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/core"
)

// langchaingo's callbacks receive a context but cannot return one, and its end callbacks
// carry nothing that names their start. The tracker rebuilds the nesting: every callback of
// one run arrives with the same context value (langchaingo passes the caller's context down
// unchanged), so the open spans are kept per context, as a small tree of frames, and each
// start is placed under the open frame that can contain it.
//
// What can contain what follows from langchaingo's code (v0.1.14):
//   - only chains contain anything: LLMs, tools and retrievers fire no callbacks of the
//     components they call (a vector store's embedder fires none);
//   - a chain that has shown it is an agent executor (it fired an agent action or finish, or
//     its first child is an agent's planning chain, whose inputs hold "agent_scratchpad")
//     contains everything, one child after the other;
//   - any other chain (an LLMChain, or an executor before its first action) contains one
//     first child: an LLM call, or an agent's planning chain.
//
// When two open frames in different branches could both contain a start (siblings that
// langchaingo runs concurrently on one context, as map-reduce does), the start goes under
// their nearest common ancestor: a parent that is certainly right, never a guess. An end
// callback that could close either of two concurrent siblings closes the older and marks it
// KeyAmbiguous.

type kind uint8

const (
	kindChain kind = iota + 1
	kindLLM
	kindTool
	kindRetriever
)

// frame is one open span of a run.
type frame struct {
	kind   kind
	span   *core.Span
	ctx    context.Context // the context children start under
	parent *frame
	own    bool // the handler started the span; false: a wrapper's span the handler joined
	agent  bool // the chain is an agent executor
	// children counts the frames started under this one; llmChildren the LLM calls.
	children, llmChildren int
	pendingTool           string // the tool of the agent action just announced
	query                 string // a retriever's query
	httpClaimed           bool   // an HTTP call was matched to this LLM frame
	chunks                int    // stream chunks recorded
	// ambiguous is set on every frame an end callback (or HTTP call) could have been for
	// when it had to pick among concurrent siblings: the pick may be wrong, and then the
	// siblings' own ends are wrong too.
	ambiguous bool
	started   time.Time
	// pending counts, on a trace's top frame, the frames of its tree that a callback took
	// out and is ending outside the tracker's lock; endDeferred tells that the top frame's
	// own end came meanwhile and waits for them (see tracker.settle).
	pending     int
	endDeferred bool
}

// top returns the outermost frame f descends from, f itself when it has no parent.
func (f *frame) top() *frame {
	for f.parent != nil {
		f = f.parent
	}
	return f
}

// descends reports whether f is a strict descendant of a.
func (f *frame) descends(a *frame) bool {
	for p := f.parent; p != nil; p = p.parent {
		if p == a {
			return true
		}
	}
	return false
}

// tainted reports whether f or one of its ancestors is ambiguous.
func (f *frame) tainted() bool {
	for a := f; a != nil; a = a.parent {
		if a.ambiguous {
			return true
		}
	}
	return false
}

// accepts reports whether a start of kind k can be a child of f.
func (f *frame) accepts(k kind, agentPlan bool) bool {
	if f.kind != kindChain || f.tainted() {
		// A frame that concurrent work may have been mixed into (or one below it) is nobody's
		// parent any more: its would-be children start a trace of their own rather than risk
		// the wrong one.
		return false
	}
	if f.agent {
		// An executor's steps: its planning chain, LLM calls and tools. A chain that is no
		// agent's planning chain is not one of them: it is another run on the same context
		// (a tool of yours that runs a chain must be wrapped to nest under the executor).
		return k != kindChain || agentPlan
	}
	switch k {
	case kindLLM:
		return f.children == 0
	case kindChain:
		return f.children == 0 && agentPlan
	}
	return false
}

// run is the open frames of one context, in start order.
type run struct {
	open []*frame
	// mixed is set once concurrent work showed on this context: from then on every callback
	// may be another run's, so every frame is ambiguous until the context has nothing open.
	mixed bool
}

// mix marks the run and its open frames ambiguous.
func (r *run) mix() {
	r.mixed = true
	for _, o := range r.open {
		o.ambiguous = true
	}
}

func (r *run) remove(f *frame) {
	for i, o := range r.open {
		if o == f {
			r.open = append(r.open[:i], r.open[i+1:]...)
			return
		}
	}
}

// takeDescendants removes f's open descendants from the run and returns them, innermost
// last (start order).
func (r *run) takeDescendants(f *frame) []*frame {
	var out []*frame
	kept := r.open[:0]
	for _, o := range r.open {
		if o.descends(f) {
			out = append(out, o)
		} else {
			kept = append(kept, o)
		}
	}
	clear(r.open[len(kept):])
	r.open = kept
	return out
}

// leaves returns the frames of fs that have no descendant in fs.
func leaves(fs []*frame) []*frame {
	var out []*frame
	for _, f := range fs {
		leaf := true
		for _, g := range fs {
			if g != f && g.descends(f) {
				leaf = false
				break
			}
		}
		if leaf {
			out = append(out, f)
		}
	}
	return out
}

// commonAncestor returns the nearest frame that all of fs descend from, nil for the run's
// base (the span of the context itself).
func commonAncestor(fs []*frame) *frame {
	for a := fs[0].parent; a != nil; a = a.parent {
		all := true
		for _, f := range fs[1:] {
			if !f.descends(a) {
				all = false
				break
			}
		}
		if all {
			return a
		}
	}
	return nil
}

// Counts are what the tracker could not match exactly, since the program started.
type Counts struct {
	// Unmatched counts end callbacks (and agent events) that arrived with no open start to
	// match: an end twice, an end without a start, or a start that was not traced.
	Unmatched int64
	// Inferred counts spans langchaingo never ended, ended when their parent moved on.
	Inferred int64
	// Ambiguous counts ends matched among concurrent siblings (see KeyAmbiguous).
	Ambiguous int64
	// Untracked counts callbacks whose context is nil or cannot be a map key (a context
	// type that is not comparable), which are not traced.
	Untracked int64
}

var counts struct{ unmatched, inferred, ambiguous, untracked atomic.Int64 }

// Stats returns the adapter's counts.
func Stats() Counts {
	return Counts{
		Unmatched: counts.unmatched.Load(),
		Inferred:  counts.inferred.Load(),
		Ambiguous: counts.ambiguous.Load(),
		Untracked: counts.untracked.Load(),
	}
}

// maxFrameAge is how long a frame may stay open before a sweep ends it: a start whose end
// never comes (an LLM call that failed outside any chain) must not be kept for ever.
const maxFrameAge = time.Hour

// tracker holds the runs of every handler: one state, so that a start seen by one handler
// and its end seen by another still match, and so that the HTTP bridge finds the open spans.
type tracker struct {
	mu        sync.Mutex
	runs      map[any]*run
	lastSweep time.Time
}

var state = &tracker{runs: map[any]*run{}}

// keyOf returns the map key of a context: the context value itself. Contexts are pointers
// in practice; one that is not comparable cannot be tracked.
func keyOf(ctx context.Context) (any, bool) {
	if ctx == nil {
		return nil, false
	}
	if !reflect.TypeOf(ctx).Comparable() {
		counts.untracked.Add(1)
		return nil, false
	}
	return ctx, true
}

// claim is what a wrapper leaves in the context it calls its component with: the span it
// opened, for the handler to join instead of opening a second one for the same call.
type claim struct {
	kind  kind
	span  *core.Span
	agent bool
	taken atomic.Bool
	// http is set by the bridge when the call's HTTP request goes through the OpenAI adapter,
	// which then records the stream's chunks (the raw API chunks) on the span.
	http atomic.Bool
}

type claimKey struct{}

func withClaim(ctx context.Context, c *claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// started is what start decided.
type started struct {
	f         *frame
	finished  []*frame // frames the new start shows to be over (an executor moved on)
	ambiguous bool
}

// start opens a frame of kind k for a callback on ctx. open starts its span under the
// parent context it is given; it runs under the lock, so it must only start the span.
func (t *tracker) start(ctx context.Context, k kind, agentPlan bool, open func(parent context.Context, toolName string) *core.Span) (started, bool) {
	key, ok := keyOf(ctx)
	if !ok {
		return started{}, false
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var swept []*frame
	if now.Sub(t.lastSweep) > time.Minute {
		swept = t.sweep(now)
	}
	r := t.runs[key]
	if r == nil {
		r = &run{}
		t.runs[key] = r
	}
	if c, _ := ctx.Value(claimKey{}).(*claim); c != nil && c.kind == k && len(r.open) == 0 && c.taken.CompareAndSwap(false, true) {
		f := &frame{kind: k, span: c.span, ctx: ctx, agent: c.agent, started: now}
		r.open = append(r.open, f)
		return started{f: f, finished: swept}, true
	}
	var acc []*frame
	for _, o := range r.open {
		if o.accepts(k, agentPlan) {
			acc = append(acc, o)
		}
	}
	var parent *frame
	ambiguous := false
	switch acc = leaves(acc); len(acc) {
	case 0:
		if k == kindChain {
			// A second top-level chain while one is open: two runs share the context, and
			// nothing tells their callbacks apart. Trust neither from now on.
			for _, o := range r.open {
				if o.parent == nil && o.kind == kindChain && o.own {
					ambiguous = true
				}
			}
			if ambiguous {
				r.mix()
			}
		}
	case 1:
		parent = acc[0]
	default:
		parent, ambiguous = commonAncestor(acc), true
		r.mix()
	}
	res := started{ambiguous: ambiguous, finished: swept}
	pctx, toolName := ctx, ""
	if parent != nil {
		pctx = parent.ctx
		if parent.agent {
			// An executor runs one child at a time: what it started before is over.
			res.finished = append(res.finished, takeChildren(r, parent)...)
		}
		if k == kindChain && agentPlan && !parent.agent {
			parent.agent = true
		}
		parent.children++
		if k == kindLLM {
			parent.llmChildren++
		}
		if k == kindTool {
			toolName, parent.pendingTool = parent.pendingTool, ""
		}
	}
	hold(res.finished)
	sctx, span := startIn(pctx, open, toolName)
	f := &frame{kind: k, span: span, ctx: sctx, parent: parent, own: true, started: now, ambiguous: r.mixed}
	r.open = append(r.open, f)
	res.f = f
	return res, true
}

// startIn calls open and returns the context its span is active in.
func startIn(parent context.Context, open func(context.Context, string) *core.Span, toolName string) (context.Context, *core.Span) {
	span := open(parent, toolName)
	return core.ContextWithSpan(parent, span), span
}

func hasChain(fs []*frame) bool {
	for _, f := range fs {
		if f.kind == kindChain {
			return true
		}
	}
	return false
}

// takeChildren removes f's open children and their descendants from the run and returns
// them, each before its descendants.
func takeChildren(r *run, f *frame) []*frame {
	var children []*frame
	for _, o := range r.open {
		if o.parent == f {
			children = append(children, o)
		}
	}
	var out []*frame
	for _, o := range children {
		out = append(out, o)
		out = append(out, r.takeDescendants(o)...)
		r.remove(o)
	}
	return out
}

// ended is what end decided.
type ended struct {
	f         *frame
	dead      []*frame // open descendants of f, which langchaingo will not end
	ambiguous bool
	// closed tells that end has ended the spans itself: an ambiguous end, whose spans must
	// end in the order its decision implies (descendants first). Ended after the lock, a
	// frame another callback took out just before could end after its root, and be lost.
	closed bool
}

// end closes the frame of kind k that an end callback on ctx is about; match, when not nil,
// prefers the frames it accepts. ok is false when there is none.
func (t *tracker) end(ctx context.Context, k kind, match func(*frame) bool) (ended, bool) {
	key, ok := keyOf(ctx)
	if !ok {
		return ended{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.runs[key]
	if r == nil {
		return ended{}, false
	}
	var cands []*frame
	for _, o := range r.open {
		if o.kind == k && (match == nil || match(o)) {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 && match != nil {
		for _, o := range r.open {
			if o.kind == k {
				cands = append(cands, o)
			}
		}
	}
	cands = leaves(cands)
	if len(cands) == 0 {
		return ended{}, false
	}
	f := cands[0]
	if len(cands) > 1 {
		r.mix()
	}
	res := ended{f: f, ambiguous: f.ambiguous || r.mixed, dead: r.takeDescendants(f)}
	r.remove(f)
	if r.mixed && f.kind == kindChain && !hasChain(r.open) {
		// The last chain of a mixed context ended: what is left open had its end taken by
		// another frame's callback and would never end.
		res.dead = append(res.dead, r.open...)
		r.open = nil
	}
	if len(r.open) == 0 {
		delete(t.runs, key)
	}
	if res.ambiguous {
		// Only ends of concurrent work on one context race each other, and they record no
		// outputs (see Handler.endFrame): ending their spans here is cheap.
		closeAmbiguous(res)
		res.closed = true
	} else {
		hold(res.dead)
		hold([]*frame{f})
	}
	return res, true
}

// closeAmbiguous ends the spans of an ambiguous end, under the tracker's lock: its dead
// descendants, then the frame, marked KeyAmbiguous, with no outputs, usage or error that may
// be another run's.
func closeAmbiguous(res ended) {
	counts.ambiguous.Add(1)
	for i := len(res.dead) - 1; i >= 0; i-- {
		if markInferred(res.dead[i], nil) {
			endOrDefer(res.dead[i])
		}
	}
	f := res.f
	if !f.own {
		return
	}
	f.span.SetAttribute(KeyAmbiguous, true)
	nameChain(f)
	endOrDefer(f)
}

// hold counts fs, which a callback took out of their run and ends after the lock, as pending
// on their trace's top frame: ending that frame meanwhile would leave theirs after the end
// of their trace, which drops them. Called under the lock.
func hold(fs []*frame) {
	for _, f := range fs {
		if top := f.top(); top != f {
			top.pending++
		}
	}
}

// endOrDefer ends f's span now, or, when f is a trace's top frame whose descendants are still
// being ended (held), once the last of them has (settle). Called under the lock.
func endOrDefer(f *frame) {
	if f.parent == nil && f.pending > 0 {
		f.endDeferred = true
		return
	}
	f.span.End()
}

// settle is the end of held frames fs (and f, when not nil): a top frame whose end waited
// for them ends now.
func (t *tracker) settle(fs []*frame, f *frame) {
	if len(fs) == 0 && (f == nil || f.parent == nil) {
		return // nothing was held
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, g := range fs {
		settleOne(g)
	}
	if f != nil {
		settleOne(f)
	}
}

func settleOne(f *frame) {
	top := f.top()
	if top == f {
		return
	}
	if top.pending--; top.pending == 0 && top.endDeferred {
		top.endDeferred = false
		top.span.End()
	}
}

// agentEvent finds the executor an agent action or finish on ctx is about, marks it an
// agent, and returns it with the children it started before, which are over.
func (t *tracker) agentEvent(ctx context.Context, tool string) (f *frame, finished []*frame, ambiguous, ok bool) {
	key, ok := keyOf(ctx)
	if !ok {
		return nil, nil, false, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.runs[key]
	if r == nil {
		return nil, nil, false, false
	}
	var chains []*frame
	for _, o := range r.open {
		if o.kind == kindChain {
			chains = append(chains, o)
		}
	}
	chains = leaves(chains)
	if len(chains) == 0 {
		return nil, nil, false, false
	}
	f = chains[0]
	if len(chains) > 1 || f.ambiguous || r.mixed {
		// Several executors could have fired it: change none of them.
		r.mix()
		return f, nil, true, true
	}
	f.agent = true
	f.pendingTool = tool
	finished = takeChildren(r, f)
	hold(finished)
	return f, finished, false, true
}

// chunk returns the LLM frame a stream chunk on ctx belongs to and its index. langchaingo's
// OpenAI client calls the streaming function with a context derived from the call's (for
// cancelling its reader), which is no key of the tracker: the chunk then goes to the one
// open LLM frame whose context holds the same span, or nowhere when there are several.
func (t *tracker) chunk(ctx context.Context) (*frame, int, bool) {
	key, ok := keyOf(ctx)
	if !ok {
		return nil, 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var f *frame
	if r := t.runs[key]; r != nil {
		for _, o := range r.open {
			if o.kind == kindLLM {
				f = o
				break
			}
		}
	} else {
		base := core.SpanFromContext(ctx)
		for k, r := range t.runs {
			kctx, _ := k.(context.Context)
			if kctx == nil || core.SpanFromContext(kctx) != base {
				continue
			}
			for _, o := range r.open {
				if o.kind == kindLLM {
					if f != nil {
						return nil, 0, false
					}
					f = o
				}
			}
		}
	}
	if f == nil {
		return nil, 0, false
	}
	i := f.chunks
	f.chunks++
	return f, i, true
}

// spanForRequest returns the span an HTTP request made under ctx belongs to: for a model
// call, the open LLM frame it is the call of, when only one is waiting for its request; for
// other calls (embeddings), and model calls that could be any of several, the innermost
// frame that certainly contains it, never an LLM frame. nil when the handler has nothing
// open under ctx, or nothing certain.
func (t *tracker) spanForRequest(ctx context.Context, model bool) *core.Span {
	key, ok := keyOf(ctx)
	if !ok {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.runs[key]
	if r == nil || len(r.open) == 0 {
		return nil
	}
	if model {
		var llmFrames, unclaimed []*frame
		for _, o := range r.open {
			if o.kind == kindLLM {
				llmFrames = append(llmFrames, o)
				if !o.httpClaimed {
					unclaimed = append(unclaimed, o)
				}
			}
		}
		switch {
		case len(unclaimed) == 1 && !unclaimed[0].ambiguous:
			unclaimed[0].httpClaimed = true
			return unclaimed[0].span
		case len(unclaimed) > 1:
			// Concurrent calls on one context: the request may be any of theirs. Enriching
			// the wrong one would put its usage in another span (or trace); the request gets
			// a model span of its own below their common parent instead.
			r.mix()
		case len(unclaimed) == 0 && len(llmFrames) == 1 && !llmFrames[0].ambiguous:
			return llmFrames[0].span // a retried request of the same call
		}
	}
	var others []*frame
	for _, o := range r.open {
		if o.kind != kindLLM {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return nil
	}
	ls := leaves(others)
	f := ls[0]
	if len(ls) > 1 {
		f = commonAncestor(ls)
	}
	for f != nil && (f.kind == kindLLM || f.tainted()) {
		f = f.parent
	}
	if f == nil {
		return nil
	}
	return f.span
}

// release forgets what is still open under ctx, when the wrapper that made ctx returns: it
// returns the frames to end.
func (t *tracker) release(ctx context.Context) []*frame {
	key, ok := keyOf(ctx)
	if !ok {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.runs[key]
	if r == nil {
		return nil
	}
	delete(t.runs, key)
	return r.open
}

// sweep takes out the frames open longer than maxFrameAge, with their descendants.
func (t *tracker) sweep(now time.Time) []*frame {
	t.lastSweep = now
	var out []*frame
	for key, r := range t.runs {
		for _, o := range append([]*frame(nil), r.open...) {
			if now.Sub(o.started) > maxFrameAge && (o.parent == nil || now.Sub(o.parent.started) <= maxFrameAge) {
				out = append(out, o)
				out = append(out, r.takeDescendants(o)...)
				r.remove(o)
			}
		}
		if len(r.open) == 0 {
			delete(t.runs, key)
		}
	}
	return out
}

// endInferred ends frames langchaingo will not end: their parent ended (or moved on) first.
// cause, when not nil, is the error their parent failed with, which they most likely
// failed with too. Frames joined from a wrapper are the wrapper's to end.
func endInferred(fs []*frame, cause error) {
	for i := len(fs) - 1; i >= 0; i-- {
		if markInferred(fs[i], cause) {
			fs[i].span.End()
		}
	}
}

// markInferred records on f that langchaingo did not end it, and reports whether its span is
// the handler's to end.
func markInferred(f *frame, cause error) bool {
	if !f.own {
		return false
	}
	counts.inferred.Add(1)
	f.span.SetAttribute(KeyInferredEnd, true)
	if f.ambiguous {
		f.span.SetAttribute(KeyAmbiguous, true)
		cause = nil // it may be another run's error
	}
	if cause != nil {
		f.span.RecordError(cause)
	}
	return true
}
