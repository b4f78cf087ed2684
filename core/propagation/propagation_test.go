package propagation_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"

	"github.com/agentlens/agentlens/core"
	agprop "github.com/agentlens/agentlens/core/propagation"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
	"github.com/agentlens/agentlens/spantypes"
)

// TestCallerAndServiceFormOneTrace: a traced agent calls a traced HTTP service through the
// propagating transport; the service's spans continue the agent's trace under the span that
// made the call, in the OTLP receiver and in what each side exports.
func TestCallerAndServiceFormOneTrace(t *testing.T) {
	recv := otlpreceiver.NewHTTP()
	defer recv.Close()
	exp, err := otlp.New(otlp.WithEndpointURL(recv.URL + "/v1/traces"))
	require.NoError(t, err)
	mem := sdk.NewMemoryDestination()
	dbPath := t.TempDir() + "/shared.db"
	restore, err := sdk.Override(sdk.WithDestinations(exp, mem), sdk.WithStore(dbPath))
	require.NoError(t, err)

	var gotTraceparent string
	svc := httptest.NewServer(agprop.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotTraceparent = r.Header.Get("traceparent")
		_, span := core.StartSpan(r.Context(), "search", core.WithSpanType(spantypes.Retriever))
		span.End()
		_, _ = io.WriteString(w, "ok")
	})))
	defer svc.Close()
	client := &http.Client{Transport: agprop.NewTransport(nil)}

	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	cctx, tool := core.StartSpan(ctx, "call search", core.WithSpanType(spantypes.Tool))
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, svc.URL, nil)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	tool.End()
	root.End()
	restore()

	hexID := root.TraceID()[len("tr-"):]
	assert.Equal(t, "00-"+hexID+"-"+tool.SpanID()+"-01", gotTraceparent)

	// Two exports (the service's part, then the agent's), one trace id.
	traces := mem.Traces()
	require.Len(t, traces, 2)
	part, whole := traces[0], traces[1]
	assert.Equal(t, root.TraceID(), part.Info.TraceID)
	assert.Equal(t, root.TraceID(), whole.Info.TraceID)
	require.Len(t, part.Spans, 1)
	assert.Equal(t, "search", part.Spans[0].Name)
	assert.Equal(t, tool.SpanID(), part.Spans[0].ParentID)
	assert.Equal(t, "search", part.Info.Tags["mlflow.traceName"], "the part's info comes from its local root")

	// One tree in the OTLP backend: agent → call search → search.
	parents := map[string]string{}
	for _, s := range recv.Spans() {
		assert.Equal(t, hexID, hex.EncodeToString(s.TraceId))
		parents[s.Name] = hex.EncodeToString(s.ParentSpanId)
	}
	assert.Equal(t, map[string]string{"agent": "", "call search": root.SpanID(), "search": tool.SpanID()}, parents)

	// One trace in the local store: the parts merged, the info the root's.
	st, err := store.Open(dbPath)
	require.NoError(t, err)
	defer st.Close()
	got, err := st.GetTrace(context.Background(), root.TraceID())
	require.NoError(t, err)
	names := []string{}
	for _, s := range got.Spans {
		names = append(names, s.Name+"<"+s.ParentID)
	}
	assert.Equal(t, []string{"agent<", "call search<" + root.SpanID(), "search<" + tool.SpanID()}, names)
	assert.Equal(t, "agent", got.Info.Tags["mlflow.traceName"])
}

func TestInjectExtractCarrier(t *testing.T) {
	mem := sdk.NewMemoryDestination()
	restore, err := sdk.Override(sdk.WithDestinations(mem))
	require.NoError(t, err)
	defer restore()

	carrier := propagation.MapCarrier{}
	agprop.Inject(context.Background(), carrier)
	assert.Empty(t, carrier, "no span, nothing injected")

	ctx, span := core.StartSpan(context.Background(), "producer")
	agprop.Inject(ctx, carrier)
	span.End()
	assert.Equal(t, "00-"+span.TraceID()[3:]+"-"+span.SpanID()+"-01", carrier["traceparent"])

	carrier["tracestate"] = "vendor=abc"
	cctx := agprop.Extract(context.Background(), carrier)
	cctx, consumer := core.StartSpan(cctx, "consumer")
	out := propagation.MapCarrier{}
	agprop.Inject(cctx, out)
	consumer.End()
	assert.Equal(t, span.TraceID(), consumer.TraceID())
	assert.Equal(t, "vendor=abc", out["tracestate"], "tracestate is passed on")

	// A malformed traceparent starts a new trace.
	bad := agprop.Extract(context.Background(), propagation.MapCarrier{"traceparent": "00-zz-yy-01"})
	_, other := core.StartSpan(bad, "fresh")
	other.End()
	assert.NotEqual(t, span.TraceID(), other.TraceID())
	require.NoError(t, sdk.Flush(context.Background()))
	tr := mem.Traces()
	require.Len(t, tr, 3)
	assert.Equal(t, span.SpanID(), tr[1].Spans[0].ParentID)
	assert.Equal(t, "", tr[2].Spans[0].ParentID)
}
