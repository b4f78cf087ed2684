package eino_test

import (
	"net/http"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/autolog/eino"
)

// undoAutolog turns the global handler off; tests that trace with Autolog turn it on.
// eino's AppendGlobalHandlers must not run while eino runs, so the handler is installed
// here, once, before any test.
var undoAutolog = eino.Autolog()

// TestMain checks that no goroutine outlives the tests: every stream copy and event
// iterator the handler reads must be done once the runs are.
func TestMain(m *testing.M) {
	undoAutolog()
	code := m.Run()
	if code == 0 {
		http.DefaultTransport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
		if err := goleak.Find(); err != nil {
			println("goleak:", err.Error())
			code = 1
		}
	}
	os.Exit(code)
}
