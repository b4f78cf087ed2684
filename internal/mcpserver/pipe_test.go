package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		line          string
		req, response int
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`, 1, 0},
		{`{"jsonrpc":"2.0","id":"a","method":"tools/list"}`, 1, 0},
		{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, 0, 0},
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, 0, 1},
		{`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`, 0, 0},
		{`[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","id":2,"method":"b"},{"jsonrpc":"2.0","method":"n"}]`, 2, 0},
		{`not json`, 0, 0},
		{``, 0, 0},
	} {
		req, resp := classify([]byte(c.line))
		assert.Equal(t, [2]int{c.req, c.response}, [2]int{req, resp}, c.line)
	}
}

// Requests piped in at once, the last without a newline, all get their answers before the
// server ends at the end of input.
func TestPipeTransportAnswersEveryRequest(t *testing.T) {
	f := newFixture(t)
	in := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}
{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search_traces","arguments":{"filter":"status = 'ERROR'","extract_fields":["info.trace_id"]}}}`
	var out bytes.Buffer
	srv := New(Options{StorePath: f.path})
	require.NoError(t, srv.Run(context.Background(), PipeTransport(strings.NewReader(in), &out)))
	ids := map[float64]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		ids[m["id"].(float64)] = m
	}
	require.Len(t, ids, 3, out.String())
	res := ids[3]["result"].(map[string]any)
	assert.Equal(t, `{"traces":[{"info":{"trace_id":"`+f.ids["weather"]+`"}}],"next_page_token":""}`,
		res["content"].([]any)[0].(map[string]any)["text"])
}
