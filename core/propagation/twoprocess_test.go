package propagation_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	agprop "github.com/agentlens/agentlens/core/propagation"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
	"github.com/agentlens/agentlens/spantypes"
)

const serviceEnv = "AGENTLENS_TEST_SERVICE_PROCESS"

// runService is the traced HTTP service of TestTwoProcesses, in a process of its own (this
// test binary run again): it configures tracing from the environment (OTLP receiver and
// shared store), prints its address, serves until stdin closes, then shuts tracing down.
func runService() {
	if err := sdk.Configure(); err != nil {
		fmt.Println("configure:", err)
		os.Exit(1)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	fmt.Println(lis.Addr().String())
	go func() {
		_ = http.Serve(lis, agprop.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, span := core.StartSpan(r.Context(), "search", core.WithSpanType(spantypes.Retriever))
			_, rank := core.StartSpan(ctx, "rank", core.WithSpanType(spantypes.Reranker))
			rank.End()
			span.End()
			_, _ = io.WriteString(w, "ok")
		})))
	}()
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = sdk.Shutdown(context.Background())
	os.Exit(0)
}

// TestTwoProcesses: a traced client calls a traced HTTP service started as another process;
// both export to one OTLP receiver and one local store. The receiver gets one tree; the
// store holds one merged trace.
func TestTwoProcesses(t *testing.T) {
	if os.Getenv(serviceEnv) == "1" {
		runService()
		return
	}
	recv := otlpreceiver.NewHTTP()
	defer recv.Close()
	dbPath := t.TempDir() + "/shared.db"

	cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcesses$")
	cmd.Env = append(os.Environ(), serviceEnv+"=1", otlp.EnvEndpoint+"="+recv.URL, "AGENTLENS_STORE="+dbPath, otlp.EnvServiceName+"=search-service")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	addr = addr[:len(addr)-1]

	exp, err := otlp.New(otlp.WithEndpointURL(recv.URL+"/v1/traces"), otlp.WithServiceName("agent"))
	require.NoError(t, err)
	restore, err := sdk.Override(sdk.WithDestinations(exp), sdk.WithStore(dbPath))
	require.NoError(t, err)
	client := &http.Client{Transport: agprop.NewTransport(nil)}
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	cctx, tool := core.StartSpan(ctx, "call search", core.WithSpanType(spantypes.Tool))
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, "http://"+addr+"/", nil)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	tool.End()
	root.End()
	stdin.Close()
	require.NoError(t, cmd.Wait(), "the service process failed")
	restore()

	hexID := root.TraceID()[len("tr-"):]
	parents := map[string]string{}
	services := map[string]string{}
	for _, r := range recv.Requests() {
		svc := ""
		for _, kv := range r.Body.ResourceSpans[0].Resource.Attributes {
			if kv.Key == "service.name" {
				svc = kv.Value.GetStringValue()
			}
		}
		for _, s := range r.Body.ResourceSpans[0].ScopeSpans[0].Spans {
			assert.Equal(t, hexID, hex.EncodeToString(s.TraceId))
			parents[s.Name] = hex.EncodeToString(s.ParentSpanId)
			services[s.Name] = svc
		}
	}
	assert.Equal(t, "", parents["agent"])
	assert.Equal(t, root.SpanID(), parents["call search"])
	assert.Equal(t, tool.SpanID(), parents["search"])
	assert.Len(t, parents, 4)
	assert.Equal(t, map[string]string{"agent": "agent", "call search": "agent", "search": "search-service", "rank": "search-service"}, services)

	st, err := store.Open(dbPath)
	require.NoError(t, err)
	defer st.Close()
	got, err := st.GetTrace(context.Background(), root.TraceID())
	require.NoError(t, err)
	names := map[string]string{}
	for _, s := range got.Spans {
		names[s.Name] = s.ParentID
	}
	assert.Equal(t, map[string]string{"agent": "", "call search": root.SpanID(), "search": tool.SpanID(), "rank": names["rank"]}, names)
	assert.Equal(t, "agent", got.Info.Tags["mlflow.traceName"])
	search := got.Span(names["rank"])
	require.NotNil(t, search)
	assert.Equal(t, "search", search.Name, "rank hangs under search")
	assert.Equal(t, "true", search.Attributes[spantypes.KeyRemoteParent])
}
