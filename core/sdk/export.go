package sdk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
)

// exporter moves completed traces off the caller's goroutine: a bounded queue feeds one
// goroutine that assembles each trace, which then goes to one bounded queue and goroutine per
// destination, so a slow or stuck destination delays only itself. Nothing here ever blocks
// the traced code: a full queue drops the trace and counts it.
type exporter struct {
	rt    *runtime
	queue chan *live.Trace
	sinks []*sink
	// expand tells whether a destination reads event attribute maps, so that compact chunk
	// events must be filled in before the trace is handed on (see tracedata.Event).
	expand bool

	sent, done atomic.Uint64 // traces accepted into queue / assembled or dropped
	flushing   atomic.Int32  // Flush calls waiting
	// sideSent and sideDone count the assessment calls handed to destinations and ended.
	sideSent, sideDone atomic.Uint64

	// gate orders enqueue against shutdown: once stopped is set under its write lock, no
	// trace enters queue, so what shutdown counts as left behind is all that is.
	gate    sync.RWMutex
	stopped bool
	// mu guards abandoned and the hand-off of assembled traces to the sinks.
	mu        sync.Mutex
	abandoned bool

	startOnce sync.Once
	stop      chan struct{}
	ctx       context.Context // handed to Export; cancelled by shutdown
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

type sink struct {
	dest       Destination
	name       string
	linger     time.Duration // how long a batch waits for more traces (BatchDelay)
	queue      chan *tracedata.Trace
	sent, done atomic.Uint64

	exported, retried, dropped, failed atomic.Uint64

	// mu guards inFlight and abandoned, and orders counting an export's outcome against
	// shutdown giving up on the destination: each trace is counted once, by whichever
	// comes first.
	mu        sync.Mutex
	inFlight  int // traces in the export call running now
	abandoned bool
	// sideLast is closed when the last assessment call handed to the destination has ended:
	// each call waits for the one before, so that they reach it in the order they were made.
	sideMu   sync.Mutex
	sideLast chan struct{}

	deadlines *deadlines // of the export attempts of the sink's loop
}

func newExporter(rt *runtime) *exporter {
	e := &exporter{
		rt:    rt,
		queue: make(chan *live.Trace, rt.cfg.queueSize),
		stop:  make(chan struct{}),
	}
	// Export runs under Suppress: whatever a destination calls (an HTTP client on a wrapped
	// http.DefaultTransport, say) is never traced itself.
	e.ctx, e.cancel = context.WithCancel(live.Suppress(context.Background()))
	for _, d := range rt.cfg.destinations {
		s := &sink{dest: d, name: destinationName(d), queue: make(chan *tracedata.Trace, rt.cfg.queueSize)}
		if bd, ok := d.(interface{ BatchDelay() time.Duration }); ok {
			if _, batches := d.(BatchDestination); batches {
				s.linger = bd.BatchDelay()
			}
		}
		e.sinks = append(e.sinks, s)
		e.expand = e.expand || !readsCompactChunks(d)
	}
	return e
}

// enqueue hands a completed trace to the pipeline without blocking.
func (e *exporter) enqueue(lt *live.Trace) {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.stopped {
		e.rt.rec.DropTrace("after-shutdown", "trace %s completed after Shutdown; dropped", lt.ID())
		return
	}
	e.startOnce.Do(e.start)
	select {
	case e.queue <- lt:
		e.sent.Add(1)
	default:
		e.rt.rec.DropTrace("queue-full", "export queue full (%d traces); trace %s dropped", cap(e.queue), lt.ID())
	}
}

func (e *exporter) start() {
	e.wg.Add(1 + len(e.sinks))
	go e.assembleLoop()
	for _, s := range e.sinks {
		go e.sinkLoop(s)
	}
}

func (e *exporter) assembleLoop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.stop:
			return
		case lt := <-e.queue:
			if !e.process(lt) {
				return
			}
		}
	}
}

