package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

var loggedID = regexp.MustCompile(`^logged (feedback|expectation) (a-[0-9a-f]{32}) on (tr-[0-9a-f]{32})\n$`)

// logged runs a feedback or expectation command and returns the new assessment's id.
func (f fixture) logged(t *testing.T, args ...string) string {
	t.Helper()
	r := f.run(t, 0, "", append([]string{"traces"}, args...)...)
	m := loggedID.FindStringSubmatch(r.stdout)
	require.NotNil(t, m, "stdout %q", r.stdout)
	require.Equal(t, args[1], m[3])
	return m[2]
}

func (f fixture) listIDs(t *testing.T, filter string) []string {
	t.Helper()
	resp := decodeList(t, f.run(t, 0, "", "traces", "list", "--filter", filter, "--json").stdout)
	var out []string
	for _, tr := range resp.Traces {
		out = append(out, tr.TraceID)
	}
	return out
}

// Feedback logged from the CLI is found by --filter "feedback.NAME ...", with MLflow's
// answers on the three fixture traces (newest first: chat, weather, answer), and shown by
// traces show, get and assessments.
func TestFeedbackFromTheCLI(t *testing.T) {
	f := newFixture(t)
	answer, weather, chat := f.ids["answer"], f.ids["weather"], f.ids["chat"]
	fb := f.logged(t, "feedback", answer, "correctness", "true", "--rationale", "cites the docs", "--source-id", "alice")
	f.logged(t, "feedback", weather, "correctness", "false", "--source-type", "llm_judge", "--source-id", "judge")
	f.logged(t, "feedback", answer, "relevance", "0.9")
	f.logged(t, "feedback", chat, "relevance", "0.4")
	f.logged(t, "feedback", chat, "tone", "friendly and short") // not JSON: a string
	exp := f.logged(t, "expectation", weather, "expected_answer", "Paris", "--metadata", "set=golden")

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"feedback.correctness = 'true'", []string{answer}},
		{"feedback.correctness != 'true'", []string{weather}},
		{"feedback.relevance > 0.5", []string{answer}},
		{"feedback.relevance >= 0.4", []string{chat, answer}},
		{"feedback.relevance < 0.5 AND tag.env = 'staging'", []string{chat}},
		{"feedback.tone LIKE 'friendly%'", []string{chat}},
		{"feedback.tone RLIKE 'short$'", []string{chat}},
		{"expectation.expected_answer = 'Paris'", []string{weather}},
		{"expectation.expected_answer ILIKE 'paris'", []string{weather}},
		{"feedback.expected_answer = 'Paris'", nil},
	} {
		require.Equal(t, tc.want, f.listIDs(t, tc.filter), tc.filter)
	}

	// traces show prints them under the tree.
	r := f.run(t, 0, "", "traces", "show", answer)
	_, tail, ok := strings.Cut(r.stdout, "assessments:\n")
	require.True(t, ok, r.stdout)
	lines := strings.Split(strings.TrimSuffix(tail, "\n"), "\n")
	require.Len(t, lines, 3)
	require.Equal(t, "  feedback correctness = true  (HUMAN:alice) "+fb, lines[0])
	require.Equal(t, "    rationale: cites the docs", lines[1])
	require.Regexp(t, `^  feedback relevance = 0\.9  \(HUMAN:default\) a-[0-9a-f]{32}$`, lines[2])

	// traces get prints MLflow's JSON with info.assessments.
	r = f.run(t, 0, "", "traces", "get", answer)
	var tr tracedata.Trace
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &tr))
	require.Len(t, tr.Info.Assessments, 2)
	require.Equal(t, fb, tr.Info.Assessments[0].AssessmentID)
	require.Equal(t, "correctness", tr.Info.Assessments[0].Name)
	require.Equal(t, `true`, string(tr.Info.Assessments[0].Feedback.Value))
	require.Contains(t, r.stdout, `"assessment_name": "correctness"`)

	// --extract-fields with *, and backticks for a dotted key.
	r = f.run(t, 0, "", "traces", "get", weather, "--extract-fields",
		"info.trace_id,info.assessments.*.assessment_name,info.tags.`mlflow.traceName`,data.spans.*.name")
	require.JSONEq(t, `{"info": {"trace_id": "`+weather+`",
		"assessments": [{"assessment_name": "correctness"}, {"assessment_name": "expected_answer"}],
		"tags": {"mlflow.traceName": "lookup weather"}},
		"data": {"spans": [{"name": "lookup weather"}, {"name": "get_weather"}]}}`, r.stdout)

	// The list of a trace's assessments.
	r = f.run(t, 0, "", "traces", "assessments", weather)
	require.Regexp(t, `^ASSESSMENT ID +KIND +NAME +VALUE +SOURCE +VALID +SPAN +RATIONALE\n`+
		`a-[0-9a-f]{32} +feedback +correctness +false +LLM_JUDGE:judge +yes +- +-\n`+
		exp+` +expectation +expected_answer +Paris +HUMAN:default +yes +- +-\n$`, r.stdout)

	// Updating the feedback overrides it: the old one stays, invalid, and searches skip it.
	r = f.run(t, 0, "", "traces", "assessment-update", answer, fb, "false", "--rationale", "missed a step")
	require.Regexp(t, `^logged feedback a-[0-9a-f]{32} on `+answer+`, overriding `+fb+"\n$", r.stdout)
	newID := strings.Fields(r.stdout)[2]
	require.Nil(t, f.listIDs(t, "feedback.correctness = 'true'"))
	require.Equal(t, []string{weather, answer}, f.listIDs(t, "feedback.correctness = 'false'"))
	r = f.run(t, 0, "", "traces", "assessments", answer, "--json")
	var listed struct {
		Assessments []tracedata.Assessment `json:"assessments"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &listed))
	require.Len(t, listed.Assessments, 3)
	require.False(t, listed.Assessments[0].Valid)
	require.Equal(t, fb, listed.Assessments[2].Overrides)
	require.Contains(t, f.run(t, 0, "", "traces", "show", answer).stdout, "(HUMAN:alice, overridden) "+fb+"\n")

	// Deleting the override restores the old feedback.
	r = f.run(t, 0, "", "traces", "assessment-delete", answer, newID)
	require.Equal(t, "deleted "+newID+" from "+answer+"\n", r.stdout)
	require.Equal(t, []string{answer}, f.listIDs(t, "feedback.correctness = 'true'"))
}

func TestAssessmentCommandErrors(t *testing.T) {
	f := newFixture(t)
	answer := f.ids["answer"]
	for _, tc := range []struct {
		code   int
		args   []string
		stderr string
	}{
		{1, []string{"feedback", "tr-00000000000000000000000000000000", "ok", "true"}, `no trace "tr-00000000000000000000000000000000" in `},
		{1, []string{"feedback", answer, "a.b", "true"}, `assessment name "a.b" contains a "."`},
		{1, []string{"feedback", answer, " ", "true"}, "assessment name is empty"},
		{1, []string{"feedback", answer, "ok", "true", "--span", "ffffffffffffffff"}, `has no span "ffffffffffffffff"`},
		{2, []string{"feedback", answer, "ok", "NaN"}, `value "NaN" is not a finite number`},
		{2, []string{"expectation", answer, "ok", "--", "-Infinity"}, `is not a finite number`},
		{2, []string{"feedback", answer, "ok", "1", "--source-type", "ROBOT"}, `--source-type "ROBOT" is not HUMAN, LLM_JUDGE or CODE`},
		{2, []string{"feedback", answer, "ok"}, "traces feedback needs a trace ID, a NAME and a VALUE"},
		{1, []string{"assessment-delete", answer, "a-nope"}, `has no assessment "a-nope"`},
		{2, []string{"get", answer, "--extract-fields", "info.nope"}, "invalid field path(s): info.nope"},
		{2, []string{"get", answer, "--extract-fields", "info.trace_id,"}, "has an empty field"},
		{2, []string{"list", "--output", "yaml"}, `--output "yaml" is not table or json`},
		{2, []string{"list", "--filter", "feedback.score > 'high'"}, `expected a number, found "'high'"`},
	} {
		r := f.run(t, tc.code, "", append([]string{"traces"}, tc.args...)...)
		require.Contains(t, r.stderr, tc.stderr, tc.args)
	}
	// Nothing was written by the failed commands.
	st, err := store.OpenReadOnly(f.path)
	require.NoError(t, err)
	defer st.Close()
	tr, err := st.GetTrace(context.Background(), answer)
	require.NoError(t, err)
	require.Empty(t, tr.Info.Assessments)
}

func TestListExtractFields(t *testing.T) {
	f := newFixture(t)
	f.logged(t, "feedback", f.ids["weather"], "correctness", "false")
	r := f.run(t, 0, "", "traces", "list", "--extract-fields", "info.trace_id,info.tags.`mlflow.traceName`,data.spans.*.name,info.assessments.*.feedback.value")
	line := func(cols ...string) string { return fmt.Sprintf("%-37s%-30s%-37s%s\n", toAny(cols)...) }
	want := line("info.trace_id", "info.tags.`mlflow.traceName`", "data.spans.*.name", "info.assessments.*.feedback.value") +
		line(f.ids["chat"], `chat \x1b[31mred\x1b[0m`, `chat \x1b[31mred\x1b[0m`, "N/A") +
		line(f.ids["weather"], "lookup weather", "lookup weather, get_weather", "false") +
		line(f.ids["answer"], "answer question", "answer question, retrieve, generate", "N/A")
	require.Equal(t, want, r.stdout)

	r = f.run(t, 0, "", "traces", "list", "--filter", "feedback.correctness = 'false'", "--extract-fields", "info.trace_id,info.assessments.*.assessment_name", "--output", "json")
	require.JSONEq(t, `{"traces": [{"info": {"trace_id": "`+f.ids["weather"]+`", "assessments": [{"assessment_name": "correctness"}]}}], "next_page_token": ""}`, r.stdout)
	r = f.run(t, 0, "", "traces", "list", "--filter", "tag.env = 'prod'", "--output", "json")
	require.Equal(t, f.ids["answer"], decodeList(t, r.stdout).Traces[0].TraceID)
}
