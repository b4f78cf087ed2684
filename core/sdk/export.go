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

	startOnce sync.Once
	stopped   atomic.Bool
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
	if e.stopped.Load() {
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
			e.process(lt)
			e.done.Add(1)
		}
	}
}

func (e *exporter) process(lt *live.Trace) {
	t, err := e.rt.assemble(lt)
	if err != nil {
		e.rt.rec.DropTrace("assemble", "%w", err)
		return
	}
	if e.expand {
		t.ExpandChunks()
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
			if batcher != nil && len(batch) > 1 {
				e.account(s, batch[0], len(batch), e.export(s, len(batch), func(ctx context.Context) error { return batcher.ExportBatch(ctx, batch) }))
			} else {
				for _, t := range batch {
					e.account(s, t, 1, e.export(s, 1, func(ctx context.Context) error { return s.dest.Export(ctx, t) }))
				}
			}
			// The batch's storage is reused: let go of the traces it held, or up to a batch
			// of finished traces would stay in memory until the next one.
			clear(batch)
			s.done.Add(uint64(len(batch)))
		}
	}
}

// export runs one export of n traces to s with the retry policy and the attempt timeout.
func (e *exporter) export(s *sink, n int, export func(context.Context) error) error {
	cfg := &e.rt.cfg
	return cfg.retry.attempt(e.ctx, cfg.exportTimeout, func(err error) {
		s.retried.Add(uint64(n))
		e.rt.rec.Fail("export-retry "+s.name, "destination %s failed, retrying: %w", s.name, err)
	}, func(ctx context.Context) error {
		return safeExport(func() error { return export(ctx) })
	})
}

// account counts the outcome of exporting n traces, the first being first, to s.
func (e *exporter) account(s *sink, first *tracedata.Trace, n int, err error) {
	if err != nil {
		s.failed.Add(uint64(n))
		e.rt.rec.Stats.Failed.Add(uint64(n))
		e.rt.rec.Fail("export "+s.name, "%d trace(s) from %s on: %w", n, first.Info.TraceID, err)
		return
	}
	s.exported.Add(uint64(n))
	e.rt.rec.Stats.Exported.Add(uint64(n))
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

// pending reports whether traces are still on their way through the pipeline.
func (e *exporter) pending() bool {
	if e.done.Load() < e.sent.Load() {
		return true
	}
	for _, s := range e.sinks {
		if s.done.Load() < s.sent.Load() {
			return true
		}
	}
	return false
}

// flush waits until every trace accepted before the call is assembled and handed to every
// destination (or dropped), or ctx ends.
func (e *exporter) flush(ctx context.Context) error {
	e.flushing.Add(1)
	defer e.flushing.Add(-1)
	target := e.sent.Load()
	if err := waitUntil(ctx, func() bool { return e.done.Load() >= target }); err != nil {
		return fmt.Errorf("agentlens: flush: %w", err)
	}
	for _, s := range e.sinks {
		target := s.sent.Load()
		if err := waitUntil(ctx, func() bool { return s.done.Load() >= target }); err != nil {
			return fmt.Errorf("agentlens: flush: destination %s: %w", s.name, err)
		}
	}
	return nil
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

func (e *exporter) shutdown(ctx context.Context) error {
	err := e.flush(ctx)
	e.stopped.Store(true)
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
		return errors.Join(err, fmt.Errorf("agentlens: shutdown: destinations still busy: %w", ctx.Err()))
	}
	if n := len(e.queue); n > 0 {
		for range n {
			e.rt.rec.DropTrace("after-shutdown", "trace left in the queue at shutdown")
		}
	}
	for _, s := range e.sinks {
		for n := len(s.queue); n > 0; n-- {
			<-s.queue
			s.dropped.Add(1)
			e.rt.rec.DropTrace("after-shutdown "+s.name, "trace left in the queue of destination %s at shutdown", s.name)
		}
	}
	for _, s := range e.sinks {
		if sd, ok := s.dest.(interface{ Shutdown(context.Context) error }); ok {
			if serr := safeExport(func() error { return sd.Shutdown(ctx) }); serr != nil {
				err = errors.Join(err, fmt.Errorf("agentlens: shutdown destination %s: %w", s.name, serr))
			}
		}
	}
	return err
}
