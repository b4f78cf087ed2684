package sdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	agtest "github.com/agentlens/agentlens/tracetest"
)

type failingDest struct{ calls atomic.Int64 }

func (d *failingDest) Export(context.Context, *tracedata.Trace) error {
	d.calls.Add(1)
	return errors.New("backend down")
}

type panickingDest struct{}

func (panickingDest) Export(context.Context, *tracedata.Trace) error { panic("destination bug") }

// blockingDest blocks every export until release is closed, ignoring ctx.
type blockingDest struct{ release chan struct{} }

func (d *blockingDest) Export(context.Context, *tracedata.Trace) error {
	<-d.release
	return nil
}

func runTraces(n int) {
	for range n {
		ctx, root := core.StartSpan(context.Background(), "root")
		_, c := core.StartSpan(ctx, "child")
		c.End()
		root.End()
	}
}

func TestFailingDestinationsNeverFailTracedCode(t *testing.T) {
	var logs bytes.Buffer
	mem := sdk.NewMemoryDestination()
	bad := &failingDest{}
	restore, err := sdk.Override(sdk.WithDestinations(bad, panickingDest{}, mem),
		sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	runTraces(10)
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(mem.Traces()) != 10 || bad.calls.Load() != 10 {
		t.Fatalf("healthy destination got %d traces, failing one %d calls", len(mem.Traces()), bad.calls.Load())
	}
	st := sdk.GetStats()
	if st.Exported != 10 || st.Failed != 20 || st.Dropped != 0 {
		t.Errorf("stats = %+v, want 10 exported, 20 failed", st)
	}
	// Logged once per kind of failure, counted every time.
	if n := strings.Count(logs.String(), "backend down"); n != 1 {
		t.Errorf("failure logged %d times:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "destination bug"); n != 1 {
		t.Errorf("panic logged %d times:\n%s", n, logs.String())
	}
}

func TestBlockedDestinationNeverBlocksTracedCode(t *testing.T) {
	block := &blockingDest{release: make(chan struct{})}
	mem := sdk.NewMemoryDestination()
	restore, err := sdk.Override(sdk.WithDestinations(block, mem), sdk.WithQueueSize(4),
		sdk.WithLogger(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		runTraces(200)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("traced code blocked behind a stuck destination")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := sdk.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Flush with a stuck destination = %v, want deadline exceeded", err)
	}
	st := sdk.GetStats()
	if st.Dropped == 0 {
		t.Errorf("full destination queue dropped nothing: %+v", st)
	}
	// The healthy destination is not held back by the stuck one.
	if got := len(mem.Traces()); got == 0 {
		t.Errorf("healthy destination received nothing")
	}
	if got := uint64(len(mem.Traces())); got+st.Dropped < 200 {
		t.Errorf("%d delivered + %d dropped < 200 traces", got, st.Dropped)
	}
	close(block.release)
	restore()
	goleak.VerifyNone(t)
}

func TestFullQueueDropsAndCounts(t *testing.T) {
	block := &blockingDest{release: make(chan struct{})}
	var logs bytes.Buffer
	restore, err := sdk.Override(sdk.WithDestinations(block), sdk.WithQueueSize(1),
		sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	runTraces(100)
	st := sdk.GetStats()
	// At most: 1 in the destination, 1 in its queue, 1 being assembled, 1 in the main queue.
	if st.Dropped < 96 {
		t.Errorf("dropped %d of 100 with queues of 1", st.Dropped)
	}
	close(block.release)
	restore() // the export goroutines are done writing to logs after this
	if n := strings.Count(logs.String(), "agentlens: tracing failure"); n > 2 {
		t.Errorf("drops logged %d times, want once per kind:\n%s", n, logs.String())
	}
}

func TestShutdownLeavesNoGoroutine(t *testing.T) {
	mem := sdk.NewMemoryDestination()
	if err := sdk.Configure(sdk.WithDestinations(mem), sdk.WithTraceTimeout(time.Second)); err != nil {
		t.Fatal(err)
	}
	runTraces(5)
	if err := sdk.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(mem.Traces()) != 5 {
		t.Errorf("Shutdown lost traces: %d of 5", len(mem.Traces()))
	}
	goleak.VerifyNone(t)
}

type shutdownDest struct {
	sdk.MemoryDestination
	shut atomic.Bool
}

func (d *shutdownDest) Shutdown(context.Context) error { d.shut.Store(true); return nil }

func TestShutdownStopsDestinations(t *testing.T) {
	d := &shutdownDest{}
	if err := sdk.Configure(sdk.WithDestinations(d)); err != nil {
		t.Fatal(err)
	}
	runTraces(1)
	if err := sdk.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !d.shut.Load() || len(d.Traces()) != 1 {
		t.Errorf("destination shut=%v traces=%d", d.shut.Load(), len(d.Traces()))
	}
}

func TestCaptureContentOff(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithCaptureContent(false))
	f := core.Func("f", func(_ context.Context, q string) (string, error) { return "secret answer", nil })
	ctx, root := core.StartSpan(context.Background(), "root", core.WithInputs("secret prompt"))
	_, _ = f(ctx, "secret question")
	for range core.Seq(ctx, "stream", slices.Values([]string{"secret", "chunk"})) {
	}
	root.SetOutputs("secret output")
	root.SetTokenUsage(core.TokenUsage{InputTokens: 3, OutputTokens: 4})
	root.End()
	tr := rec.LastTrace()
	b, _ := json.Marshal(tr)
	if strings.Contains(string(b), "secret") {
		t.Fatalf("content recorded with capture off: %s", b)
	}
	if got, want := agtest.Tree(tr), "UNKNOWN root OK\n  UNKNOWN f OK\n  UNKNOWN stream OK\n"; got != want {
		t.Errorf("tree:\n%s", got)
	}
	if n := len(tr.SearchSpans(core.SpanQuery{Name: "stream"})[0].Events); n != 2 {
		t.Errorf("chunk events without values: %d, want 2", n)
	}
	if tr.Info.Metadata["mlflow.trace.tokenUsage"] == "" {
		t.Error("token usage lost with capture off")
	}
}

func TestCaptureContentFromEnv(t *testing.T) {
	t.Setenv(sdk.EnvCaptureContent, "false")
	mem := sdk.NewMemoryDestination()
	if err := sdk.Configure(sdk.WithDestinations(mem)); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sdk.Shutdown(context.Background()) }()
	_, s := core.StartSpan(context.Background(), "r", core.WithInputs("secret"))
	s.End()
	_ = sdk.Flush(context.Background())
	if in := mem.Traces()[0].RootSpan().Inputs(); in != nil {
		t.Errorf("inputs recorded: %s", in)
	}
	t.Setenv(sdk.EnvCaptureContent, "maybe")
	if err := sdk.Configure(); err == nil || !strings.Contains(err.Error(), sdk.EnvCaptureContent) {
		t.Errorf("bad env value: err = %v", err)
	}
}

func TestPayloadCap(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithMaxPayloadBytes(100))
	long := strings.Repeat("é", 500)
	_, s := core.StartSpan(context.Background(), "big", core.WithInputs(map[string]any{"text": long}))
	s.SetAttribute("note", long)
	s.SetOutputs("short")
	s.End()
	root := rec.LastTrace().RootSpan()
	in := string(root.Inputs())
	var text string
	if err := json.Unmarshal([]byte(in), &text); err != nil {
		t.Fatalf("capped inputs are not a JSON string: %s", in)
	}
	if len(in) > 100 || !strings.Contains(text, "truncated") || !strings.Contains(text, "1011 bytes total") {
		t.Errorf("capped inputs = %s (%d bytes)", in, len(in))
	}
	// The cap bounds the stored value (the JSON string), and the marker counts JSON bytes,
	// as it does for inputs.
	var note string
	_ = json.Unmarshal([]byte(root.Attributes["note"]), &note)
	if stored := root.Attributes["note"]; len(stored) > 100 || !strings.HasSuffix(note, "...[truncated, 1002 bytes total]") {
		t.Errorf("capped attribute = %s (%d bytes)", stored, len(stored))
	}
	if string(root.Outputs()) != `"short"` {
		t.Errorf("short value changed: %s", root.Outputs())
	}
}

func TestRedactionHook(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithRedaction(func(s *tracedata.Span) {
		if s.Name == "login" {
			s.Attributes["mlflow.spanInputs"] = `"[redacted]"`
			delete(s.Attributes, "password")
		}
	}))
	ctx, root := core.StartSpan(context.Background(), "login", core.WithInputs("hunter2"),
		core.WithAttributes(map[string]any{"password": "hunter2"}))
	_, c := core.StartSpan(ctx, "other", core.WithInputs("keep"))
	c.End()
	root.End()
	tr := rec.LastTrace()
	b, _ := json.Marshal(tr)
	if strings.Contains(string(b), "hunter2") {
		t.Fatalf("redacted content exported: %s", b)
	}
	if tr.Info.RequestPreview != "[redacted]" {
		t.Errorf("preview computed before redaction: %q", tr.Info.RequestPreview)
	}
	if string(tr.SearchSpans(core.SpanQuery{Name: "other"})[0].Inputs()) != `"keep"` {
		t.Error("hook changed another span")
	}
}

