package main

import (
	"context"
	"encoding/json"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
)

// The manual span cases: a span with a type, inputs and outputs made with core.StartSpan,
// against the same loop without the span (untraced) and against a bare OpenTelemetry SDK span
// carrying the same attributes (MLflow's keys), either already encoded or encoded by
// encoding/json from the same Go values on every span, as an OTel user recording them must.

var (
	spanInputs  any = map[string]any{"query": "what is mlflow tracing?", "k": 3}
	spanOutputs any = "MLflow Tracing records the inputs, outputs and metadata of each step."
)

const (
	spanInputsJSON  = `{"k":3,"query":"what is mlflow tracing?"}`
	spanOutputsJSON = `"MLflow Tracing records the inputs, outputs and metadata of each step."`
	spanTypeJSON    = `"RETRIEVER"`
)

// spanShape is how the operation's spans hang together.
type spanShape int

const (
	// childSpan: one child span a operation, under a root that is replaced (ended and a new
	// one started) every 100 children, so traces have 101 spans; the root's cost is in it.
	childSpan spanShape = iota
	// rootSpan: one one-span trace an operation.
	rootSpan
	// trace100: one trace of 100 spans an operation, three levels deep: a root, 9 children,
	// 10 grandchildren under each (1 + 9 + 90).
	trace100
)

// spansPerTrace is the number of spans a trace100 operation makes.
const spansPerTrace = 100

// spanner makes one span of the operation: start it under ctx, record, end it.
type spanner interface {
	start(ctx context.Context, name string) (context.Context, func())
}

type agentlensSpanner struct{}

func (agentlensSpanner) start(ctx context.Context, name string) (context.Context, func()) {
	ctx, s := core.StartSpan(ctx, name, core.WithSpanType(spantypes.Retriever))
	s.SetInputs(spanInputs)
	s.SetOutputs(spanOutputs)
	return ctx, s.End
}

type otelSpanner struct {
	tracer trace.Tracer
	json   bool // encode inputs and outputs from the Go values
}

func (o otelSpanner) start(ctx context.Context, name string) (context.Context, func()) {
	ctx, s := o.tracer.Start(ctx, name)
	s.SetAttributes(attribute.String(spantypes.KeySpanType, spanTypeJSON))
	in, out := spanInputsJSON, spanOutputsJSON
	if o.json {
		b, _ := json.Marshal(spanInputs)
		in = string(b)
		b, _ = json.Marshal(spanOutputs)
		out = string(b)
	}
	s.SetAttributes(attribute.String(spantypes.KeySpanInputs, in))
	s.SetAttributes(attribute.String(spantypes.KeySpanOutputs, out))
	return ctx, func() { s.End() }
}

// noSpanner is the untraced arm: the same loop, calls through the interface included,
// without a span.
type noSpanner struct{}

func (noSpanner) start(ctx context.Context, _ string) (context.Context, func()) {
	return ctx, func() {}
}

// spanBatch runs shape's operation with sp.
func spanBatch(shape spanShape, sp spanner, tr tracing) *batch {
	b := &batch{drain: tr.drain, close: func(ops int) error { return tr.close(ops) }}
	bg := context.Background()
	switch shape {
	case childSpan:
		var (
			ctx     context.Context
			endRoot func()
			n       int
		)
		newRoot := func() { ctx, endRoot = sp.start(bg, "root") }
		newRoot()
		b.op = func() error {
			_, end := sp.start(ctx, "retrieve")
			end()
			if n++; n == 100 {
				endRoot()
				newRoot()
				n = 0
			}
			return nil
		}
		b.finish = func() { endRoot() }
	case rootSpan:
		b.op = func() error {
			_, end := sp.start(bg, "retrieve")
			end()
			return nil
		}
	case trace100:
		b.op = func() error {
			ctx, endRoot := sp.start(bg, "request")
			for range 9 {
				cctx, end := sp.start(ctx, "step")
				for range 10 {
					_, endLeaf := sp.start(cctx, "retrieve")
					endLeaf()
				}
				end()
			}
			endRoot()
			return nil
		}
	}
	return b
}

// traces and spans are how many traces and spans ops operations of shape make.
func (shape spanShape) traces(ops int) int {
	if shape == childSpan {
		return ops/100 + 1
	}
	return ops
}

func (shape spanShape) spans(ops int) int {
	switch shape {
	case childSpan:
		return ops + ops/100 + 1
	case trace100:
		return spansPerTrace * ops
	}
	return ops
}

func (e *env) spanArm(shape spanShape, name string) arm {
	return arm{name: name, open: func() (*batch, error) {
		switch name {
		case modeAgentlens, modeStore:
			store := ""
			if name == modeStore {
				store = e.newStorePath()
			}
			t, err := installAgentlens(store, shape.traces)
			if err != nil {
				return nil, err
			}
			return spanBatch(shape, agentlensSpanner{}, t), nil
		case modeOTelSDK, modeOTelSDKJSON:
			t := newOTel(shape.spans)
			return spanBatch(shape, otelSpanner{tracer: t.tp.Tracer("pairbench"), json: name == modeOTelSDKJSON}, t), nil
		}
		return spanBatch(shape, noSpanner{}, untraced{}), nil
	}}
}

const (
	modeOTelSDK     = "OTel SDK span, batch processor"
	modeOTelSDKJSON = "OTel SDK span + encoding/json"
)

func (e *env) spanCases() []*benchCase {
	arms := func(shape spanShape, extra ...string) []arm {
		names := append([]string{modeUntraced, modeAgentlens}, extra...)
		names = append(names, modeOTelSDK, modeOTelSDKJSON)
		out := make([]arm, len(names))
		for i, n := range names {
			out[i] = e.spanArm(shape, n)
		}
		return out
	}
	return []*benchCase{
		{name: "manual child span (traces of 101 spans)", unit: "span", baseline: modeOTelSDK, bareUntraced: true, arms: arms(childSpan)},
		{name: "one-span trace", unit: "trace", baseline: modeOTelSDK, bareUntraced: true, arms: arms(rootSpan)},
		{name: "100-span trace", unit: "trace", baseline: modeOTelSDK, bareUntraced: true, arms: arms(trace100, modeStore)},
	}
}
