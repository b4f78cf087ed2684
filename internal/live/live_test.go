package live

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// install installs a runtime whose completed traces are assembled and kept, and returns
// a function that waits for the next one.
func install(t *testing.T, s Settings) (next func() []tracedata.Span) {
	t.Helper()
	if s.MaxOpenTraces == 0 {
		s.MaxOpenTraces = 100
	}
	if s.MaxSpansPerTrace == 0 {
		s.MaxSpansPerTrace = 100
	}
	if s.SamplingRatio == 0 {
		s.SamplingRatio = 1
	}
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	done := make(chan *Trace, 10)
	rt := NewRuntime(s, func(tr *Trace) { done <- tr })
	prev := Install(rt)
	t.Cleanup(func() {
		Install(prev)
		_ = rt.Stop(context.Background())
	})
	return func() []tracedata.Span {
		t.Helper()
		select {
		case tr := <-done:
			spans, _ := tr.Assemble()
			return spans
		case <-time.After(5 * time.Second):
			t.Fatal("no trace completed")
			return nil
		}
	}
}

func TestNothingRecordedWithoutSDK(t *testing.T) {
	if HasSDK() || Current() != nil {
		t.Fatal("an SDK is installed in this test binary")
	}
	ctx, s := Start(context.Background(), "x", &StartConfig{})
	if s != Noop() || s.Recording() || ctx != context.Background() {
		t.Errorf("Start without an SDK = %p (recording %v)", s, s.Recording())
	}
	s.SetInputs("x")
	s.End() // no-ops, no panic
}