// The status message and the exception event carry the error's text: the hook can redact
// both.
func TestRedactionHookSeesTheStatus(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithRedaction(func(s *tracedata.Span) {
		s.Status.Message = strings.ReplaceAll(s.Status.Message, "hunter2", "[redacted]")
		for i := range s.Events {
			if m, ok := s.Events[i].Attributes["exception.message"].(string); ok {
				s.Events[i].Attributes["exception.message"] = strings.ReplaceAll(m, "hunter2", "[redacted]")
			}
		}
	}))
	_, span := core.StartSpan(context.Background(), "login")
	span.RecordError(errors.New("bad password hunter2"))
	span.End()
	tr := rec.LastTrace()
	b, _ := json.Marshal(tr)
	if strings.Contains(string(b), "hunter2") {
		t.Fatalf("redacted content exported: %s", b)
	}
	if got := tr.RootSpan().Status.Message; got != "errors.errorString: bad password [redacted]" {
		t.Errorf("status message = %q", got)
	}
}

func TestRedactionHookPanicDropsTrace(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithRedaction(func(*tracedata.Span) { panic("hook bug") }),
		sdk.WithLogger(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))))
	runTraces(1)
	if n := len(rec.Traces()); n != 0 {
		t.Fatalf("trace exported though its redaction failed")
	}
	if st := sdk.GetStats(); st.Dropped != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestTraceJSONRoundTripFromCore(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "root", core.WithInputs(map[string]any{"q": "x"}))
	for range core.Seq(ctx, "stream", slices.Values([]string{"a", "b"})) {
	}
	_, c := core.StartSpan(ctx, "child")
	c.AddEvent("custom", map[string]any{"n": 3, "f": 2.0, "s": "v", "list": []string{"a"}, "ok": true})
	c.RecordError(errors.New("bad"))
	c.End()
	root.End()
	tr := rec.LastTrace()
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	var back tracedata.Trace
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*tr, back) {
		t.Fatalf("round trip changed the trace:\n%+v\n%+v", *tr, back)
	}
	if n := len(back.SearchSpans(core.SpanQuery{Name: "stream"})[0].Events); n != 2 {
		t.Errorf("events lost: %d", n)
	}
}

