package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestCustomNameTypeAttributes(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, span := core.StartSpan(context.Background(), "retrieve docs",
		core.WithSpanType(spantypes.Retriever),
		core.WithAttributes(map[string]any{"k": 3, "index": "docs", "mlflow.custom": map[string]any{"a": 1}}))
	span.SetAttribute("score", 0.5)
	span.SetAttributes(map[string]any{"tags": []string{"a", "b"}, "ok": true})
	_, child := core.StartSpan(ctx, "rerank", core.WithSpanType("MY_TYPE"))
	child.End()
	span.End()

	tr := rec.LastTrace()
	if got, want := agtest.Tree(tr), "RETRIEVER retrieve docs OK\n  MY_TYPE rerank OK\n"; got != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, want)
	}
	root := tr.RootSpan()
	want := map[string]string{
		spantypes.KeySpanType: `"RETRIEVER"`,
		"k":                   `3`,
		"index":               `"docs"`,
		"mlflow.custom":       `{"a":1}`,
		"score":               `0.5`,
		"tags":                `["a","b"]`,
		"ok":                  `true`,
	}
	if !reflect.DeepEqual(root.Attributes, want) {
		t.Errorf("attributes = %v\nwant %v", root.Attributes, want)
	}
}

type node struct {
	Name string
	Next *node
}

func TestUnencodableValuesAndUnicode(t *testing.T) {
	rec := agtest.Capture(t)
	cyclic := &node{Name: "a"}
	cyclic.Next = cyclic
	selfMap := map[string]any{"k": "v"}
	selfMap["self"] = selfMap
	_, span := core.StartSpan(context.Background(), "odd values")
	span.SetInputs(map[string]any{
		"ch":    make(chan int),
		"fn":    func() {},
		"cycle": cyclic,
		"map":   selfMap,
		"text":  "héllo 世界 <b>&</b>",
	})
	span.SetOutputs("naïve café ✓")
	span.End()

	root := rec.LastTrace().RootSpan()
	in := string(root.Inputs())
	if !json.Valid([]byte(in)) {
		t.Fatalf("inputs are not JSON: %s", in)
	}
	want := `{"ch":"[not recorded: cannot encode chan int as JSON: json: unsupported type: chan int]",` +
		`"cycle":"[not recorded: *core_test.node nests deeper than 1000 levels]",` +
		`"fn":"[not recorded: cannot encode func() as JSON: json: unsupported type: func()]",` +
		`"map":{"k":"v","self":"<cycle map[string]interface {}>"},"text":"héllo 世界 <b>&</b>"}`
	if in != want {
		t.Errorf("inputs:\n%s\nwant:\n%s", in, want)
	}
	if got := string(root.Outputs()); got != `"naïve café ✓"` {
		t.Errorf("outputs = %s", got)
	}
	// The whole trace JSON keeps the text unescaped and round-trips.
	b, err := json.Marshal(rec.LastTrace())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `naïve café ✓`) {
		t.Errorf("trace JSON escaped non-ASCII text")
	}
}

// TestDeeplyNestedInputs: values nested a million levels deep are recorded as a marker, and
// the program goes on (a recursive encoder would overflow the stack and kill it).
func TestDeeplyNestedInputs(t *testing.T) {
	rec := agtest.Capture(t)
	var list *node
	for i := 0; i < 1_000_000; i++ {
		list = &node{Name: "n", Next: list}
	}
	var nested any = "bottom"
	for i := 0; i < 1_000_000; i++ {
		nested = []any{nested}
	}
	ctx, root := core.StartSpan(context.Background(), "deep", core.WithInputs(list))
	_, child := core.StartSpan(ctx, "deeper", core.WithInputs(nested))
	child.SetOutputs(map[string]any{"list": list})
	child.End()
	root.End()

	tr := rec.LastTrace()
	if got := agtest.Tree(tr); got != "UNKNOWN deep OK\n  UNKNOWN deeper OK\n" {
		t.Fatalf("tree:\n%s", got)
	}
	for _, c := range []struct{ span, key, want string }{
		{"deep", spantypes.KeySpanInputs, `"[not recorded: *core_test.node nests deeper than 1000 levels]"`},
		// The first levels are written as they are; the subtree deeper than the cap is the marker.
		{"deeper", spantypes.KeySpanInputs, strings.Repeat("[", 64) + `"[not recorded: []interface {} nests deeper than 1000 levels]"` + strings.Repeat("]", 64)},
		{"deeper", spantypes.KeySpanOutputs, `{"list":"[not recorded: *core_test.node nests deeper than 1000 levels]"}`},
	} {
		if got := tr.SearchSpans(core.SpanQuery{Name: c.span})[0].Attributes[c.key]; got != c.want {
			t.Errorf("%s %s = %s, want %s", c.span, c.key, got, c.want)
		}
	}
}

