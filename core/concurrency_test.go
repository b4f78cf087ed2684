package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/agentlens/agentlens/core"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestChildrenFromGoroutinesConcurrentSafe(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "fan-out")
	ctx, mid := core.StartSpan(ctx, "workers")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, s := core.StartSpan(ctx, fmt.Sprintf("worker-%d", i))
			s.SetInputs(i)
			_, leaf := core.StartSpan(cctx, "leaf")
			leaf.End()
			s.End()
		}()
	}
	wg.Wait()
	mid.End()
	root.End()

	traces := rec.Traces()
	if len(traces) != 1 {
		t.Fatalf("%d traces, want 1", len(traces))
	}
	tr := traces[0]
	if len(tr.Spans) != 2+50*2 {
		t.Fatalf("%d spans, want 102", len(tr.Spans))
	}
	midID := tr.SearchSpans(core.SpanQuery{Name: "workers"})[0].SpanID
	for i := range 50 {
		w := tr.SearchSpans(core.SpanQuery{Name: fmt.Sprintf("worker-%d", i)})
		if len(w) != 1 || w[0].ParentID != midID {
			t.Fatalf("worker-%d: %+v", i, w)
		}
		if got := string(w[0].Inputs()); got != fmt.Sprint(i) {
			t.Errorf("worker-%d inputs %s", i, got)
		}
	}
	for _, leaf := range tr.SearchSpans(core.SpanQuery{Name: "leaf"}) {
		p := tr.Span(leaf.ParentID)
		if p == nil || p.ParentID != midID {
			t.Fatalf("leaf %s parented wrongly", leaf.SpanID)
		}
	}
}

func TestIndependentTracesConcurrentSafe(t *testing.T) {
	rec := agtest.Capture(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("request-%d", i)
			ctx, root := core.StartSpan(context.Background(), name)
			for j := range 3 {
				_, c := core.StartSpan(ctx, fmt.Sprintf("%s/step-%d", name, j))
				c.End()
			}
			core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"req": name}})
			root.End()
		}()
	}
	wg.Wait()
	traces := rec.Traces()
	if len(traces) != 50 {
		t.Fatalf("%d traces, want 50", len(traces))
	}
	seen := map[string]bool{}
	for _, tr := range traces {
		root := tr.RootSpan()
		if seen[root.Name] {
			t.Fatalf("root %s twice", root.Name)
		}
		seen[root.Name] = true
		if tr.Info.Tags["req"] != root.Name || len(tr.Spans) != 4 {
			t.Fatalf("trace %s mixed: tags %v, %d spans", root.Name, tr.Info.Tags, len(tr.Spans))
		}
		for _, s := range tr.Spans[1:] {
			if s.ParentID != root.SpanID || s.TraceID != tr.Info.TraceID || s.Name[:len(root.Name)] != root.Name {
				t.Fatalf("span %s in trace %s", s.Name, root.Name)
			}
		}
	}
}
