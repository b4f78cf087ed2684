package live

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// A kind is logged the first time, then at most once per LogInterval with the number of
// failures only counted since; other kinds have limits of their own; every failure is
// counted and reaches the handler.
func TestFailRateLimitsPerKind(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now = func() time.Time { return clock }
	defer func() { now = time.Now }()
	var logs bytes.Buffer
	var handled []string
	rt := NewRuntime(Settings{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		OnError: func(kind string, err error) { handled = append(handled, kind+": "+err.Error()) }}, nil)

	lines := func() []string { return strings.Split(strings.TrimSpace(logs.String()), "\n") }
	rt.Fail("a", "first %d", 1)
	rt.Fail("a", "second")
	rt.Fail("a", "third")
	rt.Fail("b", "other kind")
	if got := lines(); len(got) != 2 || !strings.Contains(got[0], "error=\"first 1\"") || !strings.Contains(got[1], "kind=b") {
		t.Fatalf("log after 4 failures:\n%s", logs.String())
	}
	clock = clock.Add(LogInterval)
	rt.Fail("a", "fourth")
	got := lines()
	if len(got) != 3 || !strings.Contains(got[2], "error=fourth") || !strings.Contains(got[2], "unlogged_since_last=2") {
		t.Fatalf("log a minute later:\n%s", logs.String())
	}
	if n := rt.Stats.Internal.Load(); n != 5 {
		t.Errorf("counted %d failures, want 5", n)
	}
	want := []string{"a: first 1", "a: second", "a: third", "b: other kind", "a: fourth"}
	if strings.Join(handled, "|") != strings.Join(want, "|") {
		t.Errorf("handler saw %q, want %q", handled, want)
	}
}

// A handler that panics is logged; tracing goes on.
func TestFailHandlerPanics(t *testing.T) {
	var logs bytes.Buffer
	rt := NewRuntime(Settings{Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		OnError: func(string, error) { panic("handler bug") }}, nil)
	rt.Fail("k", "%w", errors.New("boom"))
	if !strings.Contains(logs.String(), "the error handler panicked") || !strings.Contains(logs.String(), "handler bug") {
		t.Errorf("log:\n%s", logs.String())
	}
}