func TestConsoleDestination(t *testing.T) {
	var out bytes.Buffer
	restore, err := sdk.Override(sdk.WithDestinations(sdk.NewConsoleDestination(&out)))
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	ctx, root := core.StartSpan(context.Background(), "pipeline\x1b[31m")
	_, a := core.StartSpan(ctx, "a")
	a.End()
	bctx, b := core.StartSpan(ctx, "b")
	_, c := core.StartSpan(bctx, "c")
	c.SetTokenUsage(core.TokenUsage{InputTokens: 1, OutputTokens: 1})
	c.End()
	b.End()
	root.End()
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("output:\n%s", out.String())
	}
	if strings.Contains(out.String(), "\x1b") || !strings.Contains(lines[0], `pipeline\x1b[31m`) {
		t.Errorf("escape sequence not neutralised:\n%q", out.String())
	}
	prefixes := []string{"trace tr-", "└─ UNKNOWN pipeline", "   ├─ UNKNOWN a OK", "   └─ UNKNOWN b OK", "      └─ UNKNOWN c OK"}
	for i, p := range prefixes {
		if !strings.HasPrefix(lines[i], p) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], p)
		}
	}
	if !strings.HasSuffix(lines[4], "tokens=2") || !strings.HasSuffix(lines[0], "tokens=2") {
		t.Errorf("token usage missing:\n%s", out.String())
	}
}

