package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

var base = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

// longInput is the question of the fixture's model span: longer than the test server's
// MaxChars, with a multi-byte character across the cut.
var longInput = strings.Repeat("a", 98) + "é" + strings.Repeat("b", 150)

type fixture struct {
	path string
	ids  map[string]string // trace id by fixture name
	gen  string            // span id of the answer trace's model span
}

// newFixture writes three traces made through core to a new store:
//
//	answer   "answer question"  OK     base      1.5s  CHAIN > CHAT_MODEL "generate" (long input)
//	weather  "lookup weather"   ERROR  base+1h   250ms AGENT > TOOL (error)
//	chat     "chat"             OK     base+2h   3.2s  CHAT_MODEL
//
// The two model spans have token usage and a model, which the SDK prices: "generate",
// gpt-4o, 1000 in / 500 out ($0.0025 + $0.005); "chat", gpt-4o-mini-2024-07-18, 2000 in /
// 1000 out ($0.0003 + $0.0006).
func newFixture(t *testing.T) fixture {
	t.Helper()
	rec := tracetest.Capture(t, sdk.WithModelPrices(map[string]sdk.ModelPrice{
		"gpt-4o":      {InputPerMillion: 2.5, OutputPerMillion: 10},
		"gpt-4o-mini": {InputPerMillion: 0.15, OutputPerMillion: 0.6},
	}))
	c := core.NewClient()
	ids := map[string]string{}

	ctx, root := core.StartSpan(context.Background(), "answer question", core.WithSpanType(spantypes.Chain),
		core.WithStartTime(at(0)), core.WithInputs(map[string]any{"question": "what is agentlens?"}))
	tid := root.TraceID()
	ids["answer"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "prod"}})
	_, gen := core.StartSpan(ctx, "generate", core.WithSpanType(spantypes.ChatModel),
		core.WithStartTime(at(500*time.Millisecond)), core.WithInputs(longInput),
		core.WithAttributes(map[string]any{spantypes.KeyLLMModel: "gpt-4o"}))
	gen.SetTokenUsage(core.TokenUsage{InputTokens: 1000, OutputTokens: 500})
	require.NoError(t, c.EndSpan(tid, gen.SpanID(), core.WithOutputs("agentlens records Go agent runs"),
		core.WithEndTime(at(1400*time.Millisecond))))
	require.NoError(t, c.EndTrace(tid, core.WithOutputs("agentlens records Go agent runs"),
		core.WithEndTime(at(1500*time.Millisecond))))

	ctx, root = core.StartSpan(context.Background(), "lookup weather", core.WithSpanType(spantypes.Agent),
		core.WithStartTime(at(time.Hour)), core.WithInputs("weather in Paris?"))
	tid = root.TraceID()
	ids["weather"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "dev"}})
	_, tool := core.StartSpan(ctx, "get_weather", core.WithSpanType(spantypes.Tool),
		core.WithStartTime(at(time.Hour+10*time.Millisecond)), core.WithInputs(map[string]any{"city": "Paris"}))
	require.NoError(t, c.EndSpan(tid, tool.SpanID(), core.WithStatus(tracedata.StatusError, "timeout"),
		core.WithEndTime(at(time.Hour+240*time.Millisecond))))
	require.NoError(t, c.EndTrace(tid, core.WithStatus(tracedata.StatusError, "tool failed"),
		core.WithEndTime(at(time.Hour+250*time.Millisecond))))

	ctx, root = core.StartSpan(context.Background(), "chat", core.WithSpanType(spantypes.ChatModel),
		core.WithStartTime(at(2*time.Hour)), core.WithInputs("say hi"),
		core.WithAttributes(map[string]any{spantypes.KeyLLMModel: "gpt-4o-mini-2024-07-18"}))
	root.SetTokenUsage(core.TokenUsage{InputTokens: 2000, OutputTokens: 1000})
	tid = root.TraceID()
	ids["chat"] = tid
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "staging"}})
	require.NoError(t, c.EndTrace(tid, core.WithOutputs("hi"), core.WithEndTime(at(2*time.Hour+3200*time.Millisecond))))

	traces := rec.Traces()
	require.Len(t, traces, 3)
	path := filepath.Join(t.TempDir(), "traces.db")
	st, err := store.Open(path)
	require.NoError(t, err)
	for _, tr := range traces {
		require.NoError(t, st.Export(context.Background(), tr))
	}
	require.NoError(t, st.Close())
	return fixture{path: path, ids: ids, gen: gen.SpanID()}
}

