package core

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core/store"
)

// ScopeName is the instrumentation scope of the spans core creates.
const ScopeName = "github.com/agentlens/agentlens/core"

// Version is the agentlens version reported to OpenTelemetry.
const Version = "0.1.0"

// runtime is one configuration of tracing: its own OTel TracerProvider, the traces it has
// open, and its export pipeline. Spans keep a pointer to the runtime they started in, so a
// reconfiguration never moves a trace half-way.
type runtime struct {
	cfg    config
	store  *store.Store // the local store, also first of cfg.destinations; nil when off
	tp     *sdktrace.TracerProvider
	tracer oteltrace.Tracer
	open   registry
	recent recentTraces
	exp    *exporter
	stats  counters

	sweepOnce sync.Once
	sweepStop chan struct{}
	sweepDone chan struct{}
	stopOnce  sync.Once
}

var (
	active   atomic.Pointer[runtime]
	disabled atomic.Bool
	configMu sync.Mutex
	// lastActive holds the id of the trace whose root span ended last.
	lastActive atomic.Pointer[string]
)

func newRuntime(cfg config) (*runtime, error) {
	var st *store.Store
	if cfg.storePath != "" {
		var err error
		if st, err = store.Open(cfg.storePath); err != nil {
			return nil, err
		}
	}
	if cfg.experimentName != "" {
		if st == nil {
			return nil, fmt.Errorf("agentlens: experiment name %q needs the local store, which is off", cfg.experimentName)
		}
		exp, err := st.EnsureExperiment(context.Background(), cfg.experimentName)
		if err != nil {
			st.Close()
			return nil, err
		}
		cfg.experimentID = exp.ID
	}
	if st != nil {
		cfg.destinations = append([]Destination{st}, cfg.destinations...)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		// Stream spans carry one event per chunk; our own limits bound memory instead.
		sdktrace.WithRawSpanLimits(sdktrace.SpanLimits{
			AttributeValueLengthLimit:   -1,
			AttributeCountLimit:         -1,
			EventCountLimit:             -1,
			LinkCountLimit:              -1,
			AttributePerEventCountLimit: -1,
			AttributePerLinkCountLimit:  -1,
		}),
	)
	rt := &runtime{
		cfg:       cfg,
		store:     st,
		tp:        tp,
		tracer:    tp.Tracer(ScopeName, oteltrace.WithInstrumentationVersion(Version)),
		sweepStop: make(chan struct{}),
		sweepDone: make(chan struct{}),
	}
	rt.open.traces = make(map[string]*liveTrace)
	rt.recent.init(cfg.recentTraces)
	rt.exp = newExporter(rt)
	return rt, nil
}

// current returns the active runtime, configuring one from the environment on first use.
func current() *runtime {
	if rt := active.Load(); rt != nil {
		return rt
	}
	configMu.Lock()
	defer configMu.Unlock()
	if rt := active.Load(); rt != nil {
		return rt
	}
	cfg, err := newConfig(osGetenv, nil)
	var rt *runtime
	if err == nil {
		rt, err = newRuntime(cfg)
	}
	if err != nil {
		// Tracing must not fail the program: run without the environment's settings.
		cfg, _ = newConfig(nil, nil)
		rt, _ = newRuntime(cfg)
		rt.fail("config", "%w; tracing uses the defaults without a local store", err)
	}
	active.Store(rt)
	return rt
}

// Configure sets up tracing from the environment and opts (options win). It is optional:
// the first span configures tracing from the environment alone. Calling it again replaces
// the configuration; the previous one is flushed and shut down, and spans still open in it
// end into it. A malformed environment variable or option is an error naming it, and the
// previous configuration stays in place.
func Configure(opts ...Option) error {
	cfg, err := newConfig(osGetenv, opts)
	if err != nil {
		return err
	}
	rt, err := newRuntime(cfg)
	if err != nil {
		return err
	}
	configMu.Lock()
	old := active.Swap(rt)
	configMu.Unlock()
	if old != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = old.shutdown(ctx)
	}
	return nil
}

// Override installs a configuration built from opts alone (the environment is not read, so
// the local store is off unless WithStore is given) and
// returns a function that flushes and shuts it down and puts the previous configuration back.
// It is meant for tests (see package tracetest); overrides must be restored in reverse order.
func Override(opts ...Option) (restore func(), err error) {
	cfg, err := newConfig(nil, opts)
	if err != nil {
		return nil, err
	}
	rt, err := newRuntime(cfg)
	if err != nil {
		return nil, err
	}
	configMu.Lock()
	prev := active.Swap(rt)
	configMu.Unlock()
	return func() {
		configMu.Lock()
		rt := active.Swap(prev)
		configMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.shutdown(ctx)
	}, nil
}

// Flush waits until every trace finished before the call has been handed to every
// destination, or ctx is done. It returns ctx's error in the latter case.
func Flush(ctx context.Context) error {
	rt := active.Load()
	if rt == nil {
		return nil
	}
	return rt.exp.flush(ctx)
}

// Shutdown flushes, then stops the export pipeline and the timeout sweeper and shuts down
// destinations that have a Shutdown method. Traces finished afterwards are dropped; a later
// Configure starts afresh. It returns ctx's error if ctx ends first.
func Shutdown(ctx context.Context) error {
	configMu.Lock()
	rt := active.Swap(nil)
	configMu.Unlock()
	if rt == nil {
		return nil
	}
	return rt.shutdown(ctx)
}

func (rt *runtime) shutdown(ctx context.Context) error {
	var err error
	rt.stopOnce.Do(func() {
		err = rt.exp.shutdown(ctx)
		close(rt.sweepStop)
		// Mark the sweeper as started so it can never start after this point.
		rt.sweepOnce.Do(func() { close(rt.sweepDone) })
		select {
		case <-rt.sweepDone:
		case <-ctx.Done():
			err = errors.Join(err, ctx.Err())
		}
		err = errors.Join(err, rt.tp.Shutdown(ctx))
	})
	return err
}

// Enable turns tracing back on after Disable.
func Enable() { disabled.Store(false) }

// Disable turns tracing off: spans become no-ops and wrapped functions run untraced.
// Spans already started still end and export normally.
func Disable() { disabled.Store(true) }

// Enabled reports whether tracing is on.
func Enabled() bool { return !disabled.Load() }

// sample decides whether a new trace is recorded.
func (rt *runtime) sample() bool {
	r := rt.cfg.samplingRatio
	return r >= 1 || (r > 0 && rand.Float64() < r)
}
