package sdk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestTraceTimeout(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithTraceTimeout(50*time.Millisecond))
	ctx, root := core.StartSpan(context.Background(), "stuck")
	_, done := core.StartSpan(ctx, "finished step")
	done.End()
	_, failed := core.StartSpan(ctx, "failed step")
	failed.SetStatus(core.StatusError, "own error")
	failed.End()
	_, open := core.StartSpan(ctx, "hanging step")
	// Neither open nor root is ended by the program.

	deadline := time.Now().Add(5 * time.Second)
	for len(rec.Traces()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("timed-out trace was never exported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tr := rec.LastTrace()
	want := "UNKNOWN stuck ERROR\n  UNKNOWN finished step OK\n  UNKNOWN failed step ERROR\n  UNKNOWN hanging step ERROR\n"
	if got := agtest.Tree(tr); got != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, want)
	}
	if tr.Info.State != tracedata.StateError {
		t.Errorf("state = %s", tr.Info.State)
	}
	for _, name := range []string{"stuck", "hanging step"} {
		s := tr.SearchSpans(core.SpanQuery{Name: name})[0]
		if !strings.HasPrefix(s.Status.Message, "timed out") {
			t.Errorf("%s status message = %q", name, s.Status.Message)
		}
	}
	if s := tr.SearchSpans(core.SpanQuery{Name: "failed step"})[0]; s.Status.Message != "own error" {
		t.Errorf("finished child lost its status: %+v", s.Status)
	}
	// Ending the spans later is harmless and exports nothing more.
	open.End()
	root.End()
	if n := len(rec.Traces()); n != 1 {
		t.Errorf("%d traces, want 1", n)
	}
}