// process assembles lt and hands it to every destination's queue. It reports false when
// shutdown has given up on the pipeline, which has then counted lt as dropped.
func (e *exporter) process(lt *live.Trace) bool {
	t, err := e.rt.assemble(lt)
	if err == nil && e.expand {
		t.ExpandChunks()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.abandoned {
		return false
	}
	defer e.done.Add(1)
	if err != nil {
		e.rt.rec.DropTrace("assemble", "%w", err)
		return true
	}
	for _, s := range e.sinks {
		select {
		case s.queue <- t:
			s.sent.Add(1)
		default:
			s.dropped.Add(1)
			e.rt.rec.DropTrace("destination-queue-full "+s.name, "queue of destination %s full (%d traces); trace %s not delivered to it", s.name, cap(s.queue), t.Info.TraceID)
		}
	}
	return true
}

// linger waits up to s.linger for more traces to join batch, so that a network destination
// sends one request per batch rather than one per trace; Flush and Shutdown cut it short.
func (e *exporter) linger(s *sink, batch []*tracedata.Trace) []*tracedata.Trace {
	deadline := time.NewTimer(s.linger)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for len(batch) < maxExportBatch {
		select {
		case t := <-s.queue:
			batch = append(batch, t)
		case <-tick.C:
			if e.flushing.Load() > 0 {
				return batch
			}
		case <-deadline.C:
			return batch
		case <-e.stop:
			return batch
		}
	}
	return batch
}

// maxExportBatch bounds how many queued traces go to a BatchDestination in one call.
const maxExportBatch = 256

func (e *exporter) sinkLoop(s *sink) {
	defer e.wg.Done()
	s.deadlines = newDeadlines(e.ctx)
	defer s.deadlines.close()
	batcher, _ := s.dest.(BatchDestination)
	batch := make([]*tracedata.Trace, 0, maxExportBatch)
	for {
		select {
		case <-e.stop:
			return
		case t := <-s.queue:
			batch = append(batch[:0], t)
			// Traces that queued up while the destination was busy go together.
		drain:
			for batcher != nil && len(batch) < maxExportBatch {
				select {
				case t := <-s.queue:
					batch = append(batch, t)
				default:
					break drain
				}
			}
			if s.linger > 0 && len(batch) < maxExportBatch {
				batch = e.linger(s, batch)
			}
			if !e.exportBatch(s, batcher, batch) {
				return
			}
			// The batch's storage is reused: let go of the traces it held, or up to a batch
			// of finished traces would stay in memory until the next one.
			clear(batch)
		}
	}
}

// exportBatch exports batch to s, in one call when the destination takes batches. It
// reports false when shutdown has given up on s, which has then counted what was left.
func (e *exporter) exportBatch(s *sink, batcher BatchDestination, batch []*tracedata.Trace) bool {
	if batcher != nil && len(batch) > 1 {
		if e.ctx.Err() != nil || !s.begin(len(batch)) {
			return false
		}
		err := e.export(s, len(batch), func(ctx context.Context) error { return batcher.ExportBatch(ctx, batch) })
		return e.account(s, batch[0], len(batch), err)
	}
	for _, t := range batch {
		// Past Shutdown's deadline, what is left of the batch is left to abandon to count.
		if e.ctx.Err() != nil || !s.begin(1) {
			return false
		}
		err := e.export(s, 1, func(ctx context.Context) error { return s.dest.Export(ctx, t) })
		if !e.account(s, t, 1, err) {
			return false
		}
	}
	return true
}

// begin records that an export of n traces starts; false when shutdown has given up on s
// (and counted them as dropped).
func (s *sink) begin(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.abandoned {
		return false
	}
	s.inFlight = n
	return true
}

// end counts the outcome of the export begun last with count, unless shutdown has given
// up on s and counted it already; it reports whether it counted.
func (s *sink) end(count func(n int)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.abandoned {
		return false
	}
	n := s.inFlight
	s.inFlight = 0
	count(n)
	s.done.Add(uint64(n))
	return true
}

// export runs one export of n traces to s with the retry policy and the attempt timeout.
func (e *exporter) export(s *sink, n int, export func(context.Context) error) error {
	cfg := &e.rt.cfg
	return cfg.retry.attempt(e.ctx, s.deadlines, cfg.exportTimeout, func(err error) {
		s.retried.Add(uint64(n))
		e.rt.rec.Fail("export-retry "+s.name, "destination %s failed, retrying: %w", s.name, err)
	}, func(ctx context.Context) error {
		return safeExport(func() error { return export(ctx) })
	})
}

// account counts the outcome of exporting n traces, the first being first, to s; it
// reports false when shutdown had given up on s before the export ended.
func (e *exporter) account(s *sink, first *tracedata.Trace, n int, err error) bool {
	return s.end(func(n int) {
		if err != nil {
			s.failed.Add(uint64(n))
			e.rt.rec.Stats.Failed.Add(uint64(n))
			e.rt.rec.Fail("export "+s.name, "%d trace(s) from %s on: %w", n, first.Info.TraceID, err)
			return
		}
		s.exported.Add(uint64(n))
		e.rt.rec.Stats.Exported.Add(uint64(n))
	})
}

// destinationName names a destination in logs and Stats: its Name method, else its type.
func destinationName(d Destination) string {
	if n, ok := d.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", d)
}

func safeExport(export func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("destination panicked: %v", r)
		}
	}()
	return export()
}

