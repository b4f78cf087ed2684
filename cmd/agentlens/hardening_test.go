package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// snapshot reads the store file and its WAL, if any.
func snapshot(t *testing.T, path string) []byte {
	t.Helper()
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + "-wal")
	return append(db, wal...)
}

// Commands that only read open the store read-only: the file is left byte for byte as it was.
func TestReadCommandsChangeNothing(t *testing.T) {
	f := newFixture(t)
	before := snapshot(t, f.path)
	f.run(t, 0, "", "traces", "list")
	f.run(t, 0, "", "traces", "list", "--json")
	f.run(t, 0, "", "traces", "show", f.ids["answer"])
	f.run(t, 0, "", "traces", "show", "--json", f.ids["answer"])
	if !bytes.Equal(before, snapshot(t, f.path)) {
		t.Error("a read-only command changed the store file")
	}
}

// A file that is not a store, an empty one included, is an error, and stays as it was.
func TestReadCommandsOnAFileThatIsNotAStore(t *testing.T) {
	for name, content := range map[string]string{"empty": "", "text": "hello\n"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "traces.db")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"traces", "list"}, {"traces", "show", "tr-00000000000000000000000000000000"}} {
				r := agentlens(t, "", nil, append([]string{"--store", path}, args...)...)
				if r.code == 0 || !strings.Contains(r.stderr, "not an agentlens store") {
					t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != content {
				t.Errorf("file now holds %d bytes (%v), want it unchanged", len(got), err)
			}
		})
	}
}

// hostileStore holds one trace whose id, name and text carry characters a terminal would
// act on, and a span name of 1 MB.
func hostileStore(t *testing.T, id string) string {
	t.Helper()
	now := time.Now()
	huge := strings.Repeat("n", 1<<20)
	tr := &tracedata.Trace{Info: tracedata.TraceInfo{
		TraceID: id, ExperimentID: "0", TimestampMS: now.UnixMilli(), ExecutionTimeMS: 1, State: tracedata.StateOK,
		RequestPreview: "del\x7f c1\u009b rlo\u202e alm\u061c tag\U000e0041",
		Metadata:       map[string]string{spantypes.MetaSchemaVersion: "3"},
		Tags:           map[string]string{spantypes.TagTraceName: huge},
	}, Spans: []tracedata.Span{{TraceID: id, SpanID: "0000000000000001", Name: huge,
		StartTimeUnixNano: now.UnixNano(), EndTimeUnixNano: now.UnixNano() + 1000,
		Status:     tracedata.Status{Code: tracedata.StatusOK},
		Attributes: map[string]string{spantypes.KeySpanInputs: `"alm\u061c"`}}}}
	path := filepath.Join(t.TempDir(), "traces.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Export(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHostileTextIsEscapedAndCut(t *testing.T) {
	id := "tr-\x1b]0;pwned\x07"
	path := hostileStore(t, id)
	run := func(args ...string) result {
		t.Helper()
		r := agentlens(t, "", nil, append([]string{"--store", path}, args...)...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		return r
	}
	unsafe := []string{"\x1b", "\x07", "\x7f", "\u009b", "\u202e", "\u061c", "\U000e0041"}
	check := func(what, out string) {
		t.Helper()
		for _, c := range unsafe {
			if strings.Contains(out, c) {
				t.Errorf("%s prints %q raw", what, c)
			}
		}
	}
	check("tag", run("traces", "tag", id, "k=v").stdout)
	check("untag", run("traces", "untag", id, "k").stdout)
	show := run("traces", "show", id).stdout
	check("show", show)
	if len(show) > 4096 {
		t.Errorf("show printed %d bytes for a trace with a 1 MB name", len(show))
	}
	list := run("traces", "list").stdout
	check("list", list)
	for _, args := range [][]string{{"traces", "list", "--json"}, {"traces", "show", "--json", id}} {
		out := run(args...).stdout
		check(strings.Join(args, " "), out)
		if !json.Valid([]byte(out)) {
			t.Errorf("%q: not JSON", args)
		}
		if !strings.Contains(out, `\u202e`) {
			t.Errorf("%q: the bidi override is not escaped as \\u202e", args)
		}
	}
}

// The page size has a cap; the help says it, and a larger --max is a usage error naming it.
func TestListMaxCapIsInTheHelp(t *testing.T) {
	f := newFixture(t)
	help := f.run(t, 0, "", "traces", "list", "--help").stdout
	if !strings.Contains(help, fmt.Sprintf("traces per page (1-%d)", store.MaxMaxResults)) {
		t.Errorf("help does not give the --max cap:\n%s", help)
	}
	r := agentlens(t, "", nil, "--store", f.path, "traces", "list", "--max", "50001")
	if r.code == 0 || !strings.Contains(r.stderr, "1..50000") {
		t.Errorf("--max 50001: exit %d, stderr %q", r.code, r.stderr)
	}
}