// connect serves srv in-process over the SDK's in-memory transport and returns a client
// session that has done the initialize handshake.
func connect(t *testing.T, srv *Server) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.MCP().Connect(ctx, st, nil)
	require.NoError(t, err)
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil)
	cs, err := client.Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
		srv.Close()
	})
	return cs
}

func newSession(t *testing.T, opts Options) (*Server, *mcp.ClientSession) {
	srv := New(opts)
	return srv, connect(t, srv)
}

// call calls a tool and returns its text result and whether it is a tool error; a protocol
// error fails the test.
func call(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err, "tools/call %s", name)
	require.Len(t, res.Content, 1, "tools/call %s", name)
	text, ok := res.Content[0].(*mcp.TextContent)
	require.True(t, ok, "tools/call %s: content %T", name, res.Content[0])
	return text.Text, res.IsError
}

func callOK(t *testing.T, cs *mcp.ClientSession, name string, args any) string {
	t.Helper()
	text, isErr := call(t, cs, name, args)
	require.False(t, isErr, "tools/call %s %v: tool error %s", name, args, text)
	return text
}

func callErr(t *testing.T, cs *mcp.ClientSession, name string, args any) string {
	t.Helper()
	text, isErr := call(t, cs, name, args)
	require.True(t, isErr, "tools/call %s %v: want a tool error, got %s", name, args, text)
	return text
}

func TestInitializeAndListTools(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	init := cs.InitializeResult()
	require.NotNil(t, init)
	assert.Equal(t, "agentlens", init.ServerInfo.Name)
	assert.Equal(t, Version, init.ServerInfo.Version)
	assert.NotNil(t, init.Capabilities.Tools)

	res, err := cs.ListTools(context.Background(), nil)
	require.NoError(t, err)
	var names []string
	schemas := map[string]map[string]any{}
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		assert.NotEmpty(t, tool.Description, tool.Name)
		b, err := json.Marshal(tool.InputSchema)
		require.NoError(t, err)
		var s map[string]any
		require.NoError(t, json.Unmarshal(b, &s))
		schemas[tool.Name] = s
		// Every argument says what it is.
		props, _ := s["properties"].(map[string]any)
		require.NotEmpty(t, props, tool.Name)
		for k, p := range props {
			assert.NotEmpty(t, p.(map[string]any)["description"], "%s.%s has no description", tool.Name, k)
		}
	}
	// The SDK lists tools by name.
	assert.Equal(t, []string{"delete_traces", "get_trace", "log_feedback", "search_traces", "set_trace_tag", "trace_stats"}, names)
	assert.Equal(t, []any{"trace_id"}, schemas["get_trace"]["required"])
	assert.Equal(t, []any{"trace_id", "key", "value"}, schemas["set_trace_tag"]["required"])
	assert.Equal(t, []any{"trace_id", "name", "value"}, schemas["log_feedback"]["required"])
	assert.Nil(t, schemas["delete_traces"]["required"])
	assert.Equal(t, "boolean", schemas["delete_traces"]["properties"].(map[string]any)["confirm"].(map[string]any)["type"])
}