// flush waits until every trace accepted before the call is assembled and handed to every
// destination (or dropped), or ctx ends.
func (e *exporter) flush(ctx context.Context) error { return e.flushTo(ctx, nil) }

// flushTo is flush for the destinations only accepts (all when nil): reading traces back from
// the local store waits for the store, not for a slow remote destination.
func (e *exporter) flushTo(ctx context.Context, only func(Destination) bool) error {
	e.flushing.Add(1)
	defer e.flushing.Add(-1)
	target := e.sent.Load()
	if err := waitUntil(ctx, func() bool { return e.done.Load() >= target }); err != nil {
		return fmt.Errorf("agentlens: flush: %w", err)
	}
	for _, s := range e.sinks {
		if only != nil && !only(s.dest) {
			continue
		}
		target := s.sent.Load()
		if err := waitUntil(ctx, func() bool { return s.done.Load() >= target }); err != nil {
			return fmt.Errorf("agentlens: flush: destination %s: %w", s.name, err)
		}
	}
	if only == nil {
		target := e.sideSent.Load()
		if err := waitUntil(ctx, func() bool { return e.sideDone.Load() >= target }); err != nil {
			return fmt.Errorf("agentlens: flush: assessments: %w", err)
		}
	}
	return nil
}

// forward hands an assessment call to every destination that takes them, each on a
// goroutine of its own that waits for the destination to have the traces finished so far
// (the assessment's trace among them) and then calls it with the retry policy. Nothing
// starts after Shutdown.
func (e *exporter) forward(what string, call func(ctx context.Context, d AssessmentDestination) error) {
	e.gate.RLock()
	defer e.gate.RUnlock()
	if e.stopped {
		return
	}
	for _, s := range e.sinks {
		d, ok := s.dest.(AssessmentDestination)
		if !ok {
			continue
		}
		e.sideSent.Add(1)
		e.wg.Add(1)
		s.sideMu.Lock()
		prev, done := s.sideLast, make(chan struct{})
		s.sideLast = done
		s.sideMu.Unlock()
		go func() {
			defer e.wg.Done()
			defer e.sideDone.Add(1)
			defer close(done)
			if prev != nil {
				select {
				case <-prev:
				case <-e.ctx.Done():
				}
			}
			if err := e.flushTo(e.ctx, func(x Destination) bool { return x == s.dest }); err != nil {
				e.rt.rec.Fail("assessment "+s.name, "%s not sent to destination %s: %w", what, s.name, err)
				return
			}
			err := e.rt.cfg.retry.attempt(e.ctx, nil, e.rt.cfg.exportTimeout, func(err error) {
				e.rt.rec.Fail("assessment-retry "+s.name, "destination %s failed to take %s, retrying: %w", s.name, what, err)
			}, func(ctx context.Context) error {
				return safeExport(func() error { return call(ctx, d) })
			})
			if err != nil {
				e.rt.rec.Fail("assessment "+s.name, "%s not sent to destination %s: %w", what, s.name, err)
			}
		}()
	}
}

