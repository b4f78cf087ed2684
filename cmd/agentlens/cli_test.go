package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// row renders one line of the list table with the fixture's column widths.
func row(cols ...string) string {
	return fmt.Sprintf("%-37s%-16s%-7s%-21s%-10s%-8s%s\n", toAny(cols)...)
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestListFilter(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 0, "", "traces", "list", "--filter", "status = 'ERROR'")
	want := row("TRACE ID", "NAME", "STATE", "START", "DURATION", "TOKENS", "REQUEST") +
		row(f.ids["weather"], "lookup weather", "ERROR", "2025-03-14 10:26:53", "250ms", "-", "weather in Paris?")
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestListAll(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 0, "", "traces", "list")
	line := func(cols ...string) string {
		return fmt.Sprintf("%-37s%-25s%-7s%-21s%-10s%-8s%s\n", toAny(cols)...)
	}
	// Newest first; the escape sequences of the name and the request are shown escaped.
	want := line("TRACE ID", "NAME", "STATE", "START", "DURATION", "TOKENS", "REQUEST") +
		line(f.ids["chat"], `chat \x1b[31mred\x1b[0m`, "OK", "2025-03-14 11:26:53", "3.2s", "12", `say hi\x1b[2J`) +
		line(f.ids["weather"], "lookup weather", "ERROR", "2025-03-14 10:26:53", "250ms", "-", "weather in Paris?") +
		line(f.ids["answer"], "answer question", "OK", "2025-03-14 09:26:53", "1.5s", "42", `{"question":"what is agentlens?"}`)
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestListNoTraces(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 0, "", "traces", "list", "--filter", "tag.env = 'nowhere'")
	if r.stdout != "no traces\n" || r.stderr != "" {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	r = f.run(t, 0, "", "traces", "list", "--filter", "tag.env = 'nowhere'", "--json")
	if strings.TrimSpace(r.stdout) != "{\n  \"traces\": [],\n  \"next_page_token\": \"\"\n}" {
		t.Errorf("json: %s", r.stdout)
	}
}

type listResponse struct {
	Traces        []tracedata.TraceInfo `json:"traces"`
	NextPageToken string                `json:"next_page_token"`
}

func decodeList(t *testing.T, out string) listResponse {
	t.Helper()
	var resp listResponse
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}
	return resp
}

func ids(infos []tracedata.TraceInfo) []string {
	var out []string
	for _, i := range infos {
		out = append(out, i.TraceID)
	}
	return out
}

func TestListJSONOrderAndPaging(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 0, "", "traces", "list", "--json", "--order-by", "execution_time_ms DESC")
	resp := decodeList(t, r.stdout)
	want := []string{f.ids["chat"], f.ids["answer"], f.ids["weather"]}
	if got := ids(resp.Traces); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	if resp.NextPageToken != "" || r.stderr != "" {
		t.Errorf("next page %q, stderr %q", resp.NextPageToken, r.stderr)
	}
	if tr := resp.Traces[1]; tr.Tags["env"] != "prod" || tr.ExecutionTimeMS != 1500 || tr.State != tracedata.StateOK {
		t.Errorf("answer trace info = %+v", tr)
	}

	// Two pages of two, the token printed on stderr.
	args := []string{"traces", "list", "--json", "--max", "2", "--order-by", "execution_time_ms DESC"}
	r = f.run(t, 0, "", args...)
	page1 := decodeList(t, r.stdout)
	if page1.NextPageToken == "" || r.stderr != "more traces: --page-token "+page1.NextPageToken+"\n" {
		t.Fatalf("page 1: token %q, stderr %q", page1.NextPageToken, r.stderr)
	}
	r = f.run(t, 0, "", append(args, "--page-token", page1.NextPageToken)...)
	page2 := decodeList(t, r.stdout)
	if got := append(ids(page1.Traces), ids(page2.Traces)...); fmt.Sprint(got) != fmt.Sprint(want) || page2.NextPageToken != "" {
		t.Errorf("pages %v (next %q), want %v", got, page2.NextPageToken, want)
	}

	// Several order-by keys, and --experiment by name and by id.
	r = f.run(t, 0, "", "traces", "list", "--json", "--order-by", "status", "--order-by", "timestamp_ms ASC",
		"--experiment", "Default")
	want = []string{f.ids["weather"], f.ids["answer"], f.ids["chat"]}
	if got := ids(decodeList(t, r.stdout).Traces); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("status, timestamp_ms ASC: %v, want %v", got, want)
	}
	r = f.run(t, 0, "", "traces", "list", "--experiment", store.DefaultExperimentID, "--filter", "status = 'ERROR'")
	if !strings.Contains(r.stdout, f.ids["weather"]) {
		t.Errorf("--experiment 0: %s", r.stdout)
	}
	r = f.run(t, 1, "", "traces", "list", "--experiment", "nope")
	if !strings.Contains(r.stderr, `"nope"`) {
		t.Errorf("unknown experiment: %q", r.stderr)
	}
}

