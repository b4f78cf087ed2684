package core_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func tokens(words ...string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, w := range words {
			if !yield(w) {
				return
			}
		}
	}
}

func chunkValues(t *testing.T, s *tracedata.Span) []string {
	t.Helper()
	var out []string
	for i, ev := range s.Events {
		if ev.Name == "exception" {
			out = append(out, "exception")
			continue
		}
		if ev.Name != "mlflow.chunk.item."+strconv.Itoa(i) {
			t.Errorf("event %d is named %q", i, ev.Name)
		}
		out = append(out, ev.Attributes["mlflow.chunk.value"].(string))
	}
	return out
}

func TestSeqRecordsChunks(t *testing.T) {
	rec := agtest.Capture(t)
	seq := core.Seq(context.Background(), "stream", tokens("a", "b", "c"))
	if n := len(rec.Traces()); n != 0 {
		t.Fatalf("span exists before iteration: %d traces", n)
	}
	got := slices.Collect(seq)
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("items = %v", got)
	}
	root := rec.LastTrace().RootSpan()
	if v := chunkValues(t, root); !slices.Equal(v, []string{`"a"`, `"b"`, `"c"`}) {
		t.Errorf("chunk values = %v", v)
	}
	if out := string(root.Outputs()); out != `["a","b","c"]` {
		t.Errorf("outputs = %s", out)
	}
	if root.Status.Code != tracedata.StatusOK {
		t.Errorf("status = %+v", root.Status)
	}
}

func TestSeqReducer(t *testing.T) {
	rec := agtest.Capture(t)
	seq := core.Seq(context.Background(), "stream", tokens("Hel", "lo"),
		core.WithReducer(func(chunks []string) any { return strings.Join(chunks, "") }))
	for range seq {
	}
	root := rec.LastTrace().RootSpan()
	if out := string(root.Outputs()); out != `"Hello"` {
		t.Errorf("outputs = %s", out)
	}
	if n := len(root.Events); n != 2 {
		t.Errorf("%d chunk events, want 2", n)
	}
}

func TestSeqBreakEndsSpanOK(t *testing.T) {
	rec := agtest.Capture(t)
	var got []string
	for w := range core.Seq(context.Background(), "stream", tokens("a", "b", "c", "d")) {
		got = append(got, w)
		if len(got) == 2 {
			break
		}
	}
	root := rec.LastTrace().RootSpan()
	if root.Status.Code != tracedata.StatusOK {
		t.Errorf("status = %+v", root.Status)
	}
	if v := chunkValues(t, root); !slices.Equal(v, []string{`"a"`, `"b"`}) {
		t.Errorf("chunks = %v", v)
	}
	if out := string(root.Outputs()); out != `["a","b"]` {
		t.Errorf("outputs = %s", out)
	}
}

func TestSeqNeverRangedLeavesNothing(t *testing.T) {
	rec := agtest.Capture(t)
	_ = core.Seq(context.Background(), "stream", tokens("a"))
	_ = core.Seq2(context.Background(), "stream2", func(yield func(int, error) bool) {})
	if n := len(rec.Traces()); n != 0 {
		t.Fatalf("%d traces from iterators never ranged over", n)
	}
	if s := sdk.GetStats(); s.Exported+s.Dropped+s.DroppedSpans+s.Failed+s.InternalErrors != 0 {
		t.Errorf("stats = %+v, want zero", s)
	}
}

var errStream = errors.New("stream broke")

func TestSeq2FailingEndsError(t *testing.T) {
	rec := agtest.Capture(t)
	src := func(yield func(string, error) bool) {
		for _, w := range []string{"x", "y"} {
			if !yield(w, nil) {
				return
			}
		}
		yield("", errStream)
	}
	var got []string
	var gotErr error
	for w, err := range core.Seq2(context.Background(), "stream", src) {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, w)
	}
	if !errors.Is(gotErr, errStream) || !slices.Equal(got, []string{"x", "y"}) {
		t.Fatalf("consumer saw %v, %v", got, gotErr)
	}
	root := rec.LastTrace().RootSpan()
	if root.Status.Code != tracedata.StatusError || root.Status.Message != "errors.errorString: stream broke" {
		t.Errorf("status = %+v", root.Status)
	}
	if v := chunkValues(t, root); !slices.Equal(v, []string{`"x"`, `"y"`, "exception"}) {
		t.Errorf("events = %v, want two chunks then the exception", v)
	}
	if out := string(root.Outputs()); out != `["x","y"]` {
		t.Errorf("outputs = %s", out)
	}
}

func TestSeq2PairsAndReducer(t *testing.T) {
	rec := agtest.Capture(t)
	src := func(yield func(int, string) bool) {
		_ = yield(1, "one") && yield(2, "two")
	}
	for range core.Seq2(context.Background(), "pairs", src) {
	}
	root := rec.LastTrace().RootSpan()
	if v := chunkValues(t, root); !slices.Equal(v, []string{`[1,"one"]`, `[2,"two"]`}) {
		t.Errorf("chunks = %v", v)
	}
	for range core.Seq2(context.Background(), "reduced", src,
		core.WithReducer(func(ps []core.Pair[int, string]) any { return len(ps) })) {
	}
	if out := string(rec.LastTrace().RootSpan().Outputs()); out != "2" {
		t.Errorf("reduced outputs = %s", out)
	}
}

func TestSeqUnderParent(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "answer")
	for range core.Seq(ctx, "tokens", tokens("a")) {
	}
	root.End()
	if got, want := agtest.Tree(rec.LastTrace()), "UNKNOWN answer OK\n  UNKNOWN tokens OK\n"; got != want {
		t.Errorf("tree:\n%s", got)
	}
}
