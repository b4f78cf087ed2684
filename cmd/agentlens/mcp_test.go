package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The requests an MCP client sends first, as JSON-RPC lines on stdin.
const mcpHandshake = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"printf","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}
{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}
`

type rpcResponse struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func mcpResponses(t *testing.T, stdout string) map[int]rpcResponse {
	t.Helper()
	out := map[int]rpcResponse{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r rpcResponse
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line %q", line)
		out[r.ID] = r
	}
	return out
}

func TestMCPBinaryListsTools(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, 0, mcpHandshake, "mcp")
	resp := mcpResponses(t, r.stdout)
	require.Len(t, resp, 2, "stdout:\n%s", r.stdout)
	var init struct {
		ProtocolVersion string `json:"protocolVersion"`
		ServerInfo      struct {
			Name string `json:"name"`
		} `json:"serverInfo"`
	}
	require.NoError(t, json.Unmarshal(resp[1].Result, &init))
	assert.Equal(t, "2025-06-18", init.ProtocolVersion)
	assert.Equal(t, "agentlens", init.ServerInfo.Name)
	var list struct {
		Tools []struct {
			Name        string         `json:"name"`
			InputSchema map[string]any `json:"inputSchema"`
		} `json:"tools"`
	}
	require.Nil(t, resp[2].Error)
	require.NoError(t, json.Unmarshal(resp[2].Result, &list))
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
		assert.Equal(t, "object", tool.InputSchema["type"], tool.Name)
	}
	assert.Equal(t, []string{"delete_traces", "get_trace", "log_feedback", "search_traces", "set_trace_tag", "trace_stats"}, names)
}

func TestMCPBinaryCallsATool(t *testing.T) {
	f := newFixture(t)
	call := `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search_traces","arguments":{"filter":"status = 'ERROR'","extract_fields":["info.trace_id"]}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"set_trace_tag","arguments":{"trace_id":"` + f.ids["answer"] + `","key":"k","value":"v"}}}
`
	r := f.run(t, 0, mcpHandshake+call, "mcp", "--read-only")
	resp := mcpResponses(t, r.stdout)
	require.Len(t, resp, 4, "stdout:\n%s", r.stdout)
	assert.JSONEq(t, `{"content":[{"type":"text","text":"{\"traces\":[{\"info\":{\"trace_id\":\"`+f.ids["weather"]+`\"}}],\"next_page_token\":\"\"}"}],
		"structuredContent":{"traces":[{"info":{"trace_id":"`+f.ids["weather"]+`"}}],"next_page_token":""}}`, string(resp[3].Result))
	assert.JSONEq(t, `{"content":[{"type":"text","text":"set_trace_tag writes to the store; this server was started with --read-only"}],"isError":true}`,
		string(resp[4].Result))
}

func TestMCPNoStore(t *testing.T) {
	r := agentlens(t, mcpHandshake, nil, "mcp", "--store", t.TempDir()+"/missing.db")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no store at ")
	assert.Empty(t, r.stdout)
}
