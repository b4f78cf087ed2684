package store

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var filterSeeds = []string{
	"",
	"   ",
	"status = 'OK'",
	"state IN ('ok', 'error') AND timestamp_ms > -5",
	"attributes.timestamp_ms >= 1700000000000 and execution_time < 10",
	"trace.name LIKE '%bot%' AND request_id NOT IN ('a', \"b\")",
	"tag.`mlflow.traceName` = 'it''s' AND tags.env != \"say \\\"hi\\\"\"",
	"metadata.user ILIKE 'u%' AND request_metadata.`a b=c` = ''",
	"span.name = 'x' AND span.type IN ('LLM') AND span.span_type != 'TOOL'",
	"`timestamp_ms` = 5 AND `state` LIKE 'o%'",
	"name='a'AND tag.x!='y'",
	"\tname\t=\t'a'\n\tAND\ntimestamp_ms<-1",
	"status = 'OK' OR name = 'x'",
	"status = 'OK' AND",
	"name == 'x'",
	"name IN ()",
	"tag.`abc = 'x'",
	"name = 'abc",
	"timestamp_ms = 99999999999999999999",
	"tag.a.b = 'x'",
	"name = 'a\\\\' AND tag.k = '\\'x'",
	"name = 'a' \xff",
	"feedback.correctness = 'true' AND feedback.score >= 3.5 AND expectation.`answer` LIKE '%Paris%'",
	"feedback.\"score\" != -2 AND expectation.facts RLIKE '^\\[' AND feedback.x ILIKE 'A_'",
	"feedback.a.b = 'x'",
	"expectation.e < 3",
}

var orderBySeeds = []string{
	"",
	"timestamp_ms DESC",
	"name",
	"execution_time_ms asc",
	"attributes.`status` Desc",
	"trace.trace_id ASC",
	"tag.x DESC",
	"timestamp_ms DESC extra",
	"`name",
}

// FuzzParseFilter checks that ParseFilter never panics, reports errors as
// *FilterError within the input, and that a parsed filter, written back in
// canonical form, parses to the same clauses.
func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, filter string) {
		clauses, err := ParseFilter(filter)
		if err != nil {
			checkFilterError(t, err, filter)
			return
		}
		blank := strings.TrimSpace(filter) == ""
		if blank != (len(clauses) == 0) {
			t.Fatalf("ParseFilter(%q) gave %d clauses", filter, len(clauses))
		}
		for _, c := range clauses {
			if c.Pos < 0 || c.Pos >= len(filter) {
				t.Fatalf("ParseFilter(%q): clause Pos %d out of range", filter, c.Pos)
			}
			if len(c.Values) == 0 || (len(c.Values) > 1 && c.Op != OpIn && c.Op != OpNotIn) {
				t.Fatalf("ParseFilter(%q): %d values for %s", filter, len(c.Values), c.Op)
			}
			for _, v := range c.Values {
				if v.IsNum != c.Field.IsNumeric() && !c.Field.IsAssessment() {
					t.Fatalf("ParseFilter(%q): IsNum %v for field %s", filter, v.IsNum, c.Field)
				}
			}
		}
		again := formatClauses(clauses)
		got, err := ParseFilter(again)
		if err != nil {
			t.Fatalf("ParseFilter(%q) = %#v, formatted as %q, which fails: %v", filter, clauses, again, err)
		}
		if !reflect.DeepEqual(clausesWithoutPos(got), clausesWithoutPos(clauses)) {
			t.Fatalf("ParseFilter(%q) = %#v\nformatted as %q parses to %#v", filter, clauses, again, got)
		}
	})
}

// FuzzParseOrderBy checks that ParseOrderBy never panics, reports errors as
// *FilterError on the offending expression, and round-trips what it accepts.
func FuzzParseOrderBy(f *testing.F) {
	for _, s := range orderBySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		exprs := strings.Split(in, ",")
		order, err := ParseOrderBy(exprs)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseOrderBy(%q) error %T %v, want *FilterError", exprs, err, err)
			}
			found := false
			for _, e := range exprs {
				found = found || e == fe.Input
			}
			if !found {
				t.Fatalf("ParseOrderBy(%q): error Input %q is none of the expressions", exprs, fe.Input)
			}
			checkFilterError(t, err, fe.Input)
			return
		}
		if len(order) != len(exprs) {
			t.Fatalf("ParseOrderBy(%q) gave %d keys", exprs, len(order))
		}
		again := make([]string, len(order))
		for i, o := range order {
			if o.Field.Kind == FieldSpan {
				t.Fatalf("ParseOrderBy(%q): a span field %#v", exprs, o.Field)
			}
			again[i] = o.Field.String() + " ASC"
			if o.Desc {
				again[i] = o.Field.String() + " DESC"
			}
		}
		got, err := ParseOrderBy(again)
		if err != nil || !reflect.DeepEqual(got, order) {
			t.Fatalf("ParseOrderBy(%q) = %#v; formatted as %q it gives %#v, %v", exprs, order, again, got, err)
		}
	})
}

func checkFilterError(t *testing.T, err error, input string) {
	t.Helper()
	var fe *FilterError
	if !errors.As(err, &fe) {
		t.Fatalf("input %q: error %T %v, want *FilterError", input, err, err)
	}
	if fe.Input != input {
		t.Fatalf("input %q: error Input %q", input, fe.Input)
	}
	if fe.Pos < 0 || fe.Pos > len(input) {
		t.Fatalf("input %q: error Pos %d out of [0, %d]", input, fe.Pos, len(input))
	}
	if fe.Msg == "" {
		t.Fatalf("input %q: empty error message", input)
	}
}

// formatClauses writes clauses in canonical form.
func formatClauses(clauses []Clause) string {
	parts := make([]string, len(clauses))
	for i, c := range clauses {
		vals := make([]string, len(c.Values))
		for j, v := range c.Values {
			switch {
			case v.IsFloat:
				vals[j] = strconv.FormatFloat(v.Float, 'f', -1, 64)
				if !strings.Contains(vals[j], ".") {
					vals[j] += ".0"
				}
			case v.IsNum:
				vals[j] = strconv.FormatInt(v.Num, 10)
			default:
				vals[j] = "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(v.Str) + "'"
			}
		}
		val := vals[0]
		if c.Op == OpIn || c.Op == OpNotIn {
			val = "(" + strings.Join(vals, ", ") + ")"
		}
		parts[i] = c.Field.String() + " " + string(c.Op) + " " + val
	}
	return strings.Join(parts, " AND ")
}

func clausesWithoutPos(clauses []Clause) []Clause {
	out := make([]Clause, len(clauses))
	for i, c := range clauses {
		c.Pos = 0
		out[i] = c
	}
	return out
}

func TestFilterSeedsRoundTrip(t *testing.T) {
	for _, s := range filterSeeds {
		clauses, err := ParseFilter(s)
		if err != nil {
			continue
		}
		again := formatClauses(clauses)
		got, err := ParseFilter(again)
		if err != nil || !reflect.DeepEqual(clausesWithoutPos(got), clausesWithoutPos(clauses)) {
			t.Errorf("%q formatted as %q gives %#v, %v", s, again, got, err)
		}
	}
}