// waitUntil polls cond with a short backoff until it holds or ctx ends.
func waitUntil(ctx context.Context, cond func() bool) error {
	delay := 20 * time.Microsecond
	for !cond() {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Millisecond)
	}
	return nil
}

// shutdown flushes until ctx ends, stops the pipeline, counts every trace it leaves
// undelivered, and shuts the destinations down. It returns by ctx's deadline even when a
// destination ignores ctx: an export still running then is abandoned, its traces counted as
// failed, and its goroutine ends when the destination returns.
func (e *exporter) shutdown(ctx context.Context) error {
	err := e.flush(ctx)
	e.gate.Lock()
	e.stopped = true
	e.gate.Unlock()
	e.startOnce.Do(func() {}) // never start after this point
	close(e.stop)
	e.cancel()
	finished := make(chan struct{})
	go func() {
		e.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
	}
	if left := e.abandon(); left > 0 {
		lerr := fmt.Errorf("agentlens: shutdown: %d trace(s) left undelivered (counted in GetStats)", left)
		if ctx.Err() != nil {
			lerr = fmt.Errorf("%w: %w", lerr, context.Cause(ctx))
		}
		err = errors.Join(err, lerr)
	}
	for _, s := range e.sinks {
		if sd, ok := s.dest.(interface{ Shutdown(context.Context) error }); ok {
			if serr := shutdownDestination(ctx, sd); serr != nil {
				err = errors.Join(err, fmt.Errorf("agentlens: shutdown destination %s: %w", s.name, serr))
			}
		}
	}
	return err
}

// abandon gives up on every trace still in the pipeline: those not yet handed to the
// destinations and those still queued count as dropped, those in an export that has not
// returned as failed. It returns how many traces were left, per destination.
func (e *exporter) abandon() uint64 {
	e.mu.Lock()
	e.abandoned = true
	for range e.sent.Load() - e.done.Load() {
		e.rt.rec.DropTrace("after-shutdown", "trace left in the queue at shutdown")
	}
	e.done.Store(e.sent.Load())
	e.mu.Unlock()
	discard(e.queue)
	var total uint64
	for _, s := range e.sinks {
		s.mu.Lock()
		s.abandoned = true
		left := s.sent.Load() - s.done.Load()
		inFlight := uint64(s.inFlight)
		s.done.Store(s.sent.Load())
		s.mu.Unlock()
		discard(s.queue)
		total += left
		s.failed.Add(inFlight)
		e.rt.rec.Stats.Failed.Add(inFlight)
		if inFlight > 0 {
			e.rt.rec.Fail("export "+s.name, "%d trace(s) still being exported to destination %s at Shutdown's deadline; abandoned", inFlight, s.name)
		}
		s.dropped.Add(left - inFlight)
		for range left - inFlight {
			e.rt.rec.DropTrace("after-shutdown "+s.name, "trace left in the queue of destination %s at shutdown", s.name)
		}
	}
	return total
}

// discard empties q, whose traces were counted, so they are not held in memory.
func discard[T any](q chan T) {
	for {
		select {
		case <-q:
		default:
			return
		}
	}
}

// shutdownDestination calls d.Shutdown, recovering a panic, and stops waiting for it when
// ctx ends.
func shutdownDestination(ctx context.Context, d interface{ Shutdown(context.Context) error }) error {
	done := make(chan error, 1)
	go func() { done <- safeExport(func() error { return d.Shutdown(ctx) }) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		select {
		case err := <-done: // it returned at the deadline too
			return err
		default:
			return fmt.Errorf("still shutting down at the deadline: %w", context.Cause(ctx))
		}
	}
}
