package instrument

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestWarnOnceNamesTheImport(t *testing.T) {
	var logs bytes.Buffer
	l := slog.New(slog.NewTextHandler(&logs, nil))
	warnOnce(l, "test.Autolog")
	warnOnce(l, "test.Autolog")
	if n := strings.Count(logs.String(), "test.Autolog records nothing"); n != 1 {
		t.Errorf("warned %d times, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `github.com/agentlens/agentlens/core/sdk`) {
		t.Errorf("the warning does not name the SDK's import path:\n%s", logs.String())
	}
}
