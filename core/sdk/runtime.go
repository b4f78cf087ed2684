package sdk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/internal/live"
)

// runtime is one configuration of the SDK: the recording runtime its spans start in, the
// local store, and the export pipeline.
type runtime struct {
	cfg   config
	rec   *live.Runtime
	store localStore // also first of cfg.destinations; nil when off
	exp   *exporter

	stopOnce sync.Once
	stopErr  error
}

func init() {
	// The first span configures tracing from the environment, unless Configure ran first.
	live.SetDefault(defaultRuntime)
}

// defaultRuntime configures from the environment; tracing must not fail the program, so a
// configuration that fails is logged and the defaults are used without a local store.
func defaultRuntime() *live.Runtime {
	cfg, err := newConfig(osGetenv, nil)
	var rt *runtime
	if err == nil {
		rt, err = newRuntime(cfg)
	}
	if err != nil {
		cfg, _ = newConfig(nil, nil)
		rt, _ = newRuntime(cfg)
		rt.rec.Fail("config", "%w; tracing uses the defaults without a local store", err)
	}
	return rt.rec
}

func newRuntime(cfg config) (*runtime, error) {
	if cfg.storePath == "" && len(cfg.envDestinations) > 0 {
		// MLFLOW_EXPERIMENT_NAME is then the remote destinations' to resolve.
		cfg.experimentName = ""
	}
	st, err := openLocalStore(&cfg)
	if err != nil {
		return nil, err
	}
	cfg.destinations = append(cfg.envDestinations, cfg.destinations...)
	if st != nil {
		cfg.destinations = append([]Destination{st}, cfg.destinations...)
	}
	rt := &runtime{cfg: cfg, store: st}
	rt.exp = newExporter(rt)
	rt.rec = live.NewRuntime(cfg.settings(), rt.exp.enqueue)
	rt.rec.Owner = rt
	for _, w := range cfg.envWarnings {
		rt.rec.Fail("config "+w, "%s", w)
	}
	return rt, nil
}

// current returns the runtime of the current configuration, configuring it from the
// environment on first use.
func current() *runtime { return live.Current().Owner.(*runtime) }

// installed returns the runtime of the current configuration, nil before the first use.
func installed() *runtime {
	if rec := live.Installed(); rec != nil {
		return rec.Owner.(*runtime)
	}
	return nil
}

// Configure sets up tracing from the environment and opts (options win). It is optional:
// the first span configures tracing from the environment alone. Calling it again replaces
// the configuration without waiting for the previous one: that one is flushed and shut down
// in the background (bounded by WithShutdownTimeout), spans still open in it end into it, and
// Flush and Shutdown wait for it. A malformed environment variable or option is an error
// naming it, and the previous configuration stays in place.
func Configure(opts ...Option) error {
	cfg, err := newConfig(osGetenv, opts)
	if err != nil {
		return err
	}
	rt, err := newRuntime(cfg)
	if err != nil {
		return err
	}
	if old := live.Install(rt.rec); old != nil {
		retire(old.Owner.(*runtime))
	}
	return nil
}

// retiring holds the configurations that Configure replaced and that are still shutting
// down; Flush and Shutdown wait for them.
var retiring struct {
	sync.Mutex
	done []chan struct{}
}

// retire shuts rt down in the background.
func retire(rt *runtime) {
	done := make(chan struct{})
	retiring.Lock()
	retiring.done = append(retiring.done, done)
	retiring.Unlock()
	go func() {
		defer close(done)
		if err := rt.shutdown(context.Background()); err != nil {
			rt.rec.Fail("shutdown-replaced", "the configuration Configure replaced: %w", err)
		}
		retiring.Lock()
		retiring.done = slices.DeleteFunc(retiring.done, func(c chan struct{}) bool { return c == done })
		retiring.Unlock()
	}()
}

// waitRetired waits until the configurations replaced before the call are shut down, or ctx
// ends.
func waitRetired(ctx context.Context) error {
	retiring.Lock()
	pending := slices.Clone(retiring.done)
	retiring.Unlock()
	for _, done := range pending {
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("agentlens: a replaced configuration is still shutting down: %w", ctx.Err())
		}
	}
	return nil
}

// Override installs a configuration built from opts alone (the environment is not read, so
// the local store is off unless WithStore is given) and returns a function that flushes and
// shuts it down and puts the previous configuration back. It is meant for tests (see package
// tracetest); overrides must be restored in reverse order.
func Override(opts ...Option) (restore func(), err error) {
	cfg, err := newConfig(nil, opts)
	if err != nil {
		return nil, err
	}
	rt, err := newRuntime(cfg)
	if err != nil {
		return nil, err
	}
	prev := live.Install(rt.rec)
	return func() {
		live.Install(prev)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.shutdown(ctx)
	}, nil
}

// Flush waits until every trace finished before the call has been handed to every
// destination, or ctx is done. It returns ctx's error in the latter case. With no deadline
// it waits as long as the destinations take: a destination that keeps failing is retried
// for up to RetryPolicy.MaxElapsed.
func Flush(ctx context.Context) error {
	ctx = live.OrBackground(ctx)
	if err := waitRetired(ctx); err != nil {
		return err
	}
	rt := installed()
	if rt == nil {
		return nil
	}
	return rt.exp.flush(ctx)
}

// Shutdown flushes, then stops the export pipeline and the timeout sweeper and shuts down
// destinations that have a Shutdown method. Traces finished afterwards are dropped; a later
// span or Configure starts afresh. Shutdown returns by ctx's deadline, or, when ctx has none,
// after the configuration's shutdown timeout (WithShutdownTimeout, default 30s), even when a
// destination ignores ctx: the traces it leaves undelivered are counted in GetStats and the
// error says how many. It returns ctx's error if ctx ends first.
func Shutdown(ctx context.Context) error {
	ctx = live.OrBackground(ctx)
	rec := live.Install(nil)
	var err error
	if rec != nil {
		rt := rec.Owner.(*runtime)
		err = rt.shutdown(ctx)
		// Its counters stay readable (GetStats) until tracing is configured again: the
		// drops of the final flush are what a program reads last.
		shutDown.Store(rt)
	}
	return errors.Join(err, waitRetired(ctx))
}

// shutDown is the configuration Shutdown ended last, whose counters GetStats returns while no
// configuration is installed.
var shutDown atomic.Pointer[runtime]

// shutdown shuts rt down once, by ctx's deadline or, without one, its shutdown timeout.
func (rt *runtime) shutdown(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rt.cfg.shutdownTimeout)
		defer cancel()
	}
	rt.stopOnce.Do(func() {
		rt.stopErr = errors.Join(rt.exp.shutdown(ctx), rt.rec.Stop(ctx))
	})
	return rt.stopErr
}

// Enable turns tracing back on after Disable.
func Enable() { live.SetEnabled(true) }

// Disable turns tracing off: spans become no-ops and wrapped functions run untraced.
// Spans already started still end and export normally.
func Disable() { live.SetEnabled(false) }

// Enabled reports whether tracing is on.
func Enabled() bool { return live.Enabled() }
