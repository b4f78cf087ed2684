package core_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestClientBuildsTree(t *testing.T) {
	rec := agtest.Capture(t)
	c := core.NewClient()
	root := c.StartTrace("handle event", core.WithSpanType(spantypes.Chain), core.WithInputs("evt"))
	tid := root.TraceID()
	child, err := c.StartSpan("lookup", tid, root.SpanID(), core.WithSpanType(spantypes.Tool))
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(time.Second)
	if err := c.EndSpan(tid, child.SpanID(), core.WithOutputs(42), core.WithAttributes(map[string]any{"hits": 1}),
		core.WithStatus(core.StatusError, "partial"), core.WithEndTime(end)); err != nil {
		t.Fatal(err)
	}
	if err := c.EndTrace(tid, core.WithOutputs("done")); err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	if got, want := agtest.Tree(tr), "CHAIN handle event OK\n  TOOL lookup ERROR\n"; got != want {
		t.Fatalf("tree:\n%s", got)
	}
	s := tr.SearchSpans(core.SpanQuery{Name: "lookup"})[0]
	if string(s.Outputs()) != "42" || s.Attributes["hits"] != "1" || s.Status.Message != "partial" || s.EndTimeUnixNano != end.UnixNano() {
		t.Errorf("lookup span = %+v", s)
	}
	if string(tr.RootSpan().Outputs()) != `"done"` || string(tr.RootSpan().Inputs()) != `"evt"` {
		t.Errorf("root = %+v", tr.RootSpan().Attributes)
	}
}

func TestClientUnknownIDs(t *testing.T) {
	agtest.Capture(t)
	c := core.NewClient()
	root := c.StartTrace("t")
	tid := root.TraceID()
	err := c.EndSpan(tid, "00000000deadbeef")
	if err == nil || !strings.Contains(err.Error(), "00000000deadbeef") {
		t.Errorf("unknown span: err = %v", err)
	}
	if _, err := c.StartSpan("x", "tr-missing", "abc"); err == nil || !strings.Contains(err.Error(), "tr-missing") {
		t.Errorf("unknown trace: err = %v", err)
	}
	child, _ := c.StartSpan("child", tid, root.SpanID())
	if err := c.EndSpan(tid, child.SpanID()); err != nil {
		t.Fatal(err)
	}
	if err := c.EndSpan(tid, child.SpanID()); err == nil || !strings.Contains(err.Error(), child.SpanID()) {
		t.Errorf("second end: err = %v", err)
	}
	if err := c.EndTrace(tid); err != nil {
		t.Fatal(err)
	}
	if err := c.EndTrace(tid); err == nil || !strings.Contains(err.Error(), tid) {
		t.Errorf("ended trace: err = %v", err)
	}
}

func TestClientConcurrentSafe(t *testing.T) {
	rec := agtest.Capture(t)
	c := core.NewClient()
	shared := c.StartTrace("shared")
	tid := shared.TraceID()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each goroutine adds a subtree to the shared trace and runs its own trace.
			s, err := c.StartSpan(fmt.Sprintf("g%d", i), tid, shared.SpanID())
			if err != nil {
				errs <- err
				return
			}
			leaf, err := c.StartSpan("leaf", tid, s.SpanID())
			if err != nil {
				errs <- err
				return
			}
			errs <- c.EndSpan(tid, leaf.SpanID())
			errs <- c.EndSpan(tid, s.SpanID())
			own := c.StartTrace(fmt.Sprintf("own-%d", i))
			errs <- c.EndTrace(own.TraceID())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.EndTrace(tid); err != nil {
		t.Fatal(err)
	}
	traces := rec.Traces()
	if len(traces) != 21 {
		t.Fatalf("%d traces, want 21", len(traces))
	}
	var sharedTrace *tracedata.Trace
	for _, tr := range traces {
		if tr.RootSpan().Name == "shared" {
			sharedTrace = tr
		}
	}
	if sharedTrace == nil || len(sharedTrace.Spans) != 41 {
		t.Fatalf("shared trace missing or wrong size")
	}
	for i := range 20 {
		g := sharedTrace.SearchSpans(core.SpanQuery{Name: fmt.Sprintf("g%d", i)})
		if len(g) != 1 || g[0].ParentID != sharedTrace.RootSpan().SpanID {
			t.Fatalf("g%d misplaced", i)
		}
	}
}
