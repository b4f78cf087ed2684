package mcpserver

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// A handler that panics answers with a tool error, and the server serves the next call; the
// SDK alone would let the panic end the process.
func TestPanicIsAToolError(t *testing.T) {
	f := newFixture(t)
	srv := New(Options{StorePath: f.path})
	mcp.AddTool(srv.MCP(), &mcp.Tool{Name: "boom", Description: "panics"},
		guard("boom", func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			panic(errors.New("kaboom"))
		}))
	mcp.AddTool(srv.MCP(), &mcp.Tool{Name: "inf", Description: "returns what JSON cannot hold"},
		guard("inf", func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return nil, map[string]float64{"x": math.Inf(1)}, nil
		}))
	cs := connect(t, srv)
	assert.Equal(t, "boom failed: internal error: kaboom", callErr(t, cs, "boom", map[string]any{}))
	assert.Equal(t, "inf: the result cannot be sent as JSON: json: unsupported value: +Inf", callErr(t, cs, "inf", map[string]any{}))
	assert.Contains(t, callOK(t, cs, "trace_stats", map[string]any{"group_by": "name"}), `"key":"answer question"`)
}

// Costs whose sum overflows float64 (each finite, as parsed) make trace_stats' result
// unencodable: a tool error, where the SDK would answer with a protocol error.
func TestTraceStatsOverflowIsAToolError(t *testing.T) {
	f := newFixture(t)
	st, err := store.Open(f.path)
	require.NoError(t, err)
	for _, id := range []string{"tr-big-1", "tr-big-2"} {
		require.NoError(t, st.Export(context.Background(), &tracedata.Trace{Info: tracedata.TraceInfo{
			TraceID: id, State: tracedata.StateOK, Tags: map[string]string{"env": "big"},
			Metadata: map[string]string{spantypes.MetaCost: `{"input_cost":1e308,"output_cost":1e308,"total_cost":1e308}`},
		}}))
	}
	require.NoError(t, st.Close())
	_, cs := newSession(t, Options{StorePath: f.path})
	assert.Equal(t, "trace_stats: the result cannot be sent as JSON: json: unsupported value: +Inf",
		callErr(t, cs, "trace_stats", map[string]any{"filter": "tag.env = 'big'"}))
	assert.Contains(t, callOK(t, cs, "trace_stats", map[string]any{"filter": "tag.env = 'prod'"}), `"traces":1`)
}
