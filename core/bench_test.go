package core_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
)

// The benchmarks compare one agentlens span (start, inputs, outputs, end) with a bare
// OpenTelemetry SDK span that carries the same attributes, already encoded, so the ratio
// shows what agentlens adds on top of the OTel SDK it is built on.

var (
	benchInputs  any = map[string]any{"query": "what is mlflow tracing?", "k": 3}
	benchOutputs any = "MLflow Tracing records the inputs, outputs and metadata of each step."
)

func benchOverride(b *testing.B) {
	b.Helper()
	// No destination: traces are assembled and handed to no destination, so the
	// figure is the cost to the traced code (export runs on its own goroutine).
	restore, err := sdk.Override(sdk.WithQueueSize(1<<16), sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		// Traces the export goroutine could not keep up with are dropped, not waited for;
		// report how many so that a figure bought by dropping shows.
		b.ReportMetric(float64(sdk.GetStats().Dropped)/float64(b.N), "dropped/op")
		restore()
	})
}

func BenchmarkSpan(b *testing.B) {
	b.Run("agentlens/root", func(b *testing.B) {
		benchOverride(b)
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			_, s := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever))
			s.SetInputs(benchInputs)
			s.SetOutputs(benchOutputs)
			s.End()
		}
	})
	b.Run("agentlens/child", func(b *testing.B) {
		benchOverride(b)
		ctx, root := core.StartSpan(context.Background(), "root", core.WithAttributes(nil))
		defer root.End()
		b.ReportAllocs()
		n := 0
		for range b.N {
			_, s := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever))
			s.SetInputs(benchInputs)
			s.SetOutputs(benchOutputs)
			s.End()
			// Traces of 100 spans: the root's start and end are part of the figure.
			if n++; n == 100 {
				root.End()
				ctx, root = core.StartSpan(context.Background(), "root")
				n = 0
			}
		}
	})
	b.Run("otel-sdk/root", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider()
		defer func() { _ = tp.Shutdown(context.Background()) }()
		benchBareSpans(b, tp.Tracer("bench"), context.Background())
	})
	b.Run("otel-sdk/child", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider()
		defer func() { _ = tp.Shutdown(context.Background()) }()
		tracer := tp.Tracer("bench")
		ctx, root := tracer.Start(context.Background(), "root")
		defer root.End()
		benchBareSpans(b, tracer, ctx)
	})
	b.Run("otel-sdk+json/child", func(b *testing.B) {
		// The same bare span, with the inputs and outputs encoded from the same Go values by
		// encoding/json, as an OTel user recording them would have to.
		tp := sdktrace.NewTracerProvider()
		defer func() { _ = tp.Shutdown(context.Background()) }()
		tracer := tp.Tracer("bench")
		ctx, root := tracer.Start(context.Background(), "root")
		defer root.End()
		b.ReportAllocs()
		for range b.N {
			_, s := tracer.Start(ctx, "retrieve")
			s.SetAttributes(attribute.String(spantypes.KeySpanType, `"RETRIEVER"`))
			in, _ := json.Marshal(benchInputs)
			s.SetAttributes(attribute.String(spantypes.KeySpanInputs, string(in)))
			out, _ := json.Marshal(benchOutputs)
			s.SetAttributes(attribute.String(spantypes.KeySpanOutputs, string(out)))
			s.End()
		}
	})
	b.Run("otel-sdk+batch/root", func(b *testing.B) {
		// The usual production setup of the OTel SDK: a batch processor feeding an exporter.
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
		defer func() { _ = tp.Shutdown(context.Background()) }()
		benchBareSpans(b, tp.Tracer("bench"), context.Background())
	})
	b.Run("agentlens/disabled", func(b *testing.B) {
		benchOverride(b)
		sdk.Disable()
		defer sdk.Enable()
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			disabledSpan(ctx)
		}
	})
}

// benchBareSpans measures OTel SDK spans carrying the attributes agentlens records, already
// encoded.
func benchBareSpans(b *testing.B, tracer trace.Tracer, ctx context.Context) {
	in := `{"k":3,"query":"what is mlflow tracing?"}`
	out := `"MLflow Tracing records the inputs, outputs and metadata of each step."`
	b.ReportAllocs()
	for range b.N {
		_, s := tracer.Start(ctx, "retrieve")
		s.SetAttributes(attribute.String(spantypes.KeySpanType, `"RETRIEVER"`))
		s.SetAttributes(attribute.String(spantypes.KeySpanInputs, in))
		s.SetAttributes(attribute.String(spantypes.KeySpanOutputs, out))
		s.End()
	}
}

type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

func disabledSpan(ctx context.Context) {
	_, s := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever))
	s.SetInputs(benchInputs)
	s.SetOutputs(benchOutputs)
	s.End()
}

func TestDisabledPathAllocatesNothing(t *testing.T) {
	sdk.Disable()
	defer sdk.Enable()
	ctx := context.Background()
	if n := testing.AllocsPerRun(1000, func() { disabledSpan(ctx) }); n != 0 {
		t.Errorf("disabled span path allocates %v times per call, want 0", n)
	}
}