// A trace timeout the SDK cannot honour is a configuration error naming the variable, as a
// bad sampling ratio is, rather than silently no timeout.
func TestTraceTimeoutFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"30", true}, {"0.5", true}, {"0", true}, {" 3600 ", true},
		{"-1", false}, {"NaN", false}, {"Inf", false}, {"-Inf", false}, {"1e300", false}, {"soon", false},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv(sdk.EnvTraceTimeout, tc.value)
			err := sdk.Configure(sdk.WithDestinations(sdk.NewMemoryDestination()))
			defer func() { _ = sdk.Shutdown(context.Background()) }()
			if tc.ok && err != nil {
				t.Errorf("err = %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), sdk.EnvTraceTimeout)) {
				t.Errorf("err = %v, want one naming %s", err, sdk.EnvTraceTimeout)
			}
		})
	}
	t.Setenv(sdk.EnvSamplingRatio, "NaN")
	if err := sdk.Configure(); err == nil || !strings.Contains(err.Error(), sdk.EnvSamplingRatio) {
		t.Errorf("NaN sampling ratio: err = %v", err)
	}
}

// The error handler receives every failure, not only the logged ones.
func TestErrorHandlerReceivesEveryFailure(t *testing.T) {
	var mu sync.Mutex
	var kinds []string
	bad := &failingDest{}
	restore, err := sdk.Override(sdk.WithDestinations(bad),
		sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		sdk.WithErrorHandler(func(kind string, err error) {
			mu.Lock()
			defer mu.Unlock()
			kinds = append(kinds, kind+": "+err.Error())
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	runTraces(3)
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(kinds) != 3 {
		t.Fatalf("handler saw %d failures, want 3: %q", len(kinds), kinds)
	}
	for _, k := range kinds {
		if !strings.HasPrefix(k, "export *sdk_test.failingDest: ") || !strings.Contains(k, "backend down") {
			t.Errorf("failure %q", k)
		}
	}
}

type panickingShutdown struct{ sdk.MemoryDestination }

func (*panickingShutdown) Shutdown(context.Context) error { panic("shutdown bug") }

// A destination whose Shutdown panics makes Shutdown return an error, not crash.
func TestDestinationShutdownPanic(t *testing.T) {
	if err := sdk.Configure(sdk.WithDestinations(&panickingShutdown{})); err != nil {
		t.Fatal(err)
	}
	err := sdk.Shutdown(context.Background())
	if err == nil || !strings.Contains(err.Error(), "shutdown bug") {
		t.Errorf("Shutdown = %v, want the panic as an error", err)
	}
}

// The counters of a configuration stay readable after Shutdown, until the next one.
func TestStatsAfterShutdown(t *testing.T) {
	if err := sdk.Configure(sdk.WithDestinations(&failingDest{}),
		sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))); err != nil {
		t.Fatal(err)
	}
	runTraces(2)
	if err := sdk.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := sdk.GetStats(); st.Failed != 2 || st.InternalErrors != 2 {
		t.Errorf("stats after Shutdown = %+v, want 2 failed", st)
	}
	restore, err := sdk.Override(sdk.WithDestinations(sdk.NewMemoryDestination()))
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	if st := sdk.GetStats(); st.Exported != 0 || st.Failed != 0 || st.InternalErrors != 0 {
		t.Errorf("stats of a new configuration = %+v", st)
	}
}
