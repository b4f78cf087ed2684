package mcpserver

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
)

func TestSetTraceTag(t *testing.T) {
	f := newFixture(t)
	srv, cs := newSession(t, Options{StorePath: f.path})
	ids := []string{"info.trace_id"}
	assert.Equal(t, `{"traces":[],"next_page_token":""}`,
		callOK(t, cs, "search_traces", map[string]any{"filter": "tag.reviewed = 'yes'", "extract_fields": ids}))
	srv.mu.Lock()
	assert.Nil(t, srv.writer, "a search opened the store for writing")
	srv.mu.Unlock()

	got := callOK(t, cs, "set_trace_tag", map[string]any{"trace_id": f.ids["answer"], "key": "reviewed", "value": "yes"})
	assert.Equal(t, fmt.Sprintf(`{"trace_id":%q,"key":"reviewed","value":"yes"}`, f.ids["answer"]), got)
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}}],"next_page_token":""}`, f.ids["answer"]),
		callOK(t, cs, "search_traces", map[string]any{"filter": "tag.reviewed = 'yes'", "extract_fields": ids}))

	assert.Equal(t, `agentlens: empty tag key`,
		callErr(t, cs, "set_trace_tag", map[string]any{"trace_id": f.ids["answer"], "key": "", "value": "x"}))
	assert.Contains(t, callErr(t, cs, "set_trace_tag", map[string]any{"trace_id": "tr-nope", "key": "k", "value": "v"}), "tr-nope")
}

func TestLogFeedback(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	got := callOK(t, cs, "log_feedback", map[string]any{
		"trace_id": f.ids["weather"], "name": "correctness", "value": false,
		"rationale": "the tool timed out", "source_type": "LLM_JUDGE", "source_id": "claude",
	})
	var a map[string]any
	require.NoError(t, json.Unmarshal([]byte(got), &a))
	assert.Equal(t, f.ids["weather"], a["trace_id"])
	assert.Equal(t, "correctness", a["assessment_name"])
	assert.Equal(t, map[string]any{"value": false}, a["feedback"])
	assert.Equal(t, "the tool timed out", a["rationale"])
	assert.Equal(t, map[string]any{"source_type": "LLM_JUDGE", "source_id": "claude"}, a["source"])

	// The store has it, and the filter grammar finds it.
	st, err := store.OpenReadOnly(f.path)
	require.NoError(t, err)
	defer st.Close()
	stored, err := st.GetAssessment(context.Background(), f.ids["weather"], a["assessment_id"].(string))
	require.NoError(t, err)
	b, _ := json.Marshal(stored)
	assert.JSONEq(t, got, string(b))
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}}],"next_page_token":""}`, f.ids["weather"]),
		callOK(t, cs, "search_traces", map[string]any{"filter": "feedback.correctness = 'false'", "extract_fields": []string{"info.trace_id"}}))

	// A number value; a bad source type, a null value and a name with a dot are tool errors.
	got = callOK(t, cs, "log_feedback", map[string]any{"trace_id": f.ids["answer"], "name": "relevance", "value": 0.75})
	require.NoError(t, json.Unmarshal([]byte(got), &a))
	assert.Equal(t, map[string]any{"value": 0.75}, a["feedback"])
	assert.Equal(t, `source_type "ROBOT" is not HUMAN, LLM_JUDGE or CODE`,
		callErr(t, cs, "log_feedback", map[string]any{"trace_id": f.ids["answer"], "name": "x", "value": 1, "source_type": "ROBOT"}))
	assert.Equal(t, `value is null; give a boolean, number, string, object or array`,
		callErr(t, cs, "log_feedback", map[string]any{"trace_id": f.ids["answer"], "name": "x", "value": nil}))
	assert.Contains(t, callErr(t, cs, "log_feedback", map[string]any{"trace_id": f.ids["answer"], "name": "a.b", "value": 1}), "a.b")
}