func TestSpansAndTheirContext(t *testing.T) {
	next := install(t, Settings{CaptureContent: true})
	ctx, root := Start(context.Background(), "root", &StartConfig{SpanType: spantypes.Chain, Inputs: "q", HasInputs: true})
	cctx, child := Start(ctx, "child", &StartConfig{})

	// OpenTelemetry code below sees our span as a sampled span context with our ids.
	sc := oteltrace.SpanContextFromContext(cctx)
	if "tr-"+sc.TraceID().String() != root.TraceID() || sc.SpanID().String() != child.SpanID() || !sc.IsSampled() {
		t.Errorf("span context in ctx: %v %v sampled %v; want %s %s", sc.TraceID(), sc.SpanID(), sc.IsSampled(), root.TraceID(), child.SpanID())
	}
	if FromContext(cctx) != child {
		t.Error("FromContext does not return the span")
	}

	child.AddChunk(0, "a")
	child.AddEvent("note", map[string]any{"n": 1, "ok": true, "xs": []int{1, 2}, "m": map[string]any{"k": "v"}})
	child.AddChunk(1, nil)
	child.RecordException("APIError", "rate limited")
	child.End()
	root.End()

	spans := next()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	r, c := spans[0], spans[1]
	if r.ParentID != "" || c.ParentID != r.SpanID || r.TraceID != c.TraceID {
		t.Errorf("ids: root %s/%s child %s/%s parent %s", r.TraceID, r.SpanID, c.TraceID, c.SpanID, c.ParentID)
	}
	if r.Status != (tracedata.Status{Code: tracedata.StatusOK}) {
		t.Errorf("root status %+v, want OK (none set)", r.Status)
	}
	if c.Status != (tracedata.Status{Code: tracedata.StatusError, Message: "APIError: rate limited"}) {
		t.Errorf("child status %+v", c.Status)
	}
	if !reflect.DeepEqual(r.Attributes, map[string]string{spantypes.KeySpanType: `"CHAIN"`, spantypes.KeySpanInputs: `"q"`}) {
		t.Errorf("root attributes %v", r.Attributes)
	}
	var names []string
	for _, ev := range c.Events {
		names = append(names, ev.Name)
	}
	if want := []string{"mlflow.chunk.item.0", "note", "mlflow.chunk.item.1", "exception"}; !reflect.DeepEqual(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
	wantNote := map[string]any{"n": int64(1), "ok": true, "xs": []int64{1, 2}, "m": `{"k":"v"}`}
	if !reflect.DeepEqual(c.Events[1].Attributes, wantNote) {
		t.Errorf("note attributes %#v, want %#v", c.Events[1].Attributes, wantNote)
	}
	// Chunk values are held compactly, without a map, until the SDK expands them.
	if v, ok := c.Events[0].Attribute(spantypes.KeyChunkValue); !ok || v != `"a"` || c.Events[0].Attributes != nil {
		t.Errorf("chunk 0: value %v %v, attributes %v", v, ok, c.Events[0].Attributes)
	}
	if _, ok := c.Events[2].Attribute(spantypes.KeyChunkValue); ok || c.Events[2].Attributes != nil {
		t.Errorf("chunk 1 has a value: %v", c.Events[2].Attributes)
	}
	c.ExpandChunks()
	if !reflect.DeepEqual(c.Events[0].Attributes, map[string]any{spantypes.KeyChunkValue: `"a"`}) || c.Events[2].Attributes != nil {
		t.Errorf("expanded chunk values %v, %v", c.Events[0].Attributes, c.Events[2].Attributes)
	}
	if c.StartTimeUnixNano < r.StartTimeUnixNano || c.EndTimeUnixNano < c.StartTimeUnixNano || r.EndTimeUnixNano < c.EndTimeUnixNano {
		t.Errorf("times: root %d-%d child %d-%d", r.StartTimeUnixNano, r.EndTimeUnixNano, c.StartTimeUnixNano, c.EndTimeUnixNano)
	}
}

func TestForeignSpanContextIsLinked(t *testing.T) {
	next := install(t, Settings{})
	foreign := oteltrace.NewSpanContext(oteltrace.SpanContextConfig{
		TraceID: oteltrace.TraceID{1, 2, 3}, SpanID: oteltrace.SpanID{4, 5, 6}, TraceFlags: oteltrace.FlagsSampled,
	})
	_, root := Start(oteltrace.ContextWithSpanContext(context.Background(), foreign), "root", &StartConfig{})
	root.End()
	r := next()[0]
	if r.TraceID == "tr-"+foreign.TraceID().String() || r.ParentID != "" {
		t.Errorf("root %s parent %q joined the foreign trace", r.TraceID, r.ParentID)
	}
	want := []tracedata.Link{{TraceID: foreign.TraceID().String(), SpanID: foreign.SpanID().String()}}
	if !reflect.DeepEqual(r.Links, want) {
		t.Errorf("links %+v, want %+v", r.Links, want)
	}
}

func TestSampledOutAndSuppressedRecordNothing(t *testing.T) {
	install(t, Settings{SamplingRatio: -1}) // below zero: nothing is kept
	ctx, s := Start(context.Background(), "x", &StartConfig{})
	if s.Recording() || !Suppressed(ctx) {
		t.Errorf("sampled out: recording %v, ctx suppressed %v", s.Recording(), Suppressed(ctx))
	}
	if _, child := Start(ctx, "y", &StartConfig{}); child != Noop() {
		t.Error("a child of a sampled-out trace records")
	}
}

func TestLimits(t *testing.T) {
	install(t, Settings{MaxOpenTraces: 1, MaxSpansPerTrace: 2})
	rt := Installed()
	ctx, root := Start(context.Background(), "root", &StartConfig{})
	if _, s := Start(context.Background(), "second trace", &StartConfig{}); s.Recording() {
		t.Error("a trace beyond the open-trace limit records")
	}
	if _, s := Start(ctx, "one", &StartConfig{}); !s.Recording() {
		t.Error("the second span of a trace does not record")
	}
	if _, s := Start(ctx, "two", &StartConfig{}); s.Recording() {
		t.Error("a span beyond the per-trace limit records")
	}
	root.End()
	if d, ds := rt.Stats.Dropped.Load(), rt.Stats.DroppedSpans.Load(); d != 1 || ds != 1 {
		t.Errorf("dropped %d traces, %d spans; want 1, 1", d, ds)
	}
}

func TestSpanMethodsConcurrentSafe(t *testing.T) {
	next := install(t, Settings{CaptureContent: true})
	ctx, root := Start(context.Background(), "root", &StartConfig{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, s := Start(ctx, "worker", &StartConfig{})
			for j := range 50 {
				s.SetAttribute("k", j)
				root.AddEvent("tick", map[string]any{"i": i})
				s.AddChunk(j, j)
			}
			s.End()
		}()
	}
	wg.Wait()
	root.End()
	spans := next()
	if len(spans) != 9 || len(spans[0].Events) != 400 {
		t.Errorf("%d spans, %d root events; want 9, 400", len(spans), len(spans[0].Events))
	}
}

// A span's context holds it for agentlens and for OpenTelemetry code alike, through contexts
// derived from it, and leaves the parent's other values where they were.
func TestContextCarriesTheSpanForOpenTelemetry(t *testing.T) {
	next := install(t, Settings{CaptureContent: true})
	type key struct{}
	base := context.WithValue(context.Background(), key{}, "kept")
	ctx, root := Start(base, "root", &StartConfig{})
	if otelSpanKey == nil {
		t.Fatal("OpenTelemetry's span key was not found")
	}
	derived, cancel := context.WithCancel(ctx)
	defer cancel()
	for name, c := range map[string]context.Context{"span context": ctx, "derived": derived} {
		if FromContext(c) != root {
			t.Errorf("%s: FromContext = %p, want the root %p", name, FromContext(c), root)
		}
		if got := oteltrace.SpanFromContext(c).SpanContext(); !got.Equal(root.otel.sc) {
			t.Errorf("%s: OpenTelemetry sees %v, want %v", name, got, root.otel.sc)
		}
		if c.Value(key{}) != "kept" {
			t.Errorf("%s: the parent's value is lost", name)
		}
	}
	_, child := Start(derived, "child", &StartConfig{})
	child.End()
	root.End()
	spans := next()
	if len(spans) != 2 || spans[1].ParentID != spans[0].SpanID {
		t.Fatalf("spans = %+v", spans)
	}
}
