package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// binary is the agentlens command built once by TestMain; the tests run it as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "agentlens-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "agentlens")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building agentlens:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// base is the start of the first fixture trace; the others start an hour apart.
var base = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

const escapedName = "chat \x1b[31mred\x1b[0m"

// fixture is a store holding three traces made through core:
//
//	answer   "answer question"  OK     base      1.5s  42 tokens  CHAIN > RETRIEVER, CHAT_MODEL
//	weather  "lookup weather"   ERROR  base+1h   250ms            AGENT > TOOL (error)
//	chat     escapedName        OK     base+2h   3.2s  12 tokens  CHAT_MODEL
type fixture struct {
	path string
	ids  map[string]string // trace id by fixture name
}

func at(d time.Duration) time.Time { return base.Add(d) }

func newFixture(t *testing.T) fixture {
	t.Helper()
	rec := tracetest.Capture(t)
	c := core.NewClient()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]string{}

	// answer question: a chain with a retriever and a model call.
	ctx, root := core.StartSpan(context.Background(), "answer question", core.WithSpanType(spantypes.Chain),
		core.WithStartTime(at(0)), core.WithInputs(map[string]any{"question": "what is agentlens?"}))
	tid := root.TraceID()
	ids["answer"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "prod"}, SessionID: "session-42"})
	_, ret := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever),
		core.WithStartTime(at(100*time.Millisecond)), core.WithInputs(map[string]any{"query": "agentlens"}))
	must(c.EndSpan(tid, ret.SpanID(), core.WithOutputs([]string{"doc one", "doc two"}),
		core.WithEndTime(at(400*time.Millisecond))))
	_, gen := core.StartSpan(ctx, "generate", core.WithSpanType(spantypes.ChatModel),
		core.WithStartTime(at(500*time.Millisecond)),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": "what is agentlens?"}}}))
	gen.SetTokenUsage(core.TokenUsage{InputTokens: 30, OutputTokens: 12})
	must(c.EndSpan(tid, gen.SpanID(), core.WithOutputs("agentlens records Go agent runs as MLflow traces"),
		core.WithEndTime(at(1400*time.Millisecond))))
	must(c.EndTrace(tid, core.WithOutputs("agentlens records Go agent runs as MLflow traces"),
		core.WithEndTime(at(1500*time.Millisecond))))

	// lookup weather: an agent whose tool failed.
	ctx, root = core.StartSpan(context.Background(), "lookup weather", core.WithSpanType(spantypes.Agent),
		core.WithStartTime(at(time.Hour)), core.WithInputs("weather in Paris?"))
	tid = root.TraceID()
	ids["weather"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "dev"}})
	_, tool := core.StartSpan(ctx, "get_weather", core.WithSpanType(spantypes.Tool),
		core.WithStartTime(at(time.Hour+10*time.Millisecond)), core.WithInputs(map[string]any{"city": "Paris"}))
	must(c.EndSpan(tid, tool.SpanID(), core.WithStatus(tracedata.StatusError, "timeout talking to weather api"),
		core.WithEndTime(at(time.Hour+240*time.Millisecond))))
	must(c.EndTrace(tid, core.WithStatus(tracedata.StatusError, "tool failed"),
		core.WithEndTime(at(time.Hour+250*time.Millisecond))))

	// chat: one model span whose name and input carry terminal escape sequences.
	ctx, root = core.StartSpan(context.Background(), escapedName, core.WithSpanType(spantypes.ChatModel),
		core.WithStartTime(at(2*time.Hour)),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": "say hi\x1b[2J"}}}))
	tid = root.TraceID()
	ids["chat"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "staging"}})
	root.SetTokenUsage(core.TokenUsage{InputTokens: 5, OutputTokens: 7})
	must(c.EndTrace(tid, core.WithOutputs("hi"), core.WithEndTime(at(2*time.Hour+3200*time.Millisecond))))

	traces := rec.Traces()
	if len(traces) != 3 {
		t.Fatalf("captured %d traces, want 3", len(traces))
	}
	path := filepath.Join(t.TempDir(), "traces.db")
	st, err := store.Open(path)
	must(err)
	for _, tr := range traces {
		must(st.Export(context.Background(), tr))
	}
	must(st.Close())
	return fixture{path: path, ids: ids}
}

type result struct {
	stdout, stderr string
	code           int
}

// agentlens runs the binary with stdin and args; env adds variables (TZ=UTC is always set,
// AGENTLENS_STORE always cleared first).
func agentlens(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(cleanEnv(), "TZ=UTC")
	cmd.Env = append(cmd.Env, env...)
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running agentlens %q: %v", args, err)
	}
	return result{out.String(), errOut.String(), code}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AGENTLENS_STORE=") && !strings.HasPrefix(kv, "TZ=") {
			env = append(env, kv)
		}
	}
	return env
}

// run runs agentlens against the fixture's store and fails the test on an unexpected exit code.
func (f fixture) run(t *testing.T, wantCode int, stdin string, args ...string) result {
	t.Helper()
	r := agentlens(t, stdin, nil, append([]string{"--store", f.path}, args...)...)
	if r.code != wantCode {
		t.Fatalf("agentlens %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, wantCode, r.stdout, r.stderr)
	}
	return r
}
