//go:build !agentlens_nostore

package sdk_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func configureStore(t *testing.T, path string, opts ...sdk.Option) {
	t.Helper()
	if err := sdk.Configure(append([]sdk.Option{sdk.WithStore(path)}, opts...)...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sdk.Shutdown(context.Background()) })
}

func TestTracesLandInTheStoreAndSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.db")
	configureStore(t, path)
	ctx, root := core.StartSpan(context.Background(), "stored", core.WithInputs("question"))
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "test"}})
	_, child := core.StartSpan(ctx, "step")
	child.End()
	root.End()
	id := root.TraceID()
	if err := sdk.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A new configuration (a new process, as far as the store knows) reads it back.
	configureStore(t, path)
	got, err := sdk.GetTrace(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if agtest.Tree(got) != "UNKNOWN stored OK\n  UNKNOWN step OK\n" || got.Info.Tags["env"] != "test" ||
		got.Info.RequestPreview != "question" {
		t.Errorf("stored trace = %s %+v", agtest.Tree(got), got.Info)
	}

	res, err := sdk.SearchTraces(context.Background(), store.SearchOptions{Filter: "tag.env = 'test'"})
	if err != nil || len(res.Traces) != 1 || res.Traces[0].TraceID != id {
		t.Fatalf("search = %+v, %v", res, err)
	}
	if err := sdk.SetTraceTag(context.Background(), id, "reviewed", "yes"); err != nil {
		t.Fatal(err)
	}
	if err := sdk.DeleteTraceTag(context.Background(), id, "env"); err != nil {
		t.Fatal(err)
	}
	got, _ = sdk.GetTrace(context.Background(), id)
	if got.Info.Tags["reviewed"] != "yes" || got.Info.Tags["env"] != "" {
		t.Errorf("tags = %v", got.Info.Tags)
	}
	n, err := sdk.DeleteTraces(context.Background(), store.DeleteOptions{TraceIDs: []string{id}})
	if err != nil || n != 1 {
		t.Fatalf("delete = %d, %v", n, err)
	}
	if _, err := sdk.GetTrace(context.Background(), id); !errors.Is(err, sdk.ErrTraceNotFound) {
		t.Errorf("deleted trace: err = %v", err)
	}
}

func TestExperimentNameFromEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.db")
	t.Setenv(sdk.EnvExperimentName, "checkout-agent")
	configureStore(t, path)
	_, s := core.StartSpan(context.Background(), "r")
	s.End()
	tr, err := sdk.GetTrace(context.Background(), s.TraceID())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Info.ExperimentID == "0" || tr.Info.ExperimentID == "" {
		t.Fatalf("experiment id = %q", tr.Info.ExperimentID)
	}
	res, err := sdk.SearchTraces(context.Background(), store.SearchOptions{ExperimentIDs: []string{tr.Info.ExperimentID}})
	if err != nil || len(res.Traces) != 1 {
		t.Errorf("search by experiment = %+v, %v", res, err)
	}
}

func TestCorruptStoreIsAConfigurationError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not sqlite at all "), 512), 0o644); err != nil {
		t.Fatal(err)
	}
	err := sdk.Configure(sdk.WithStore(path))
	if err == nil {
		_ = sdk.Shutdown(context.Background())
		t.Fatal("Configure accepted a corrupt store")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not an agentlens store, or corrupt") {
		t.Errorf("error = %v", err)
	}
}

