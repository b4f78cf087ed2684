package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

func openTemp(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "dir", "traces.db") // directories are created
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

func TestExportGetRoundTrip(t *testing.T) {
	st, _ := openTemp(t)
	want := handMadeTrace("tr-roundtrip", 3)
	want.Spans[1].Events = []tracedata.Event{{Name: "mlflow.chunk.item.0", TimeUnixNano: 7, Attributes: map[string]any{"mlflow.chunk.value": `"a"`}}}
	if err := st.Export(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetTrace(context.Background(), "tr-roundtrip")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the trace:\ngot  %+v\nwant %+v", got, want)
	}
	// Exporting the same id again replaces the trace.
	want.Info.State = tracedata.StateError
	want.Spans = want.Spans[:1]
	if err := st.Export(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	got, _ = st.GetTrace(context.Background(), "tr-roundtrip")
	if got.Info.State != tracedata.StateError || len(got.Spans) != 1 {
		t.Errorf("re-export did not replace: %+v", got.Info)
	}
	if _, err := st.GetTrace(context.Background(), "tr-nope"); !errors.Is(err, tracedata.ErrTraceNotFound) || !strings.Contains(err.Error(), "tr-nope") {
		t.Errorf("unknown id: %v", err)
	}
}

func TestOpenRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("garbage!"), 1024), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", other)
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, _ = sql.Open("sqlite", newer)
	if _, err := db.Exec(`UPDATE agentlens_schema SET version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, tt := range []struct{ path, want string }{
		{garbage, "not an agentlens store, or corrupt"},
		{other, "not an agentlens store"},
		{newer, "newer agentlens (schema version 99"},
		{filepath.Join(garbage, "x.db"), "not a directory"},
		{dir, "is a directory"},
	} {
		_, err := store.Open(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%s) = %v, want an error naming it and saying %q", filepath.Base(tt.path), err, tt.want)
		}
	}
	// Read-only opens say the same, and also refuse an empty file.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{garbage, "not an agentlens store, or corrupt"},
		{other, "not an agentlens store"},
		{newer, "newer agentlens (schema version 99"},
		{empty, "not an agentlens store"},
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.db"), "no such file"},
	} {
		_, err := store.OpenReadOnly(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("OpenReadOnly(%s) = %v, want an error naming it and saying %q", filepath.Base(tt.path), err, tt.want)
		}
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("OpenReadOnly wrote to the empty file: %v %v", fi, err)
	}
}

// A read-only open reads what a writing one wrote, and cannot write.
func TestOpenReadOnly(t *testing.T) {
	st, path := openTemp(t)
	if err := st.Export(context.Background(), handMadeTrace("tr-ro", 1)); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	tr, err := ro.GetTrace(context.Background(), "tr-ro")
	if err != nil || tr.Info.TraceID != "tr-ro" {
		t.Fatalf("GetTrace = %v, %v", tr, err)
	}
	if err := ro.SetTraceTag(context.Background(), "tr-ro", "k", "v"); err == nil {
		t.Error("a read-only store took a tag")
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	st, path := openTemp(t)
	if err := st.Export(context.Background(), handMadeTrace("tr-keep", 1)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st2, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if _, err := st2.GetTrace(context.Background(), "tr-keep"); err != nil {
		t.Error(err)
	}
}

func TestTags(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	if err := st.Export(ctx, handMadeTrace("tr-tags", 1)); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTraceTag(ctx, "tr-tags", "reviewed", "yes"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTraceTag(ctx, "tr-tags", "env", "staging"); err != nil { // replaces
		t.Fatal(err)
	}
	if err := st.DeleteTraceTag(ctx, "tr-tags", "mlflow.traceName"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.GetTrace(ctx, "tr-tags")
	if want := map[string]string{"reviewed": "yes", "env": "staging"}; !reflect.DeepEqual(got.Info.Tags, want) {
		t.Errorf("tags = %v, want %v", got.Info.Tags, want)
	}
	if err := st.DeleteTraceTag(ctx, "tr-tags", "absent"); err == nil || !strings.Contains(err.Error(), `"absent"`) {
		t.Errorf("deleting a missing tag: %v", err)
	}
	if err := st.SetTraceTag(ctx, "tr-unknown", "k", "v"); !errors.Is(err, tracedata.ErrTraceNotFound) {
		t.Errorf("tagging an unknown trace: %v", err)
	}
	// Metadata is immutable: there is no API for it, and tags do not touch it.
	if got.Info.Metadata["mlflow.trace_schema.version"] != "3" {
		t.Errorf("metadata = %v", got.Info.Metadata)
	}
}

func TestDeleteTraces(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	var batch []*tracedata.Trace
	for i := range 10 {
		tr := handMadeTrace(fmt.Sprintf("tr-del-%02d", i), 2)
		tr.Info.TimestampMS = int64(1000 * (i + 1))
		batch = append(batch, tr)
	}
	if err := st.ExportBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		res, err := st.SearchTraces(ctx, store.SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Traces)
	}
	// By age, oldest first, capped.
	n, err := st.DeleteTraces(ctx, store.DeleteOptions{MaxTimestampMillis: 6000, MaxTraces: 2})
	if err != nil || n != 2 {
		t.Fatalf("delete by age = %d, %v", n, err)
	}
	for _, id := range []string{"tr-del-00", "tr-del-01"} {
		if _, err := st.GetTrace(ctx, id); err == nil {
			t.Errorf("%s survived", id)
		}
	}
	n, _ = st.DeleteTraces(ctx, store.DeleteOptions{MaxTimestampMillis: 6000})
	if n != 4 || count() != 4 {
		t.Errorf("delete by age without cap = %d, %d left", n, count())
	}
	n, err = st.DeleteTraces(ctx, store.DeleteOptions{TraceIDs: []string{"tr-del-09", "tr-del-08", "tr-missing"}})
	if err != nil || n != 2 || count() != 2 {
		t.Errorf("delete by ids = %d, %v, %d left", n, err, count())
	}
	// Span and tag rows go with their traces.
	res, _ := st.SearchTraces(ctx, store.SearchOptions{Filter: "span.name = 'span-1'"})
	if len(res.Traces) != 2 {
		t.Errorf("span rows of deleted traces remain: %d matches", len(res.Traces))
	}
	for _, bad := range []store.DeleteOptions{
		{},
		{MaxTimestampMillis: 1, TraceIDs: []string{"x"}},
		{TraceIDs: []string{"x"}, MaxTraces: 1},
		{MaxTimestampMillis: 1, MaxTraces: -1},
	} {
		if _, err := st.DeleteTraces(ctx, bad); err == nil {
			t.Errorf("DeleteTraces(%+v) accepted", bad)
		}
	}
}

func TestExperiments(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	a, err := st.EnsureExperiment(ctx, "agents")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := st.EnsureExperiment(ctx, "agents")
	b, _ := st.EnsureExperiment(ctx, "evals")
	if a != again || a.ID == b.ID || a.ID == store.DefaultExperimentID {
		t.Errorf("experiments: %+v %+v %+v", a, again, b)
	}
	for _, key := range []string{a.ID, "agents"} {
		if got, err := st.LookupExperiment(ctx, key); err != nil || got != a {
			t.Errorf("LookupExperiment(%q) = %+v, %v", key, got, err)
		}
	}
	if got, _ := st.LookupExperiment(ctx, "Default"); got.ID != "0" {
		t.Errorf("default experiment = %+v", got)
	}
	if _, err := st.LookupExperiment(ctx, "nope"); !errors.Is(err, store.ErrExperimentNotFound) {
		t.Errorf("unknown experiment: %v", err)
	}
	tr := handMadeTrace("tr-exp", 1)
	tr.Info.ExperimentID = a.ID
	_ = st.Export(ctx, tr)
	res, _ := st.SearchTraces(ctx, store.SearchOptions{ExperimentIDs: []string{a.ID}})
	other, _ := st.SearchTraces(ctx, store.SearchOptions{ExperimentIDs: []string{b.ID}})
	if len(res.Traces) != 1 || len(other.Traces) != 0 {
		t.Errorf("experiment filter: %d / %d", len(res.Traces), len(other.Traces))
	}
}

func TestOpenPathsWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a?b.db", "c#d.db", "e%41.db", "with space.db"} {
		path := filepath.Join(dir, name)
		st, err := store.Open(path)
		if err != nil {
			t.Fatalf("Open(%q): %v", name, err)
		}
		if err := st.Export(context.Background(), handMadeTrace("tr-"+fmt.Sprint(len(name)), 1)); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("Open(%q) wrote another file: %v", name, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".db") && !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			t.Errorf("stray file %q", e.Name())
		}
	}
}

func TestOpenExisting(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := store.OpenExisting(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("OpenExisting(missing) = %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("OpenExisting created the file")
	}
	_, path := openTemp(t)
	st, err := store.OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

func TestTagBatchesAreAllOrNothing(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	_ = st.Export(ctx, handMadeTrace("tr-batch", 1))
	if err := st.SetTraceTags(ctx, "tr-batch", map[string]string{"a": "1", "b": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTraceTags(ctx, "tr-batch", map[string]string{"c": "3", "": "x"}); err == nil {
		t.Error("empty key accepted")
	}
	err := st.DeleteTraceTags(ctx, "tr-batch", "a", "missing")
	if err == nil || !strings.Contains(err.Error(), `"missing"`) {
		t.Fatalf("DeleteTraceTags with a missing key = %v", err)
	}
	got, _ := st.GetTrace(ctx, "tr-batch")
	if got.Info.Tags["a"] != "1" || got.Info.Tags["b"] != "2" || got.Info.Tags["c"] != "" {
		t.Errorf("tags = %v; a failed batch changed something", got.Info.Tags)
	}
}

func TestSearchErrorsAreTyped(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	_, err := st.SearchTraces(ctx, store.SearchOptions{PageToken: "not-a-token"})
	if !errors.Is(err, store.ErrInvalidPageToken) {
		t.Errorf("bad page token: %v", err)
	}
	_, err = st.SearchTraces(ctx, store.SearchOptions{OrderBy: []string{"colour"}})
	var fe *store.FilterError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), `invalid order-by "colour" at position 0`) {
		t.Errorf("bad order-by: %v", err)
	}
}

// TestConcurrentOpenOfNewStore: programs starting at once on a store that does not exist yet
// all open it; none fails because another is creating it.
func TestConcurrentOpenOfNewStore(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("new-%d.db", round))
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := store.Open(path)
				if err == nil {
					err = st.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, opener %d: %v", round, i, err)
			}
		}
	}
}

// TestStoreUsesWAL: a new store file is in WAL mode (several processes may write it): the
// SQLite header's file format versions (bytes 18 and 19) are 2 in WAL mode, 1 otherwise.
func TestStoreUsesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(head) < 20 || head[18] != 2 || head[19] != 2 {
		t.Fatalf("file format versions %v, want [2 2] (WAL)", head[18:20])
	}
}

// One batch may hold the parts of a trace (a child part from another process, then the root
// part), a part of a trace stored earlier, and more rows than one statement takes: every
// trace comes out whole, its parts merged, and the others intact.
func TestExportBatchMergesPartsAndKeepsEveryRow(t *testing.T) {
	ctx := context.Background()
	st, _ := openTemp(t)
	earlier := handMadeTrace("tr-earlier", 3)
	whole := handMadeTrace("tr-parts", 4)
	for _, tr := range []*tracedata.Trace{earlier, whole} { // the merge orders spans by start
		for i := range tr.Spans {
			tr.Spans[i].StartTimeUnixNano += int64(i)
		}
	}
	earlierChild := *earlier
	earlierChild.Spans = []tracedata.Span{earlier.Spans[2]}
	require.NoError(t, st.Export(ctx, &earlierChild))

	child, root := *whole, *whole
	child.Spans = whole.Spans[3:]
	child.Info.Tags = map[string]string{"from": "callee"}
	root.Spans = whole.Spans[:3]
	earlierRoot := *earlier
	earlierRoot.Spans = earlier.Spans[:2]
	batch := []*tracedata.Trace{&child}
	for i := range 200 { // 2,000 span rows: several statements' worth
		batch = append(batch, handMadeTrace(fmt.Sprintf("tr-bulk-%03d", i), 10))
	}
	batch = append(batch, &root, &earlierRoot)
	require.NoError(t, st.ExportBatch(ctx, batch))

	got, err := st.GetTrace(ctx, "tr-parts")
	require.NoError(t, err)
	require.Equal(t, whole.Spans, got.Spans)
	require.Equal(t, map[string]string{"from": "callee", "mlflow.traceName": "root", "env": "prod"}, got.Info.Tags)
	got, err = st.GetTrace(ctx, "tr-earlier")
	require.NoError(t, err)
	require.Equal(t, earlier.Spans, got.Spans)
	for _, id := range []string{"tr-bulk-000", "tr-bulk-117", "tr-bulk-199"} {
		got, err := st.GetTrace(ctx, id)
		require.NoError(t, err)
		require.Len(t, got.Spans, 10, id)
		require.Equal(t, "prod", got.Info.Tags["env"], id)
		require.Equal(t, "3", got.Info.Metadata[spantypes.MetaSchemaVersion], id)
	}
	res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: "span.name = 'span-9'", MaxResults: 1000})
	require.NoError(t, err)
	require.Len(t, res.Traces, 200)
	res, err = st.SearchTraces(ctx, store.SearchOptions{MaxResults: 1000})
	require.NoError(t, err)
	require.Len(t, res.Traces, 202)
}

// A store written before span searches stopped using name and type indexes loses them on
// its first open by a writer, and keeps its traces.
func TestMigrationDropsSpanNameAndTypeIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v3.db")
	st, err := store.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.Export(ctx, handMadeTrace("tr-v3", 3)))
	st.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE INDEX spans_name ON spans (name); CREATE INDEX spans_type ON spans (type);
		UPDATE agentlens_schema SET version = 3`)
	require.NoError(t, err)
	indexes := func() (n int) {
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('spans_name', 'spans_type')`).Scan(&n))
		return n
	}
	require.Equal(t, 2, indexes())
	st, err = store.Open(path)
	require.NoError(t, err)
	defer st.Close()
	require.Equal(t, 0, indexes())
	var version int
	require.NoError(t, db.QueryRow(`SELECT version FROM agentlens_schema`).Scan(&version))
	require.Equal(t, 4, version)
	res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: "span.name = 'span-2'"})
	require.NoError(t, err)
	require.Len(t, res.Traces, 1)
}
