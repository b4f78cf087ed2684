package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestFuncTreeOfThree(t *testing.T) {
	rec := agtest.Capture(t)
	double := core.Func("double", func(_ context.Context, x int) (int, error) { return 2 * x, nil })
	square := core.Func("square", func(_ context.Context, x int) (int, error) { return x * x, nil })
	pipeline := core.Func2("pipeline", func(ctx context.Context, a, b int) (int, error) {
		d, err := double(ctx, a)
		if err != nil {
			return 0, err
		}
		s, err := square(ctx, b)
		return d + s, err
	}, core.WithArgNames("a", "b"))

	got, err := pipeline(context.Background(), 3, 4)
	if err != nil || got != 22 {
		t.Fatalf("pipeline = %d, %v; want 22, nil", got, err)
	}
	tr := rec.LastTrace()
	if len(rec.Traces()) != 1 {
		t.Fatalf("got %d traces, want 1", len(rec.Traces()))
	}
	if len(tr.Spans) != 3 {
		t.Fatalf("got %d spans, want 3", len(tr.Spans))
	}
	want := "UNKNOWN pipeline OK\n  UNKNOWN double OK\n  UNKNOWN square OK\n"
	if tree := agtest.Tree(tr); tree != want {
		t.Errorf("tree:\n%s\nwant:\n%s", tree, want)
	}
	root := tr.RootSpan()
	if root.ParentID != "" || root.Name != "pipeline" {
		t.Fatalf("root = %q parent %q", root.Name, root.ParentID)
	}
	for _, name := range []string{"double", "square"} {
		c := tr.SearchSpans(core.SpanQuery{Name: name})
		if len(c) != 1 || c[0].ParentID != root.SpanID {
			t.Errorf("%s: parent %q, want root %q", name, c[0].ParentID, root.SpanID)
		}
	}
	if got := root.Attributes[spantypes.KeySpanType]; got != `"UNKNOWN"` {
		t.Errorf("span type attribute = %s", got)
	}
	if got := string(root.Inputs()); got != `{"a":3,"b":4}` {
		t.Errorf("inputs = %s", got)
	}
	if got := string(root.Outputs()); got != `22` {
		t.Errorf("outputs = %s", got)
	}
	if fn := root.StringAttribute(spantypes.KeySpanFunctionName); !strings.Contains(fn, "TestFuncTreeOfThree") {
		t.Errorf("function name = %q", fn)
	}
	if tr.Info.State != tracedata.StateOK || tr.Info.Tags[spantypes.TagTraceName] != "pipeline" {
		t.Errorf("info = %+v", tr.Info)
	}
	b, _ := json.MarshalIndent(tr, "", "  ")
	t.Logf("%s", b)
}

var errBoom = errors.New("boom")

func TestTraceErrorReachesCaller(t *testing.T) {
	rec := agtest.Capture(t)
	_, err := core.Trace(context.Background(), "fails", func(context.Context) (string, error) {
		return "partial", fmt.Errorf("loading: %w", errBoom)
	}, core.WithInputs("q"))
	if !errors.Is(err, errBoom) || err.Error() != "loading: boom" {
		t.Fatalf("err = %v, want the function's own error", err)
	}
	tr := rec.LastTrace()
	if tr.Info.State != tracedata.StateError {
		t.Errorf("trace state = %s, want ERROR", tr.Info.State)
	}
	root := tr.RootSpan()
	if root.Status != (tracedata.Status{Code: tracedata.StatusError, Message: "fmt.wrapError: loading: boom"}) {
		t.Errorf("status = %+v", root.Status)
	}
	if root.Outputs() != nil {
		t.Errorf("outputs recorded for a failed call: %s", root.Outputs())
	}
	if len(root.Events) != 1 {
		t.Fatalf("events = %+v", root.Events)
	}
	ev := root.Events[0]
	if ev.Name != "exception" || ev.Attributes["exception.type"] != "fmt.wrapError" ||
		ev.Attributes["exception.message"] != "loading: boom" ||
		!strings.Contains(ev.Attributes["exception.stacktrace"].(string), "goroutine") {
		t.Errorf("exception event = %+v", ev)
	}
}

func TestFuncPanicPropagatesAndExports(t *testing.T) {
	rec := agtest.Capture(t)
	type panicValue struct{ code int }
	inner := core.Func("inner", func(_ context.Context, x int) (int, error) {
		panic(panicValue{x})
	})
	outer := core.Func0("outer", func(ctx context.Context) (int, error) { return inner(ctx, 7) })

	var recovered any
	func() {
		defer func() { recovered = recover() }()
		_, _ = outer(context.Background())
	}()
	if recovered != (panicValue{7}) {
		t.Fatalf("recovered %#v, want the original panic value", recovered)
	}
	tr := rec.LastTrace()
	if got, want := agtest.Tree(tr), "UNKNOWN outer ERROR\n  UNKNOWN inner ERROR\n"; got != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, want)
	}
	if tr.Info.State != tracedata.StateError {
		t.Errorf("state = %s", tr.Info.State)
	}
	in := tr.SearchSpans(core.SpanQuery{Name: "inner"})[0]
	if in.Status.Message != `panic: {"code":7}` && !strings.HasPrefix(in.Status.Message, "panic: ") {
		t.Errorf("status message = %q", in.Status.Message)
	}
	if len(in.Events) != 1 || in.Events[0].Attributes["exception.type"] != "panic" {
		t.Errorf("events = %+v", in.Events)
	}
}

func TestWrappersRunWhenDisabled(t *testing.T) {
	rec := agtest.Capture(t)
	sdk.Disable()
	calls := 0
	f := core.Func("f", func(_ context.Context, x int) (int, error) { calls++; return x + 1, nil })
	got, err := f(context.Background(), 1)
	v, err2 := core.Trace(context.Background(), "t", func(context.Context) (string, error) { calls++; return "ok", nil })
	if got != 2 || err != nil || v != "ok" || err2 != nil || calls != 2 {
		t.Fatalf("disabled wrappers changed results: %d %v %q %v calls=%d", got, err, v, err2, calls)
	}
	if n := len(rec.Traces()); n != 0 {
		t.Fatalf("%d traces while disabled", n)
	}
	sdk.Enable()
	if _, err := f(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Traces()); n != 1 {
		t.Fatalf("%d traces after Enable, want 1", n)
	}
}