// trace_stats gives the store's figures: the fixture's three traces, one failed, two with
// tokens and a cost the SDK priced.
func TestTraceStats(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	const (
		answer  = `"traces":1,"errors":0,"error_rate":0,"p50_ms":1500,"p95_ms":1500,"p99_ms":1500,"traces_with_tokens":1,"input_tokens":1000,"output_tokens":500,"total_tokens":1500,"traces_with_cost":1,"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075`
		weather = `"traces":1,"errors":1,"error_rate":1,"p50_ms":250,"p95_ms":250,"p99_ms":250,"traces_with_tokens":0,"input_tokens":0,"output_tokens":0,"total_tokens":0,"traces_with_cost":0,"input_cost":0,"output_cost":0,"total_cost":0`
		chat    = `"traces":1,"errors":0,"error_rate":0,"p50_ms":3200,"p95_ms":3200,"p99_ms":3200,"traces_with_tokens":1,"input_tokens":2000,"output_tokens":1000,"total_tokens":3000,"traces_with_cost":1,"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009`
	)
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"filter": "status = 'ERROR'"}, `{"group_by":"","groups":[{"key":"",` + weather + `}]}`},
		{map[string]any{"group_by": "name"}, `{"group_by":"name","groups":[` +
			`{"key":"answer question",` + answer + `},{"key":"chat",` + chat + `},{"key":"lookup weather",` + weather + `}]}`},
		{map[string]any{"group_by": "tag.env"}, `{"group_by":"tag.env","groups":[` +
			`{"key":"dev",` + weather + `},{"key":"prod",` + answer + `},{"key":"staging",` + chat + `}]}`},
		// The model as the span names it; the trace without a model span is the missing group.
		{map[string]any{"group_by": "model"}, `{"group_by":"model","groups":[` +
			`{"key":"gpt-4o",` + answer + `},{"key":"gpt-4o-mini-2024-07-18",` + chat + `},{"key":"","missing":true,` + weather + `}]}`},
		// The filter applies before grouping; a key no trace has gives the missing group alone.
		{map[string]any{"group_by": "name", "filter": "execution_time_ms > 1000"}, `{"group_by":"name","groups":[` +
			`{"key":"answer question",` + answer + `},{"key":"chat",` + chat + `}]}`},
		{map[string]any{"group_by": "tag.absent", "filter": "tag.env = 'dev'"}, `{"group_by":"tag.absent","groups":[{"key":"","missing":true,` + weather + `}]}`},
		{map[string]any{"filter": "tag.env = 'none'"}, `{"group_by":"","groups":[]}`},
	} {
		assert.Equal(t, tt.want, callOK(t, cs, "trace_stats", tt.args), "%v", tt.args)
	}
	// The whole trace_stats of two traces adds their figures.
	assert.Equal(t, `{"group_by":"","groups":[{"key":"","traces":2,"errors":0,"error_rate":0,"p50_ms":1500,"p95_ms":3200,"p99_ms":3200,`+
		`"traces_with_tokens":2,"input_tokens":3000,"output_tokens":1500,"total_tokens":4500,"traces_with_cost":2,`+
		`"input_cost":0.0028,"output_cost":0.0056,"total_cost":0.0084}]}`,
		callOK(t, cs, "trace_stats", map[string]any{"filter": "status = 'OK'"}))
}

// A malformed filter or group_by is a tool error with the parser's message, and the server
// goes on.
func TestTraceStatsMalformed(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	_, perr := store.ParseFilter("status =")
	require.Error(t, perr)
	assert.Equal(t, perr.Error(), callErr(t, cs, "trace_stats", map[string]any{"filter": "status ="}))
	assert.Equal(t, `agentlens: group-by "span.name": expected name, tag.KEY, metadata.KEY, span_type, model, minute, hour or day`,
		callErr(t, cs, "trace_stats", map[string]any{"group_by": "span.name"}))
	assert.Equal(t, `agentlens: group-by "tag.": a key must follow "tag."`, callErr(t, cs, "trace_stats", map[string]any{"group_by": "tag."}))
	assert.Contains(t, callErr(t, cs, "trace_stats", map[string]any{"group_by": 7}), "group_by")
	assert.Contains(t, callErr(t, cs, "trace_stats", map[string]any{"filter": "tag.env = 'prod"}), "filter")
	assert.Equal(t, `{"group_by":"","groups":[{"key":"",`+
		`"traces":1,"errors":1,"error_rate":1,"p50_ms":250,"p95_ms":250,"p99_ms":250,"traces_with_tokens":0,"input_tokens":0,"output_tokens":0,"total_tokens":0,"traces_with_cost":0,"input_cost":0,"output_cost":0,"total_cost":0}]}`,
		callOK(t, cs, "trace_stats", map[string]any{"filter": "status = 'ERROR'"}))
}

