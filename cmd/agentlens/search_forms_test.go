package main

import (
	"fmt"
	"strings"
	"testing"
)

// MLflow 3's filter and order forms through the CLI, with the store's answer on the
// fixture's three traces (answer: OK, prod, session-42, 1.5 s; weather: ERROR, dev, a
// failed TOOL span, 250 ms; chat: OK, staging, 3.2 s), exact ids in exact order.
func TestListMLflow3Forms(t *testing.T) {
	f := newFixture(t)
	answer, weather, chat := f.ids["answer"], f.ids["weather"], f.ids["chat"]
	for _, tt := range []struct {
		filter string
		order  []string
		want   []string
	}{
		{"tags.mlflow.traceName = 'lookup weather'", nil, []string{weather}},
		{`tags."env" = 'prod'`, nil, []string{answer}},
		{"metadata.mlflow.trace.session = 'session-42'", nil, []string{answer}},
		{"name RLIKE '^(answer|lookup)'", nil, []string{weather, answer}},
		{"tag.env RLIKE 'd'", nil, []string{weather, answer}}, // dev, prod
		{"execution_time_ms > 249.5", nil, []string{chat, weather, answer}},
		{"execution_time_ms < 1500.5 AND execution_time_ms > 250.5", nil, []string{answer}},
		{"span.status = 'ERROR'", nil, []string{weather}},
		{"span.attributes.mlflow.spanType = 'RETRIEVER'", nil, []string{answer}},
		{"span.content ILIKE '%PARIS%'", nil, []string{weather}},
		{"trace.text LIKE '%doc two%'", nil, []string{answer}},
		{"run_id = 'run-1'", nil, nil},
		{"", []string{"tags.env"}, []string{weather, answer, chat}},
		{"", []string{"tags.env DESC"}, []string{chat, answer, weather}},
		{"", []string{"metadata.mlflow.trace.session"}, []string{answer, chat, weather}}, // without the key: last, newest first
		{"", []string{"status"}, []string{weather, chat, answer}},                        // ties newest first
	} {
		t.Run(fmt.Sprint(tt.filter, tt.order), func(t *testing.T) {
			args := []string{"traces", "list", "--json", "--filter", tt.filter}
			for _, o := range tt.order {
				args = append(args, "--order-by", o)
			}
			r := f.run(t, 0, "", args...)
			if got := ids(decodeList(t, r.stdout).Traces); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// A bad pattern is a usage error naming its position.
	r := f.run(t, 2, "", "traces", "list", "--filter", "name RLIKE 'a(b'")
	if want := "invalid filter \"name RLIKE 'a(b'\" at position 11: invalid regular expression"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q, want it to contain %q", r.stderr, want)
	}
}