func TestSpanErrorAndStatus(t *testing.T) {
	rec := agtest.Capture(t)
	_, span := core.StartSpan(context.Background(), "op")
	span.RecordError(&customErr{"disk full"})
	span.End()
	root := rec.LastTrace().RootSpan()
	if root.Status != (tracedata.Status{Code: tracedata.StatusError, Message: "core_test.customErr: disk full"}) {
		t.Errorf("status = %+v", root.Status)
	}
	if len(root.Events) != 1 || root.Events[0].Name != "exception" {
		t.Fatalf("events = %+v", root.Events)
	}
	attrs := root.Events[0].Attributes
	if attrs["exception.type"] != "core_test.customErr" || attrs["exception.message"] != "disk full" ||
		!strings.Contains(attrs["exception.stacktrace"].(string), "TestSpanErrorAndStatus") {
		t.Errorf("exception attributes = %v", attrs)
	}
	if rec.LastTrace().Info.State != tracedata.StateError {
		t.Errorf("trace state = %s", rec.LastTrace().Info.State)
	}
}

type customErr struct{ msg string }

func (e *customErr) Error() string { return e.msg }

func TestSetStatusExplicit(t *testing.T) {
	rec := agtest.Capture(t)
	_, span := core.StartSpan(context.Background(), "op")
	span.SetStatus(core.StatusError, "bad input")
	span.End()
	span.End() // second End is a no-op
	if s := rec.LastTrace().RootSpan().Status; s.Code != core.StatusError || s.Message != "bad input" {
		t.Errorf("status = %+v", s)
	}
	if n := len(rec.Traces()); n != 1 {
		t.Errorf("%d traces, want 1", n)
	}
}

func TestSpanFromContextNeverNil(t *testing.T) {
	s := core.SpanFromContext(context.Background())
	if s == nil {
		t.Fatal("SpanFromContext returned nil")
	}
	// Every method is safe on the no-op span.
	s.SetInputs(1)
	s.SetOutputs(2)
	s.SetAttribute("a", 1)
	s.SetTokenUsage(core.TokenUsage{InputTokens: 1})
	s.SetCost(core.Cost{InputCost: 1})
	s.RecordError(errors.New("x"))
	s.AddEvent("e", nil)
	s.End()
	if s.IsRecording() || s.TraceID() != "" || s.SpanID() != "" {
		t.Errorf("no-op span claims to record")
	}
	rec := agtest.Capture(t)
	ctx, span := core.StartSpan(context.Background(), "root")
	if core.SpanFromContext(ctx) != span {
		t.Errorf("SpanFromContext does not return the active span")
	}
	if !strings.HasPrefix(span.TraceID(), "tr-") || len(span.TraceID()) != 35 || len(span.SpanID()) != 16 {
		t.Errorf("ids: trace %q span %q", span.TraceID(), span.SpanID())
	}
	span.End()
	if rec.LastTrace().Info.TraceID != span.TraceID() {
		t.Errorf("trace id mismatch")
	}
}