func TestSearchTraces(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})

	got := callOK(t, cs, "search_traces", map[string]any{
		"filter":         "status = 'ERROR'",
		"extract_fields": []string{"info.trace_id", "info.state", "info.tags.`mlflow.traceName`", "data.spans.*.name"},
	})
	want := fmt.Sprintf(`{"traces":[{"data":{"spans":[{"name":"lookup weather"},{"name":"get_weather"}]},"info":{"state":"ERROR","tags":{"mlflow.traceName":"lookup weather"},"trace_id":%q}}],"next_page_token":""}`,
		f.ids["weather"])
	assert.Equal(t, want, got)

	// Newest first by default; order_by and max_results as MLflow's.
	got = callOK(t, cs, "search_traces", map[string]any{"extract_fields": []string{"info.trace_id"}})
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}},{"info":{"trace_id":%q}},{"info":{"trace_id":%q}}],"next_page_token":""}`,
		f.ids["chat"], f.ids["weather"], f.ids["answer"]), got)
	got = callOK(t, cs, "search_traces", map[string]any{"order_by": []string{"execution_time_ms"}, "max_results": 2, "extract_fields": []string{"info.trace_id"}})
	var page struct {
		Traces        []map[string]map[string]string `json:"traces"`
		NextPageToken string                         `json:"next_page_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(got), &page))
	require.Len(t, page.Traces, 2)
	assert.Equal(t, f.ids["weather"], page.Traces[0]["info"]["trace_id"])
	assert.Equal(t, f.ids["answer"], page.Traces[1]["info"]["trace_id"])
	require.NotEmpty(t, page.NextPageToken)
	got = callOK(t, cs, "search_traces", map[string]any{"order_by": []string{"execution_time_ms"}, "max_results": 2,
		"page_token": page.NextPageToken, "extract_fields": []string{"info.trace_id"}})
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}}],"next_page_token":""}`, f.ids["chat"]), got)

	// Without extract_fields: each TraceInfo in MLflow's JSON, as the store has it.
	got = callOK(t, cs, "search_traces", map[string]any{"filter": "tag.env = 'staging'"})
	st, err := store.OpenReadOnly(f.path)
	require.NoError(t, err)
	defer st.Close()
	tr, err := st.GetTrace(context.Background(), f.ids["chat"])
	require.NoError(t, err)
	assert.Equal(t, `{"traces":[`+string(tr.Info.AppendJSON(nil))+`],"next_page_token":""}`, got)
	assert.Contains(t, got, `"trace_id":"`+f.ids["chat"]+`"`)
}

func TestGetTraceTruncatesAndReadsTheRest(t *testing.T) {
	f := newFixture(t)
	srv, cs := newSession(t, Options{StorePath: f.path, MaxChars: 100})

	got := callOK(t, cs, "get_trace", map[string]any{"trace_id": f.ids["answer"], "extract_fields": []string{"data.spans.*.name", "info.tags.env"}})
	assert.Equal(t, `{"data":{"spans":[{"name":"answer question"},{"name":"generate"}]},"info":{"tags":{"env":"prod"}}}`, got)

	// The model span's input is its JSON text: a quote, 98 "a", "é" (bytes 99-100), 150 "b"
	// and a quote, 252 bytes. The limit of 100 bytes would split the "é": the cut is at 99.
	got = callOK(t, cs, "get_trace", map[string]any{"trace_id": f.ids["answer"], "extract_fields": []string{"data.spans.1.attributes.`mlflow.spanInputs`"}})
	whole, _ := json.Marshal(longInput)
	require.Len(t, whole, 252)
	field := "attributes.`mlflow.spanInputs`"
	marker := fmt.Sprintf(`…[truncated by agentlens: 99 of 252 bytes shown; the rest: get_trace {"field":%q,"offset":99,"span_id":%q,"trace_id":%q}]`,
		field, f.gen, f.ids["answer"])
	wantAttr, _ := json.Marshal(string(whole[:99]) + marker)
	assert.Equal(t, `{"data":{"spans":[{},{"attributes":{"mlflow.spanInputs":`+string(wantAttr)+`}}]}}`, got)

	// Follow next_offset to the end: the pieces make up the whole field.
	var text strings.Builder
	text.Write(whole[:99])
	offset, pieces := 99, 0
	for offset != 0 {
		got := callOK(t, cs, "get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": f.gen, "field": field, "offset": offset})
		var p spanField
		require.NoError(t, json.Unmarshal([]byte(got), &p))
		assert.Equal(t, 252, p.TotalBytes)
		assert.Equal(t, offset, p.Offset)
		text.WriteString(p.Text)
		offset = p.NextOffset
		pieces++
	}
	assert.Equal(t, string(whole), text.String())
	assert.Equal(t, 2, pieces) // 99..199, 199..252

	// max_chars sets the piece size; an offset inside the "é" starts at the "é".
	got = callOK(t, cs, "get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": f.gen, "field": field, "offset": 100, "max_chars": 5})
	assert.Equal(t, fmt.Sprintf(`{"trace_id":%q,"span_id":%q,"field":%q,"offset":99,"total_bytes":252,"text":"ébbb","next_offset":104}`,
		f.ids["answer"], f.gen, field), got)

	// Reading never opened the store for writing.
	srv.mu.Lock()
	assert.Nil(t, srv.writer)
	assert.NotNil(t, srv.reader)
	srv.mu.Unlock()
}
