package sdk

import (
	"context"
	"errors"
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
	if old := live.Install(rt.rec); old != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = old.Owner.(*runtime).shutdown(ctx)
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
// destination, or ctx is done. It returns ctx's error in the latter case.
func Flush(ctx context.Context) error {
	rt := installed()
	if rt == nil {
		return nil
	}
	return rt.exp.flush(ctx)
}

// Shutdown flushes, then stops the export pipeline and the timeout sweeper and shuts down
// destinations that have a Shutdown method. Traces finished afterwards are dropped; a later
// span or Configure starts afresh. It returns ctx's error if ctx ends first.
func Shutdown(ctx context.Context) error {
	rec := live.Install(nil)
	if rec == nil {
		return nil
	}
	rt := rec.Owner.(*runtime)
	err := rt.shutdown(ctx)
	// Its counters stay readable (GetStats) until tracing is configured again: the drops
	// of the final flush are what a program reads last.
	shutDown.Store(rt)
	return err
}

// shutDown is the configuration Shutdown ended last, whose counters GetStats returns while no
// configuration is installed.
var shutDown atomic.Pointer[runtime]

func (rt *runtime) shutdown(ctx context.Context) error {
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