func TestSuppress(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "root")
	sctx := core.Suppress(ctx)
	if !core.Suppressed(sctx) || core.Suppressed(ctx) {
		t.Fatal("Suppressed reports wrongly")
	}
	_, hidden := core.StartSpan(sctx, "health check")
	if hidden.IsRecording() {
		t.Error("span under Suppress records")
	}
	hidden.End()
	_, root2 := core.StartSpan(core.Suppress(context.Background()), "new root")
	root2.End()
	root.End()
	if got, want := agtest.Tree(rec.LastTrace()), "UNKNOWN root OK\n"; got != want {
		t.Errorf("tree %q, want %q", got, want)
	}
	if n := len(rec.Traces()); n != 1 {
		t.Errorf("%d traces, want 1", n)
	}
}

func TestForeignOTelSpanStartsNewTraceWithLink(t *testing.T) {
	rec := agtest.Capture(t)
	foreignTP := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewInMemoryExporter()))
	defer func() { _ = foreignTP.Shutdown(context.Background()) }()
	fctx, foreign := foreignTP.Tracer("other").Start(context.Background(), "http request")
	ctx, root := core.StartSpan(fctx, "agent")
	_, child := core.StartSpan(ctx, "tool")
	child.End()
	root.End()
	foreign.End()

	tr := rec.LastTrace()
	if got, want := agtest.Tree(tr), "UNKNOWN agent OK\n  UNKNOWN tool OK\n"; got != want {
		t.Fatalf("tree:\n%s", got)
	}
	fsc := foreign.SpanContext()
	if tr.Info.TraceID == "tr-"+fsc.TraceID().String() {
		t.Error("agentlens trace reused the foreign trace id")
	}
	r := tr.RootSpan()
	if r.ParentID != "" {
		t.Errorf("root has parent %q", r.ParentID)
	}
	want := []tracedata.Link{{TraceID: fsc.TraceID().String(), SpanID: fsc.SpanID().String()}}
	if !reflect.DeepEqual(r.Links, want) {
		t.Errorf("links = %+v, want %+v", r.Links, want)
	}
}

func TestOTelSpanBetweenKeepsParent(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "root")
	// Foreign instrumentation starts its own span under ours; our next span still parents on ours.
	foreignTP := sdktrace.NewTracerProvider()
	defer func() { _ = foreignTP.Shutdown(context.Background()) }()
	fctx, f := foreignTP.Tracer("x").Start(ctx, "foreign")
	_, child := core.StartSpan(fctx, "child")
	child.End()
	f.End()
	root.End()
	tr := rec.LastTrace()
	if c := tr.SearchSpans(core.SpanQuery{Name: "child"}); len(c) != 1 || c[0].ParentID != tr.RootSpan().SpanID {
		t.Errorf("child not parented on root: %+v", c)
	}
	// The foreign span joined our distributed trace, as a sampled child of our root.
	fro := f.(sdktrace.ReadOnlySpan)
	if got := "tr-" + fro.SpanContext().TraceID().String(); got != tr.Info.TraceID {
		t.Errorf("foreign span's trace %s, want %s", got, tr.Info.TraceID)
	}
	if got := fro.Parent().SpanID().String(); got != tr.RootSpan().SpanID {
		t.Errorf("foreign span's parent %s, want the root %s", got, tr.RootSpan().SpanID)
	}
	if !fro.SpanContext().IsSampled() {
		t.Error("foreign span under ours is not sampled")
	}
}

func TestSpanTypeGetter(t *testing.T) {
	agtest.Capture(t)
	_, s := core.StartSpan(context.Background(), "x")
	defer s.End()
	for _, step := range []struct {
		set  func()
		want string
	}{
		{func() {}, spantypes.Unknown},
		{func() { s.SetSpanType(spantypes.ChatModel) }, spantypes.ChatModel},
		{func() { s.SetAttribute(spantypes.KeySpanType, "TOOL") }, spantypes.Tool},
		{func() { s.SetAttributes(map[string]any{spantypes.KeySpanType: "CUSTOM"}) }, "CUSTOM"},
	} {
		step.set()
		if got := s.SpanType(); got != step.want {
			t.Errorf("SpanType() = %q, want %q", got, step.want)
		}
	}
	if core.SpanFromContext(context.Background()).SpanType() != "" {
		t.Error("no-op span has a type")
	}
}
