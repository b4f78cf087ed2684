package main

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"time"
)

// A benchCase is one operation measured several ways (its arms), in batches interleaved in
// random order so that a change in the machine's load falls on every arm alike.
type benchCase struct {
	name string
	// unit is what one operation is: "call", "span", "trace".
	unit string
	// arms are the ways of running the operation; arms[0] is the untraced one every ratio is
	// taken against.
	arms []arm
	// baseline names the arm of the "× baseline" column (the OpenTelemetry one), "" for none.
	baseline string
	// bareUntraced says the untraced arm does next to nothing (a loop without the span), so
	// a ratio to it means nothing and only the CPU time added is shown.
	bareUntraced bool
}

// An arm is one way of running a case's operation.
type arm struct {
	name string
	// open prepares one batch: a fresh connection and client, tracing installed (or not).
	open func() (*batch, error)
}

// A batch is an arm set up for one run of operations.
type batch struct {
	// op runs the operation once.
	op func() error
	// finish, when set, runs after the last op and before drain, inside the measurement
	// (it ends a root span left open for the child spans).
	finish func()
	// drain waits until the tracing pipeline has exported everything finished so far.
	drain func() error
	// close undoes open and checks what the pipeline did with ops operations (the warm-up
	// one included): nothing dropped, nothing failed, every trace delivered.
	close func(ops int) error
}

// sample is what one batch measured, per operation.
type sample struct {
	cpu    float64 // process CPU time, ns, garbage collection included (gc)
	gc     float64 // the share of cpu that is garbage collection, ns
	allocs float64 // heap allocations
	bytes  float64 // heap bytes allocated
	// after is the arm whose batch ran just before, -1 for the round's first.
	after int
}

// settle is how long a batch waits, idle, for what the one before left running (finalizers
// queued by the collection, goroutines of a closed connection or pipeline winding down), so
// that it is not counted in this batch. In a run without the pause, batches that followed a
// traced batch measured 3-6% more than those that followed an untraced one. What a pause
// cannot undo (caches, a store's pages), the random order spreads over every arm; -raw
// records each batch's predecessor so that this can be checked.
const settle = 5 * time.Millisecond

// runBatch measures n operations of a (see measure).
func runBatch(a arm, n int) (sample, error) {
	runtime.GC()
	time.Sleep(settle)
	b, err := a.open()
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", a.name, err)
	}
	s, err := measure(b, n)
	if cerr := b.close(n + 1); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w", a.name, err)
	}
	return s, nil
}

// measure runs a warm-up operation (it opens the connection), drains the pipeline and
// collects garbage, then reads process CPU time and heap counters around n operations and
// the drain of the pipeline they fed.
//
// Garbage collection is not left to chance. A batch allocates a few megabytes, about one
// collection cycle: whether a cycle falls inside it would depend on the batch's size, not
// on what the arm allocates, and medians of batches with and without a cycle pick one or
// the other. So collection is off during the batch, and the batch is charged what the
// collector would have spent on it at GOGC=100: a full collection right after it is timed
// (it marks the live heap and sweeps the batch's garbage), and the batch pays the fraction
// of it that its bytes are of the headroom GOGC=100 leaves above the live heap.
func measure(b *batch, n int) (sample, error) {
	if err := b.op(); err != nil {
		return sample{}, fmt.Errorf("warm-up: %w", err)
	}
	if err := b.drain(); err != nil {
		return sample{}, err
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	headroom := float64(m0.NextGC) - float64(m0.HeapAlloc)
	gcPercent := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(gcPercent)
	c0, err := processCPU()
	if err != nil {
		return sample{}, err
	}
	for range n {
		if err := b.op(); err != nil {
			return sample{}, err
		}
	}
	if b.finish != nil {
		b.finish()
	}
	if err := b.drain(); err != nil {
		return sample{}, err
	}
	c1, err := processCPU()
	if err != nil {
		return sample{}, err
	}
	runtime.ReadMemStats(&m1)
	runtime.GC()
	c2, err := processCPU()
	if err != nil {
		return sample{}, err
	}
	f := float64(n)
	bytes := float64(m1.TotalAlloc - m0.TotalAlloc)
	gc := 0.0
	if headroom > 0 {
		gc = float64(c2-c1) * bytes / headroom
	}
	return sample{
		cpu:    (float64(c1-c0) + gc) / f,
		gc:     gc / f,
		allocs: float64(m1.Mallocs-m0.Mallocs) / f,
		bytes:  bytes / f,
	}, nil
}

// settings are the run's parameters.
type settings struct {
	rounds int           // batches of each arm
	target time.Duration // CPU time of a batch
	probe  int           // operations of the calibration batches
	maxOps int           // cap on operations per batch
}

// caseResult holds a case's samples: samples[arm][round], and each arm's operations per
// batch.
type caseResult struct {
	c       *benchCase
	ops     []int
	samples [][]sample
}

// runCase calibrates each arm's batch size on one batch of it (its warm-up too, not kept),
// so that every batch takes about s.target of CPU, then runs s.rounds rounds, each one batch
// of every arm in a fresh random order.
func runCase(c *benchCase, s settings, rng *rand.Rand) (caseResult, error) {
	res := caseResult{c: c, ops: make([]int, len(c.arms)), samples: make([][]sample, len(c.arms))}
	for i, a := range c.arms {
		smp, err := runBatch(a, s.probe)
		if err != nil {
			return caseResult{}, fmt.Errorf("%s: %w", c.name, err)
		}
		n := s.maxOps
		if smp.cpu > 0 {
			n = int(float64(s.target) / smp.cpu)
		}
		res.ops[i] = min(max(n, s.probe), s.maxOps)
	}
	order := make([]int, len(c.arms))
	for i := range order {
		order[i] = i
	}
	for range s.rounds {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for k, i := range order {
			smp, err := runBatch(c.arms[i], res.ops[i])
			if err != nil {
				return caseResult{}, fmt.Errorf("%s: %w", c.name, err)
			}
			smp.after = -1
			if k > 0 {
				smp.after = order[k-1]
			}
			res.samples[i] = append(res.samples[i], smp)
		}
	}
	return res, nil
}
