package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

func TestFuncTreeOfThree(t *testing.T) {
	rec := tracetest.Capture(t)
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
	if tree := tracetest.Tree(tr); tree != want {
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

func TestTraceError(t *testing.T) {
	rec := tracetest.Capture(t)
	_, err := core.Trace(context.Background(), "fails", func(context.Context) (string, error) {
		return "", errors.Join(errBoom)
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	tr := rec.LastTrace()
	if tr.Info.State != tracedata.StateError {
		t.Errorf("state = %s", tr.Info.State)
	}
	t.Log(tracetest.Tree(tr))
}