func TestStoreFailingAtRunTimeNeverFailsTracedCode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traces.db")
	var logs bytes.Buffer
	configureStore(t, path, sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	runTraces(1)
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Break the store under the running program, as a full disk or a bad file would.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TABLE spans`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	got, err := core.Trace(context.Background(), "still works", func(context.Context) (int, error) { return 42, nil })
	runTraces(3)
	if got != 42 || err != nil {
		t.Fatalf("traced code changed: %d, %v", got, err)
	}
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := sdk.GetStats(); st.Failed != 4 || st.Exported != 1 {
		t.Errorf("stats = %+v, want 4 failed exports", st)
	}
	if n := strings.Count(logs.String(), "no such table"); n != 1 {
		t.Errorf("store failure logged %d times:\n%s", n, logs.String())
	}
	// Nothing finished is kept in memory: the trace the store could not take is not found.
	if _, err := sdk.GetTrace(context.Background(), sdk.LastActiveTraceID()); !errors.Is(err, sdk.ErrTraceNotFound) {
		t.Errorf("GetTrace after store failure: err = %v, want ErrTraceNotFound", err)
	}
}

func TestStoreFunctionsWithoutStore(t *testing.T) {
	agtest.Capture(t)
	_, err := sdk.SearchTraces(context.Background(), store.SearchOptions{})
	if !errors.Is(err, sdk.ErrNoStore) {
		t.Errorf("err = %v", err)
	}
}

// collect drains seq, for a traced iterator.
func collect(seq func(func(string) bool)) []string {
	var out []string
	for v := range seq {
		out = append(out, v)
	}
	return out
}

// Stream chunks reach the store without their attribute maps being built (the store encodes
// them as they are) and read back as ordinary events; a destination beside the store, and a
// redaction hook, get them filled in.
func TestChunkEventsReachEveryDestination(t *testing.T) {
	words := func(yield func(string) bool) {
		for _, w := range []string{"a", `"b"`} {
			if !yield(w) {
				return
			}
		}
	}
	checkChunks := func(t *testing.T, name string, sp *tracedata.Span) {
		t.Helper()
		if len(sp.Events) != 2 {
			t.Fatalf("%s: events %+v", name, sp.Events)
		}
		for i, want := range []string{`"a"`, `"\"b\""`} {
			ev := sp.Events[i]
			if ev.Name != fmt.Sprintf("mlflow.chunk.item.%d", i) || !reflect.DeepEqual(ev.Attributes, map[string]any{"mlflow.chunk.value": want}) {
				t.Errorf("%s: event %d = %+v, want value %s", name, i, ev, want)
			}
		}
	}
	stream := func(t *testing.T) string {
		t.Helper()
		if got := collect(core.Seq(context.Background(), "stream", words)); len(got) != 2 {
			t.Fatalf("stream gave %q", got)
		}
		if err := sdk.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		return sdk.LastActiveTraceID()
	}
	readBack := func(t *testing.T, id string) *tracedata.Trace {
		t.Helper()
		tr, err := sdk.GetTrace(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}

	t.Run("store only", func(t *testing.T) {
		configureStore(t, filepath.Join(t.TempDir(), "traces.db"))
		checkChunks(t, "store", &readBack(t, stream(t)).Spans[0])
	})
	t.Run("store and memory", func(t *testing.T) {
		mem := sdk.NewMemoryDestination()
		configureStore(t, filepath.Join(t.TempDir(), "traces.db"), sdk.WithDestinations(mem))
		id := stream(t)
		checkChunks(t, "store", &readBack(t, id).Spans[0])
		if got := mem.Traces(); len(got) != 1 {
			t.Fatalf("memory destination has %d traces", len(got))
		} else {
			checkChunks(t, "memory", &got[0].Spans[0])
		}
	})
	t.Run("redaction hook", func(t *testing.T) {
		var seen tracedata.Span
		configureStore(t, filepath.Join(t.TempDir(), "traces.db"),
			sdk.WithRedaction(func(s *tracedata.Span) { seen = *s }))
		id := stream(t)
		checkChunks(t, "hook", &seen)
		checkChunks(t, "store", &readBack(t, id).Spans[0])
	})
}

// Searching the local store waits for the store, not for a stuck destination beside it.
func TestStoreReadsDoNotWaitForOtherDestinations(t *testing.T) {
	stuck := newStuckDest()
	configureStore(t, filepath.Join(t.TempDir(), "traces.db"), sdk.WithDestinations(stuck), quiet)
	defer close(stuck.release)
	runTraces(3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := sdk.SearchTraces(ctx, store.SearchOptions{})
	require.NoError(t, err)
	assert.Len(t, res.Traces, 3)
}
