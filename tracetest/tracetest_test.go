package tracetest_test

import (
	"context"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

func TestCaptureRestoresPrevious(t *testing.T) {
	outer := tracetest.Capture(t)
	t.Run("inner", func(t *testing.T) {
		inner := tracetest.Capture(t)
		_, s := core.StartSpan(context.Background(), "inner trace")
		s.End()
		if n := len(inner.Traces()); n != 1 {
			t.Fatalf("inner recorder has %d traces", n)
		}
	})
	_, s := core.StartSpan(context.Background(), "outer trace")
	s.End()
	traces := outer.Traces()
	if len(traces) != 1 || traces[0].RootSpan().Name != "outer trace" {
		t.Fatalf("outer recorder: %d traces", len(traces))
	}
}

func TestCaptureEnablesAndRestoresDisabled(t *testing.T) {
	sdk.Disable()
	defer sdk.Enable()
	t.Run("captured", func(t *testing.T) {
		rec := tracetest.Capture(t)
		_, s := core.StartSpan(context.Background(), "traced")
		s.End()
		if len(rec.Traces()) != 1 {
			t.Fatal("Capture did not enable tracing")
		}
	})
	if sdk.Enabled() {
		t.Fatal("Capture did not restore the disabled state")
	}
}

func TestResetAndLastTrace(t *testing.T) {
	rec := tracetest.Capture(t)
	for _, name := range []string{"a", "b"} {
		_, s := core.StartSpan(context.Background(), name)
		s.End()
	}
	if got := rec.LastTrace().RootSpan().Name; got != "b" {
		t.Errorf("LastTrace = %s", got)
	}
	rec.Reset()
	if n := len(rec.Traces()); n != 0 {
		t.Errorf("%d traces after Reset", n)
	}
}

func TestTree(t *testing.T) {
	tr := &tracedata.Trace{Spans: []tracedata.Span{
		{SpanID: "r", Name: "agent", Status: tracedata.Status{Code: tracedata.StatusOK},
			Attributes: map[string]string{spantypes.KeySpanType: `"AGENT"`}},
		{SpanID: "t", ParentID: "r", Name: "tool\n\x1b[2Jevil", Status: tracedata.Status{Code: tracedata.StatusError},
			Attributes: map[string]string{spantypes.KeySpanType: `"TOOL"`}},
		{SpanID: "m", ParentID: "t", Name: "model", Status: tracedata.Status{Code: tracedata.StatusOK}},
	}}
	want := "AGENT agent OK\n  TOOL tool\\n\\x1b[2Jevil ERROR\n    UNKNOWN model OK\n"
	if got := tracetest.Tree(tr); got != want {
		t.Errorf("Tree:\n%q\nwant:\n%q", got, want)
	}
	if tracetest.Tree(nil) != "" {
		t.Error("Tree(nil) not empty")
	}
}