func TestDeleteTraces(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	all := map[string]any{"extract_fields": []string{"info.trace_id"}}
	before := callOK(t, cs, "search_traces", all)

	// Never on an empty filter or id list, never both, never without confirm.
	for _, args := range []map[string]any{
		{"confirm": true},
		{"filter": "   ", "confirm": true},
		{"trace_ids": []string{}, "confirm": true},
	} {
		assert.Equal(t, "delete_traces needs trace_ids or a non-empty filter; it never deletes every trace", callErr(t, cs, "delete_traces", args))
	}
	assert.Equal(t, "delete_traces takes trace_ids or a filter, not both",
		callErr(t, cs, "delete_traces", map[string]any{"filter": "status = 'OK'", "trace_ids": []string{f.ids["chat"]}, "confirm": true}))
	assert.Equal(t, "nothing deleted: 2 trace(s) match; call delete_traces again with confirm: true to delete them",
		callErr(t, cs, "delete_traces", map[string]any{"filter": "status = 'OK'"}))
	assert.Equal(t, "nothing deleted: 1 trace(s) match; call delete_traces again with confirm: true to delete them",
		callErr(t, cs, "delete_traces", map[string]any{"trace_ids": []string{f.ids["chat"], "tr-unknown"}, "confirm": false}))
	assert.Contains(t, callErr(t, cs, "delete_traces", map[string]any{"filter": "status = = 'OK'", "confirm": true}), "status")
	assert.Equal(t, before, callOK(t, cs, "search_traces", all), "a refused delete_traces deleted traces")

	got := callOK(t, cs, "delete_traces", map[string]any{"filter": "status = 'ERROR'", "confirm": true})
	assert.Equal(t, fmt.Sprintf(`{"deleted":1,"trace_ids":[%q]}`, f.ids["weather"]), got)
	got = callOK(t, cs, "delete_traces", map[string]any{"trace_ids": []string{f.ids["chat"], "tr-unknown"}, "confirm": true})
	assert.Equal(t, fmt.Sprintf(`{"deleted":1,"trace_ids":[%q]}`, f.ids["chat"]), got)
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}}],"next_page_token":""}`, f.ids["answer"]), callOK(t, cs, "search_traces", all))
	assert.Equal(t, `{"deleted":0,"trace_ids":[]}`, callOK(t, cs, "delete_traces", map[string]any{"filter": "status = 'ERROR'", "confirm": true}))
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	f := newFixture(t)
	sum := fileSum(t, f.path)
	srv, cs := newSession(t, Options{StorePath: f.path, ReadOnly: true})
	for name, args := range map[string]map[string]any{
		"set_trace_tag": {"trace_id": f.ids["answer"], "key": "k", "value": "v"},
		"log_feedback":  {"trace_id": f.ids["answer"], "name": "correctness", "value": true},
		"delete_traces": {"trace_ids": []string{f.ids["answer"]}, "confirm": true},
	} {
		assert.Equal(t, name+" writes to the store; this server was started with --read-only", callErr(t, cs, name, args))
	}
	// Reads still work.
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}}],"next_page_token":""}`, f.ids["weather"]),
		callOK(t, cs, "search_traces", map[string]any{"filter": "status = 'ERROR'", "extract_fields": []string{"info.trace_id"}}))
	srv.mu.Lock()
	assert.Nil(t, srv.writer)
	srv.mu.Unlock()
	require.NoError(t, srv.Close())
	assert.Equal(t, sum, fileSum(t, f.path), "the store file changed under --read-only")
}

func TestMalformedCallsAreToolErrors(t *testing.T) {
	f := newFixture(t)
	_, cs := newSession(t, Options{StorePath: f.path})
	for _, c := range []struct {
		tool string
		args map[string]any
		want string // a part of the message
	}{
		{"search_traces", map[string]any{"max_results": "ten"}, "max_results"},
		{"search_traces", map[string]any{"max_results": 501}, "max_results 501 is outside 1..500"},
		{"search_traces", map[string]any{"filter": "status ==== 'OK'"}, "status"},
		{"search_traces", map[string]any{"order_by": []string{"nonsense DESC"}}, "nonsense"},
		{"search_traces", map[string]any{"page_token": "garbage"}, "page token"},
		{"search_traces", map[string]any{"extract_fields": []string{"info.nope"}}, "invalid field path(s): info.nope"},
		{"search_traces", map[string]any{"extract_fields": []string{"info.`x"}}, "unclosed backtick"},
		{"get_trace", map[string]any{}, "trace_id"},
		{"get_trace", map[string]any{"trace_id": ""}, "trace_id is empty"},
		{"get_trace", map[string]any{"trace_id": "tr-missing"}, "tr-missing"},
		{"get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": f.gen}, "span_id and field go together"},
		{"get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": "nope", "field": "name"}, `has no span "nope"`},
		{"get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": f.gen, "field": "nope"}, `has no field "nope"`},
		{"get_trace", map[string]any{"trace_id": f.ids["answer"], "span_id": f.gen, "field": "name", "offset": 99}, "offset 99 is outside 0..8"},
		{"set_trace_tag", map[string]any{"trace_id": f.ids["answer"], "key": 3, "value": "v"}, "key"},
		{"log_feedback", map[string]any{"trace_id": f.ids["answer"], "value": true}, "name"},
		{"delete_traces", map[string]any{"trace_ids": "all", "confirm": true}, "trace_ids"},
	} {
		got := callErr(t, cs, c.tool, c.args)
		assert.Contains(t, got, c.want, "%s %v", c.tool, c.args)
	}
	// The server is still up, and nothing was deleted.
	assert.Equal(t, fmt.Sprintf(`{"traces":[{"info":{"trace_id":%q}},{"info":{"trace_id":%q}},{"info":{"trace_id":%q}}],"next_page_token":""}`,
		f.ids["chat"], f.ids["weather"], f.ids["answer"]),
		callOK(t, cs, "search_traces", map[string]any{"extract_fields": []string{"info.trace_id"}}))
}

func TestNoStore(t *testing.T) {
	_, cs := newSession(t, Options{StorePath: t.TempDir() + "/missing.db"})
	assert.Contains(t, callErr(t, cs, "search_traces", map[string]any{}), "no store at ")
}
