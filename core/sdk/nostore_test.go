//go:build agentlens_nostore

package sdk_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
)

// Built with -tags agentlens_nostore, the SDK has no local store: asking for one is an error
// that says why, and traces go to the destinations given.
func TestWithoutTheStore(t *testing.T) {
	err := sdk.Configure(sdk.WithStore(filepath.Join(t.TempDir(), "traces.db")))
	if err == nil || !strings.Contains(err.Error(), "agentlens_nostore") {
		t.Fatalf("Configure with a store = %v, want an error naming the build tag", err)
	}
	mem := sdk.NewMemoryDestination()
	if err := sdk.Configure(sdk.WithDestinations(mem)); err != nil {
		t.Fatal(err)
	}
	defer sdk.Shutdown(context.Background())
	_, s := core.StartSpan(context.Background(), "elsewhere")
	s.End()
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ts := mem.Traces(); len(ts) != 1 || ts[0].RootSpan().Name != "elsewhere" {
		t.Errorf("%d traces in the destination", len(ts))
	}
}
