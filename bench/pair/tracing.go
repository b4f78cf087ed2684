package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// A tracing is what an arm installed to record its operations: drain waits for its
// pipeline, close takes it down and checks that it delivered what ops operations made.
type tracing interface {
	drain() error
	close(ops int) error
}

// untraced installs nothing.
type untraced struct{}

func (untraced) drain() error    { return nil }
func (untraced) close(int) error { return nil }

// countingDestination keeps nothing: it counts traces, so that no store is in the figure.
type countingDestination struct{ n atomic.Int64 }

func (d *countingDestination) Export(context.Context, *tracedata.Trace) error {
	d.n.Add(1)
	return nil
}

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// agentlensTracing is an agentlens configuration installed with sdk.Override: traces go to
// a counting destination, and to the local store at storePath when it is not "".
type agentlensTracing struct {
	dest     *countingDestination
	restore  func()
	disabled bool
	// want is the number of traces ops operations make; nil: not checked.
	want func(ops int) int
	// internal collects the internal failures reported while it was installed.
	mu       sync.Mutex
	internal []error
}

func installAgentlens(storePath string, want func(ops int) int) (*agentlensTracing, error) {
	t := &agentlensTracing{dest: &countingDestination{}, want: want}
	opts := []sdk.Option{
		sdk.WithDestinations(t.dest),
		// Large enough that no batch fills it: a dropped trace would make a figure cheaper.
		sdk.WithQueueSize(1 << 16),
		sdk.WithLogger(discardLogger),
		sdk.WithErrorHandler(func(kind string, err error) {
			t.mu.Lock()
			if len(t.internal) < 4 {
				t.internal = append(t.internal, fmt.Errorf("%s: %w", kind, err))
			}
			t.mu.Unlock()
		}),
	}
	if storePath != "" {
		opts = append(opts, sdk.WithStore(storePath))
	}
	restore, err := sdk.Override(opts...)
	if err != nil {
		return nil, err
	}
	t.restore = restore
	sdk.Enable()
	return t, nil
}

// disable turns tracing off (sdk.Disable) until close.
func (t *agentlensTracing) disable() {
	sdk.Disable()
	t.disabled = true
}

func (t *agentlensTracing) drain() error { return sdk.Flush(context.Background()) }

func (t *agentlensTracing) close(ops int) error {
	st := sdk.GetStats()
	t.restore()
	if t.disabled {
		sdk.Enable()
	}
	var errs []error
	if st.Dropped != 0 || st.DroppedSpans != 0 || st.Failed != 0 {
		errs = append(errs, fmt.Errorf("agentlens pipeline: %d traces dropped, %d spans dropped, %d exports failed", st.Dropped, st.DroppedSpans, st.Failed))
	}
	t.mu.Lock()
	errs = append(errs, t.internal...)
	t.mu.Unlock()
	if t.want != nil {
		if got, want := int(t.dest.n.Load()), t.want(ops); got != want {
			errs = append(errs, fmt.Errorf("agentlens: %d traces delivered, want %d", got, want))
		}
	}
	return errors.Join(errs...)
}

// otelTracing is an OpenTelemetry SDK TracerProvider with a batch span processor (its usual
// production setup) feeding an exporter that counts spans and keeps nothing.
type otelTracing struct {
	tp    *sdktrace.TracerProvider
	spans atomic.Int64
	want  func(ops int) int
}

func newOTel(want func(ops int) int) *otelTracing {
	t := &otelTracing{want: want}
	// The queue holds a whole batch: the processor drops spans when it is full, which would
	// make the baseline cheaper than it is.
	t.tp = sdktrace.NewTracerProvider(sdktrace.WithBatcher(otelCounter{t}, sdktrace.WithMaxQueueSize(1<<17)))
	return t
}

func (t *otelTracing) drain() error { return t.tp.ForceFlush(context.Background()) }

func (t *otelTracing) close(ops int) error {
	if err := t.tp.Shutdown(context.Background()); err != nil {
		return err
	}
	if t.want != nil {
		if got, want := int(t.spans.Load()), t.want(ops); got != want {
			return fmt.Errorf("otel: %d spans exported, want %d", got, want)
		}
	}
	return nil
}

type otelCounter struct{ t *otelTracing }

func (e otelCounter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.t.spans.Add(int64(len(spans)))
	return nil
}

func (otelCounter) Shutdown(context.Context) error { return nil }

// perOp returns a want function for k traces (or spans) an operation.
func perOp(k int) func(int) int { return func(ops int) int { return k * ops } }
