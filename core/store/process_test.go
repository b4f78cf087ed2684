package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// The test binary doubles as a writer process: with AGENTLENS_TEST_WRITER set it writes
// traces to a store and prints each trace id once its export has committed.
const writerEnv = "AGENTLENS_TEST_WRITER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(writerEnv); spec != "" {
		os.Exit(runWriter(spec))
	}
	goleak.VerifyTestMain(m)
}

// runWriter handles "path|prefix|count"; count -1 writes until killed.
func runWriter(spec string) int {
	parts := strings.Split(spec, "|")
	path, prefix := parts[0], parts[1]
	count, _ := strconv.Atoi(parts[2])
	st, err := store.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	out := bufio.NewWriter(os.Stdout)
	for i := 0; count < 0 || i < count; i++ {
		t := handMadeTrace(fmt.Sprintf("tr-%s%08d", prefix, i), 5)
		if err := st.Export(context.Background(), t); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintln(out, t.Info.TraceID)
		out.Flush()
	}
	return 0
}

// handMadeTrace builds a trace of n spans without going through core.
func handMadeTrace(id string, n int) *tracedata.Trace {
	now := time.Now()
	t := &tracedata.Trace{Info: tracedata.TraceInfo{
		TraceID: id, ExperimentID: "0", TimestampMS: now.UnixMilli(), ExecutionTimeMS: 3, State: tracedata.StateOK,
		RequestPreview: "question", ResponsePreview: "answer",
		Metadata: map[string]string{spantypes.MetaSchemaVersion: "3"},
		Tags:     map[string]string{spantypes.TagTraceName: "root", "env": "prod"},
	}}
	for i := range n {
		s := tracedata.Span{TraceID: id, SpanID: fmt.Sprintf("%016x", i+1), Name: fmt.Sprintf("span-%d", i),
			StartTimeUnixNano: now.UnixNano(), EndTimeUnixNano: now.UnixNano() + 1000,
			Status:     tracedata.Status{Code: tracedata.StatusOK},
			Attributes: map[string]string{spantypes.KeySpanType: `"TOOL"`, spantypes.KeySpanInputs: `{"q":"x"}`}}
		if i > 0 {
			s.ParentID = fmt.Sprintf("%016x", 1)
		} else {
			s.Name = "root"
			s.Attributes[spantypes.KeySpanType] = `"CHAIN"`
		}
		t.Spans = append(t.Spans, s)
	}
	return t
}

func writer(t *testing.T, path, prefix string, count int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+path+"|"+prefix+"|"+strconv.Itoa(count))
	cmd.Stderr = os.Stderr
	return cmd
}

func TestTwoProcessesWriteOneStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	const perWriter = 300
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	for w, prefix := range []string{"aaaa", "bbbb"} {
		cmd := writer(t, path, prefix, perWriter)
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("writer %s: %v", prefix, err)
			}
			outs[w] = out
		}()
	}
	wg.Wait()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, out := range outs {
		written := strings.Fields(string(out))
		if len(written) != perWriter {
			t.Fatalf("a writer reported %d traces, want %d", len(written), perWriter)
		}
		for _, id := range written {
			if tr, err := st.GetTrace(context.Background(), id); err != nil || len(tr.Spans) != 5 {
				t.Fatalf("trace %s: %v", id, err)
			}
		}
	}
	res, err := st.SearchTraces(context.Background(), store.SearchOptions{MaxResults: 1000})
	if err != nil || len(res.Traces) != 2*perWriter {
		t.Fatalf("store holds %d traces, want %d (%v)", len(res.Traces), 2*perWriter, err)
	}
}

func TestKilledWriterLeavesCommittedTraces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "killed.db")
	cmd := writer(t, path, "kill", -1)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var committed []string
	sc := bufio.NewScanner(stdout)
	for len(committed) < 200 && sc.Scan() {
		committed = append(committed, sc.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(committed) < 200 {
		t.Fatalf("writer reported only %d traces before dying", len(committed))
	}

	st, err := store.Open(path)
	if err != nil {
		t.Fatalf("store after SIGKILL: %v", err)
	}
	defer st.Close()
	for _, id := range committed {
		if _, err := st.GetTrace(context.Background(), id); err != nil {
			t.Fatalf("committed trace %s lost: %v", id, err)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity check: %q, %v", check, err)
	}
}
