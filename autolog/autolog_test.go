package autolog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog"
)

func TestEnableDisable(t *testing.T) {
	var enabled []autolog.Config
	undone := 0
	autolog.Register("fake-test-adapter", func(cfg autolog.Config) func() {
		enabled = append(enabled, cfg)
		return func() { undone++ }
	})
	if !slices.Contains(autolog.Registered(), "fake-test-adapter") {
		t.Fatal("adapter not registered")
	}
	undo := autolog.Enable(autolog.WithCaptureContent(false))
	if len(enabled) != 1 || enabled[0].CaptureContent == nil || *enabled[0].CaptureContent {
		t.Fatalf("adapter enabled with %+v", enabled)
	}
	autolog.Enable() // again: the previous enabling is undone first
	if len(enabled) != 2 || undone != 1 || enabled[1].CaptureContent != nil {
		t.Fatalf("re-enable: %d enables, %d undos", len(enabled), undone)
	}
	undo()
	if undone != 2 {
		t.Errorf("undo ran %d adapter undos, want 2", undone)
	}
	autolog.Disable() // nothing left to undo
	if undone != 2 {
		t.Errorf("Disable after undo ran again")
	}
	defer func() {
		if recover() == nil {
			t.Error("duplicate registration did not panic")
		}
	}()
	autolog.Register("fake-test-adapter", func(autolog.Config) func() { return func() {} })
}

func TestEnableInNameOrderUndoInReverse(t *testing.T) {
	var log []string
	for _, name := range []string{"order-test-c", "order-test-a", "order-test-b"} {
		autolog.Register(name, func(autolog.Config) func() {
			log = append(log, "enable "+name)
			return func() { log = append(log, "undo "+name) }
		})
	}
	undo := autolog.Enable()
	undo()
	var got []string
	for _, l := range log {
		if strings.Contains(l, "order-test-") {
			got = append(got, l)
		}
	}
	want := []string{
		"enable order-test-a", "enable order-test-b", "enable order-test-c",
		"undo order-test-c", "undo order-test-b", "undo order-test-a",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