func TestShowTree(t *testing.T) {
	f := newFixture(t)
	id := f.ids["answer"]
	r := f.run(t, 0, "", "traces", "show", id)
	want := "trace " + id + ` "answer question" OK 1.5s tokens=42
└─ CHAIN answer question OK 1.5s
   │  in:  {"question":"what is agentlens?"}
   │  out: "agentlens records Go agent runs as MLflow traces"
   ├─ RETRIEVER retrieve OK 300ms
   │     in:  {"query":"agentlens"}
   │     out: ["doc one","doc two"]
   └─ CHAT_MODEL generate OK 900ms tokens=42
         in:  {"messages":[{"content":"what is agentlens?","role":"user"}]}
         out: "agentlens records Go agent runs as MLflow traces"
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}

	id = f.ids["weather"]
	r = f.run(t, 0, "", "traces", "show", id)
	want = "trace " + id + ` "lookup weather" ERROR 250ms
└─ AGENT lookup weather ERROR 250ms (tool failed)
   │  in:  "weather in Paris?"
   └─ TOOL get_weather ERROR 230ms (timeout talking to weather api)
         in:  {"city":"Paris"}
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestShowEscapes(t *testing.T) {
	f := newFixture(t)
	id := f.ids["chat"]
	r := f.run(t, 0, "", "traces", "show", id)
	want := "trace " + id + ` "chat \x1b[31mred\x1b[0m" OK 3.2s tokens=12
└─ CHAT_MODEL chat \x1b[31mred\x1b[0m OK 3.2s tokens=12
      in:  {"messages":[{"content":"say hi\u001b[2J","role":"user"}]}
      out: "hi"
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if strings.Contains(r.stdout, "\x1b") {
		t.Errorf("raw escape in output: %q", r.stdout)
	}
}

func TestShowJSON(t *testing.T) {
	f := newFixture(t)
	id := f.ids["answer"]
	r := f.run(t, 0, "", "traces", "show", id, "--json")
	var tr tracedata.Trace
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Info.TraceID != id || len(tr.Spans) != 3 || tr.RootSpan().Name != "answer question" {
		t.Errorf("trace = %+v", tr)
	}
	if !strings.HasPrefix(r.stdout, "{\n  \"info\": {\n    \"trace_id\": ") || !strings.Contains(r.stdout, "\n  \"data\": {\n    \"spans\": [") {
		t.Errorf("not MLflow's Trace.to_dict shape indented by two spaces:\n%s", r.stdout)
	}
}

func TestShowUnknownTrace(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 1, "", "traces", "show", "tr-00000000000000000000000000000000")
	if want := `agentlens: no trace "tr-00000000000000000000000000000000" in ` + f.path + "\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

func TestTagUntag(t *testing.T) {
	f := newFixture(t)
	id := f.ids["weather"]
	r := f.run(t, 0, "", "traces", "tag", id, "k=v", "reviewed=yes=really")
	if r.stdout != "set 2 tags on "+id+"\n" {
		t.Errorf("tag: %q", r.stdout)
	}
	r = f.run(t, 0, "", "traces", "list", "--filter", "tag.k = 'v'", "--json")
	if got := ids(decodeList(t, r.stdout).Traces); fmt.Sprint(got) != fmt.Sprint([]string{id}) {
		t.Errorf("tag.k = 'v' lists %v", got)
	}
	r = f.run(t, 0, "", "traces", "show", id, "--json")
	var tr tracedata.Trace
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.Info.Tags["k"] != "v" || tr.Info.Tags["reviewed"] != "yes=really" {
		t.Errorf("tags after tag: %v", tr.Info.Tags)
	}

	// A missing key among several removes nothing.
	r = f.run(t, 1, "", "traces", "untag", id, "k", "missing")
	if !strings.Contains(r.stderr, `no tag "missing"`) {
		t.Errorf("untag missing: %q", r.stderr)
	}
	f.run(t, 0, "", "traces", "list", "--filter", "tag.k = 'v'") // still tagged

	r = f.run(t, 0, "", "traces", "untag", id, "k")
	if r.stdout != "removed 1 tag from "+id+"\n" {
		t.Errorf("untag: %q", r.stdout)
	}
	r = f.run(t, 0, "", "traces", "list", "--filter", "tag.k = 'v'")
	if r.stdout != "no traces\n" {
		t.Errorf("after untag: %q", r.stdout)
	}
	r = f.run(t, 1, "", "traces", "untag", id, "k")
	if !strings.Contains(r.stderr, `no tag "k"`) {
		t.Errorf("untag again: %q", r.stderr)
	}

	r = f.run(t, 1, "", "traces", "tag", "tr-missing", "k=v")
	if !strings.Contains(r.stderr, `"tr-missing"`) {
		t.Errorf("tag unknown trace: %q", r.stderr)
	}
}

func TestTagUsage(t *testing.T) {
	f := newFixture(t)
	id := f.ids["chat"]
	r := f.run(t, 2, "", "traces", "tag", id, "good=1", "novalue")
	if !strings.HasPrefix(r.stderr, `agentlens: "novalue" is not KEY=VALUE`+"\n") {
		t.Errorf("stderr %q", r.stderr)
	}
	f.run(t, 2, "", "traces", "tag", id, "=v")
	f.run(t, 2, "", "traces", "tag", id)
	f.run(t, 2, "", "traces", "untag", id)
	// Nothing was written.
	if r := f.run(t, 0, "", "traces", "list", "--filter", "tag.good = '1'"); r.stdout != "no traces\n" {
		t.Errorf("a usage error wrote a tag: %q", r.stdout)
	}
}

func countTraces(t *testing.T, f fixture) int {
	t.Helper()
	return len(decodeList(t, f.run(t, 0, "", "traces", "list", "--json").stdout).Traces)
}

func TestDeleteByID(t *testing.T) {
	f := newFixture(t)
	id := f.ids["answer"]

	r := f.run(t, 1, "n\n", "traces", "delete", "--id", id)
	if want := "Delete 1 trace from " + f.path + "? [y/N] agentlens: aborted\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	f.run(t, 1, "", "traces", "delete", "--id", id) // end of input: aborted
	if n := countTraces(t, f); n != 3 {
		t.Fatalf("%d traces after aborted deletes, want 3", n)
	}

	r = f.run(t, 0, "Y\n", "traces", "delete", "--id", id, "--id", "tr-missing")
	if r.stdout != "deleted 1 trace (1 id matched no trace)\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "Delete 2 traces from ") {
		t.Errorf("stderr %q", r.stderr)
	}
	f.run(t, 1, "", "traces", "show", id)

	r = f.run(t, 0, "", "traces", "delete", "--id", f.ids["chat"]+","+f.ids["weather"], "--yes")
	if r.stdout != "deleted 2 traces\n" || r.stderr != "" {
		t.Errorf("--yes: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if n := countTraces(t, f); n != 0 {
		t.Errorf("%d traces left", n)
	}
}

func TestDeleteOlderThan(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 1, "nope\n", "traces", "delete", "--older-than", "7d", "--max", "2")
	if want := "Delete traces older than 7d (at most 2) from " + f.path + "? [y/N] agentlens: aborted\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	r = f.run(t, 0, "yes\n", "traces", "delete", "--older-than", "7d", "--max", "2")
	if r.stdout != "deleted 2 traces\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	// The two oldest went; the newest is left.
	r = f.run(t, 0, "", "traces", "list", "--json")
	if got := ids(decodeList(t, r.stdout).Traces); fmt.Sprint(got) != fmt.Sprint([]string{f.ids["chat"]}) {
		t.Errorf("left %v, want the chat trace", got)
	}
	r = f.run(t, 0, "", "traces", "delete", "--older-than", "36h", "--experiment", "Default", "--yes")
	if r.stdout != "deleted 1 trace\n" {
		t.Errorf("stdout %q", r.stdout)
	}
}

func TestDeleteUsage(t *testing.T) {
	f := newFixture(t)
	for _, args := range [][]string{
		{"--older-than", "7d", "--id", f.ids["chat"]},
		{},
		{"--older-than", "soon"},
		{"--older-than", "-3d"},
		{"--older-than", "0s"},
		{"--id", f.ids["chat"], "--max", "3"},
		{"--older-than", "1h", "--max", "-1"},
		{f.ids["chat"]},
		{"--older-than", "1h", "--bogus"},
	} {
		r := agentlens(t, "y\n", nil, append([]string{"--store", f.path, "traces", "delete", "--yes"}, args...)...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "agentlens: ") || strings.Contains(r.stderr, "agentlens: agentlens") {
			t.Errorf("delete %q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if n := countTraces(t, f); n != 3 {
		t.Errorf("%d traces left, want 3", n)
	}
}

func TestBadFilter(t *testing.T) {
	f := newFixture(t)
	const filter = "status = "
	_, perr := store.ParseFilter(filter)
	if perr == nil {
		t.Fatalf("ParseFilter(%q) accepted it", filter)
	}
	r := f.run(t, 2, "", "traces", "list", "--filter", filter)
	want := "agentlens: " + perr.Error() + "\nRun 'agentlens traces list --help' for usage.\n"
	if r.stderr != want || r.stdout != "" {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if !strings.Contains(r.stderr, "position 9") {
		t.Errorf("no position in %q", r.stderr)
	}
	r = f.run(t, 2, "", "traces", "list", "--order-by", "span.name")
	if !strings.HasPrefix(r.stderr, `agentlens: invalid order-by "span.name" at position 0: `) {
		t.Errorf("order-by: %q", r.stderr)
	}
	// A usage error wins over a missing store.
	r = agentlens(t, "", nil, "--store", filepath.Join(t.TempDir(), "none.db"), "traces", "list", "--filter", filter)
	if r.code != 2 {
		t.Errorf("bad filter, missing store: exit %d", r.code)
	}
}

func TestMissingStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	for _, env := range [][]string{nil, {"AGENTLENS_STORE=" + path}} {
		args := []string{"traces", "list"}
		if env == nil {
			args = append([]string{"--store", path}, args...)
		}
		r := agentlens(t, "", env, args...)
		if want := "agentlens: no store at " + path + " (set --store or AGENTLENS_STORE)\n"; r.code != 1 || r.stderr != want {
			t.Errorf("env %v: exit %d, stderr %q, want %q", env, r.code, r.stderr, want)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the CLI created %s: %v", path, err)
	}

	// With AGENTLENS_STORE unset or "off", the default is ./agentlens.db in the working directory.
	dir := t.TempDir()
	for _, env := range [][]string{nil, {"AGENTLENS_STORE=off"}} {
		cmd := exec.Command(binary, "traces", "show", "tr-x")
		cmd.Dir = dir
		cmd.Env = append(cleanEnv(), env...)
		out, _ := cmd.CombinedOutput()
		if want := "agentlens: no store at ./agentlens.db (set --store or AGENTLENS_STORE)\n"; string(out) != want || cmd.ProcessState.ExitCode() != 1 {
			t.Errorf("env %v: exit %d, output %q", env, cmd.ProcessState.ExitCode(), out)
		}
	}
}

func TestStoreFromEnvironment(t *testing.T) {
	f := newFixture(t)
	r := agentlens(t, "", []string{"AGENTLENS_STORE=" + f.path}, "traces", "show", f.ids["weather"])
	if r.code != 0 || !strings.HasPrefix(r.stdout, "trace "+f.ids["weather"]) {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	f := newFixture(t)
	for _, args := range [][]string{
		{"traces", "list", "--bogus"},
		{"traces", "list", "extra"},
		{"traces", "list", "--max", "0"},
		{"traces", "show"},
		{"traces", "show", "a", "b"},
		{"traces", "bogus"},
		{"bogus"},
	} {
		r := f.run(t, 2, "", args...)
		lines := strings.Split(r.stderr, "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "agentlens: ") || strings.Contains(lines[0], "agentlens: agentlens") ||
			!strings.HasPrefix(lines[1], "Run 'agentlens") || r.stdout != "" {
			t.Errorf("%q: stdout %q, stderr %q", args, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{{}, {"--help"}, {"traces"}, {"traces", "list", "--help"}, {"traces", "delete", "-h"}} {
		if r := f.run(t, 0, "", args...); !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%q: %q", args, r.stdout)
		}
	}
}

// TestHelpExamples runs every example of the help texts that reads the store, so that the
// filter cheat sheet stays valid.
func TestHelpExamples(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	f := newFixture(t)
	// The feedback examples need assessments to find.
	f.logged(t, "feedback", f.ids["answer"], "correctness", "true")
	f.logged(t, "feedback", f.ids["answer"], "relevance", "0.8")
	f.logged(t, "expectation", f.ids["answer"], "expected_answer", "Paris, France")
	ran := 0
	for _, sub := range []string{"list", "show", "get", "tag", "untag", "delete", "feedback", "expectation", "assessments", "assessment-update", "assessment-delete"} {
		help := f.run(t, 0, "", "traces", sub, "--help").stdout
		_, examples, ok := strings.Cut(help, "Examples:\n")
		if !ok {
			t.Errorf("traces %s --help has no examples", sub)
			continue
		}
		examples, _, _ = strings.Cut(examples, "\n\nFlags:")
		if sub != "list" {
			continue // the others name made-up trace ids or delete
		}
		for _, line := range strings.Split(examples, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "agentlens ") {
				continue
			}
			cmd := exec.Command(sh, "-c", line)
			cmd.Env = append(cleanEnv(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"),
				"AGENTLENS_STORE="+f.path)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.HasPrefix(string(out), "no traces") {
				t.Errorf("example %s: %v\n%s", line, err, out)
			}
			ran++
		}
	}
	if ran < 9 {
		t.Errorf("ran %d list examples", ran)
	}
}

// store.Open does not escape the path it puts in an SQLite URI; the CLI refuses such paths
// instead of opening (and creating) another file.
func TestStorePathWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a?b#c%41.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tr := &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: "tr-odd-path", ExperimentID: "0", State: tracedata.StateOK,
		Tags: map[string]string{"mlflow.traceName": "odd"}}}
	if err := st.Export(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := agentlens(t, "", nil, "--store", path, "traces", "list", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, "tr-odd-path") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
