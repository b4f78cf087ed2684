package core_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

// Spans the generator body starts with the ctx SeqFunc hands it are children of the
// iterator span; spans the consumer's loop body starts are not.
func TestSeqFuncGivesTheGeneratorTheSpansContext(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "answer", core.WithSpanType(spantypes.Chain))
	docs := core.SeqFunc(ctx, "stream", func(ctx context.Context) iter.Seq[string] {
		return func(yield func(string) bool) {
			for _, q := range []string{"a", "b"} {
				_, s := core.StartSpan(ctx, "retrieve "+q, core.WithSpanType(spantypes.Retriever))
				s.End()
				if !yield(q) {
					return
				}
			}
		}
	})
	for d := range docs {
		_, s := core.StartSpan(ctx, "use "+d) // the consumer's ctx: a sibling of the stream
		s.End()
	}
	root.End()
	assert.Equal(t, "CHAIN answer OK\n"+
		"  UNKNOWN stream OK\n"+
		"    RETRIEVER retrieve a OK\n"+
		"    RETRIEVER retrieve b OK\n"+
		"  UNKNOWN use a OK\n"+
		"  UNKNOWN use b OK\n", agtest.Tree(rec.LastTrace()))
}

func TestSeq2FuncGivesTheGeneratorTheSpansContext(t *testing.T) {
	rec := agtest.Capture(t)
	pairs := core.Seq2Func(context.Background(), "pairs", func(ctx context.Context) iter.Seq2[string, error] {
		return func(yield func(string, error) bool) {
			_, s := core.StartSpan(ctx, "fetch")
			s.End()
			yield("x", nil)
		}
	})
	for range pairs {
	}
	tr := rec.LastTrace()
	assert.Equal(t, "UNKNOWN pairs OK\n  UNKNOWN fetch OK\n", agtest.Tree(tr))
	assert.Equal(t, `["x"]`, string(tr.RootSpan().Outputs()))
}

// A reducer of the wrong type cannot run: that is reported when the iterator is made, and
// the items are recorded.
func TestMismatchedReducerIsReported(t *testing.T) {
	var logs bytes.Buffer
	rec := agtest.Capture(t, sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	before := sdk.GetStats().InternalErrors
	seq := core.Seq2(context.Background(), "kv", func(yield func(string, int) bool) { yield("a", 1) },
		core.WithReducer(func(items []string) any { return strings.Join(items, "") }))
	for range seq {
	}
	assert.Equal(t, `[["a",1]]`, string(rec.LastTrace().RootSpan().Outputs()))
	assert.Equal(t, before+1, sdk.GetStats().InternalErrors)
	assert.Contains(t, logs.String(), `iterator span \"kv\": WithReducer got a func([]string) interface {}, but this iterator's reducer takes []Pair[K, V]`)

	// A matching one is used, and nothing is reported.
	seq = core.Seq2(context.Background(), "kv", func(yield func(string, int) bool) { yield("a", 1) },
		core.WithReducer(func(items []core.Pair[string, int]) any { return len(items) }))
	for range seq {
	}
	assert.Equal(t, `1`, string(rec.LastTrace().RootSpan().Outputs()))
	assert.Equal(t, before+1, sdk.GetStats().InternalErrors)
}

// EndTrace ends the spans still open, marks them, and exports them with the trace.
func TestEndTraceEndsOpenSpans(t *testing.T) {
	rec := agtest.Capture(t)
	c := core.NewClient()
	root := c.StartTrace("job", core.WithSpanType(spantypes.Chain))
	tid := root.TraceID()
	step, err := c.StartSpan("step", tid, root.SpanID())
	require.NoError(t, err)
	_, err = c.StartSpan("inner", tid, step.SpanID(), core.WithSpanType(spantypes.Tool))
	require.NoError(t, err)
	done, err := c.StartSpan("done", tid, root.SpanID())
	require.NoError(t, err)
	require.NoError(t, c.EndSpan(tid, done.SpanID()))
	end := time.Now().Add(time.Minute)
	require.NoError(t, c.EndTrace(tid, core.WithEndTime(end)))

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN job OK\n  UNKNOWN step OK\n    TOOL inner OK\n  UNKNOWN done OK\n", agtest.Tree(tr))
	for _, name := range []string{"step", "inner"} {
		s := tr.SearchSpans(core.SpanQuery{Name: name})[0]
		assert.Equal(t, "true", string(s.Attribute(spantypes.KeyEndedByTrace)), name)
		assert.Equal(t, end.UnixNano(), s.EndTimeUnixNano, name)
	}
	assert.Nil(t, tr.SearchSpans(core.SpanQuery{Name: "done"})[0].Attribute(spantypes.KeyEndedByTrace))
	assert.Equal(t, end.UnixNano(), tr.RootSpan().EndTimeUnixNano)
	assert.Zero(t, sdk.GetStats().DroppedSpans)
}

// A child that ends after its root is one lost span, counted once.
func TestLateSpanCountedOnce(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "root")
	_, child := core.StartSpan(ctx, "late")
	before := sdk.GetStats().DroppedSpans
	root.End()
	rec.Traces() // assembled without the child
	child.End()
	assert.Equal(t, before+1, sdk.GetStats().DroppedSpans)
}

// A nil context is taken for an empty one, as in OpenTelemetry: the code works as untraced.
func TestNilContext(t *testing.T) {
	rec := agtest.Capture(t)
	var nilCtx context.Context //nolint:staticcheck // the point of the test
	double := core.Func("double", func(ctx context.Context, n int) (int, error) {
		_, s := core.StartSpan(ctx, "inner")
		s.End()
		return 2 * n, nil
	})
	got, err := double(nilCtx, 21)
	require.NoError(t, err)
	assert.Equal(t, 42, got)
	assert.Equal(t, "UNKNOWN double OK\n  UNKNOWN inner OK\n", agtest.Tree(rec.LastTrace()))

	v, err := core.Trace(nilCtx, "traced", func(ctx context.Context) (string, error) {
		core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"k": "v"}})
		return "ok", errors.New("boom")
	})
	assert.Equal(t, "ok", v)
	assert.EqualError(t, err, "boom")
	assert.Equal(t, "v", rec.LastTrace().Info.Tags["k"])

	ctx, s := core.StartSpan(nilCtx, "fluent")
	require.NotNil(t, ctx)
	assert.Same(t, s, core.SpanFromContext(ctx))
	s.End()
	assert.False(t, core.SpanFromContext(nilCtx).IsRecording())
	core.UpdateCurrentTrace(nilCtx, core.TraceUpdate{Tags: map[string]string{"x": "y"}})
	assert.True(t, core.Suppressed(core.Suppress(nilCtx)))
	assert.False(t, core.Suppressed(nilCtx))
	assert.Equal(t, []int{1}, slices.Collect(core.Seq(nilCtx, "seq", slices.Values([]int{1}))))
	assert.NotNil(t, core.ContextWithSpan(nilCtx, s))
}
