package tracedata_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// sp builds a span with a name, id, parent and optional type ("" for none).
func sp(id, parent, name, typ string) tracedata.Span {
	s := tracedata.Span{TraceID: "tr-1", SpanID: id, ParentID: parent, Name: name}
	if typ != "" {
		s.Attributes = map[string]string{spantypes.KeySpanType: `"` + typ + `"`}
	}
	return s
}

// withUsage returns s with token usage recorded.
func withUsage(s tracedata.Span, in, out, total int64) tracedata.Span {
	attrs := map[string]string{}
	for k, v := range s.Attributes {
		attrs[k] = v
	}
	b, _ := json.Marshal(tracedata.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
	attrs[spantypes.KeyChatTokenUsage] = string(b)
	s.Attributes = attrs
	return s
}

func searchTrace() *tracedata.Trace {
	return &tracedata.Trace{Spans: []tracedata.Span{
		sp("r", "", "agent", spantypes.Agent),
		sp("t1", "r", "search_web", spantypes.Tool),
		sp("c1", "r", "chat", spantypes.ChatModel),
		sp("t2", "c1", "search_docs", spantypes.Tool),
		sp("u", "r", "untyped", ""),
		sp("t3", "r", "chat", spantypes.Tool),
	}}
}

func ids(spans []*tracedata.Span) []string {
	out := []string{}
	for _, s := range spans {
		out = append(out, s.SpanID)
	}
	return out
}

func TestSearchSpans(t *testing.T) {
	cases := []struct {
		name string
		q    tracedata.SpanQuery
		want []string
	}{
		{"empty query returns all", tracedata.SpanQuery{}, []string{"r", "t1", "c1", "t2", "u", "t3"}},
		{"exact name", tracedata.SpanQuery{Name: "chat"}, []string{"c1", "t3"}},
		{"exact name is not a prefix match", tracedata.SpanQuery{Name: "search"}, []string{}},
		{"name regexp", tracedata.SpanQuery{NameRegexp: regexp.MustCompile(`^search_`)}, []string{"t1", "t2"}},
		{"name regexp unanchored", tracedata.SpanQuery{NameRegexp: regexp.MustCompile(`a`)}, []string{"r", "t1", "c1", "t2", "t3"}},
		{"type", tracedata.SpanQuery{Type: spantypes.Tool}, []string{"t1", "t2", "t3"}},
		{"type unknown matches untyped span", tracedata.SpanQuery{Type: spantypes.Unknown}, []string{"u"}},
		{"type chat model", tracedata.SpanQuery{Type: spantypes.ChatModel}, []string{"c1"}},
		{"type is case sensitive", tracedata.SpanQuery{Type: "tool"}, []string{}},
		{"span id", tracedata.SpanQuery{SpanID: "t2"}, []string{"t2"}},
		{"missing span id", tracedata.SpanQuery{SpanID: "nope"}, []string{}},
		{"name and type", tracedata.SpanQuery{Name: "chat", Type: spantypes.Tool}, []string{"t3"}},
		{"name and type mismatch", tracedata.SpanQuery{Name: "agent", Type: spantypes.Tool}, []string{}},
		{"regexp and type", tracedata.SpanQuery{NameRegexp: regexp.MustCompile(`search`), Type: spantypes.Tool}, []string{"t1", "t2"}},
		{"regexp and id mismatch", tracedata.SpanQuery{NameRegexp: regexp.MustCompile(`search`), SpanID: "c1"}, []string{}},
		{"all criteria", tracedata.SpanQuery{Name: "search_docs", NameRegexp: regexp.MustCompile(`docs`), Type: spantypes.Tool, SpanID: "t2"}, []string{"t2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := searchTrace()
			got := tr.SearchSpans(c.q)
			if !reflect.DeepEqual(ids(got), c.want) {
				t.Errorf("SearchSpans = %v, want %v", ids(got), c.want)
			}
			// The results point into t.Spans.
			for _, s := range got {
				found := false
				for i := range tr.Spans {
					if s == &tr.Spans[i] {
						found = true
					}
				}
				if !found {
					t.Errorf("result %s does not point into t.Spans", s.SpanID)
				}
			}
		})
	}

	t.Run("pointers alias the trace", func(t *testing.T) {
		tr := searchTrace()
		got := tr.SearchSpans(tracedata.SpanQuery{SpanID: "c1"})
		if len(got) != 1 {
			t.Fatalf("got %d spans", len(got))
		}
		got[0].Name = "renamed"
		if tr.Spans[2].Name != "renamed" {
			t.Errorf("modifying the result did not modify t.Spans")
		}
	})
	t.Run("empty trace", func(t *testing.T) {
		var tr tracedata.Trace
		if got := tr.SearchSpans(tracedata.SpanQuery{}); len(got) != 0 {
			t.Errorf("SearchSpans on empty trace = %v", ids(got))
		}
	})
}

func TestTraceRootSpanAndSpanLookup(t *testing.T) {
	t.Run("root", func(t *testing.T) {
		tr := &tracedata.Trace{Spans: []tracedata.Span{
			sp("c", "r", "child", ""),
			sp("r", "", "root", ""),
		}}
		root := tr.RootSpan()
		if root == nil || root.SpanID != "r" {
			t.Fatalf("RootSpan = %+v, want span r", root)
		}
		if root != &tr.Spans[1] {
			t.Errorf("RootSpan does not point into t.Spans")
		}
	})
	t.Run("no spans", func(t *testing.T) {
		var tr tracedata.Trace
		if root := tr.RootSpan(); root != nil {
			t.Errorf("RootSpan of empty trace = %+v", root)
		}
	})
	t.Run("no parentless span", func(t *testing.T) {
		tr := &tracedata.Trace{Spans: []tracedata.Span{sp("a", "x", "a", "")}}
		if root := tr.RootSpan(); root != nil {
			t.Errorf("RootSpan = %+v, want nil", root)
		}
	})
	t.Run("span lookup", func(t *testing.T) {
		tr := searchTrace()
		for i, want := range []string{"r", "t1", "c1", "t2", "u", "t3"} {
			s := tr.Span(want)
			if s == nil || s.SpanID != want || s != &tr.Spans[i] {
				t.Errorf("Span(%q) = %+v, want &t.Spans[%d]", want, s, i)
			}
		}
		if s := tr.Span("missing"); s != nil {
			t.Errorf("Span(missing) = %+v", s)
		}
		if s := tr.Span(""); s != nil {
			t.Errorf("Span(\"\") = %+v", s)
		}
	})
}

type visit struct {
	id    string
	depth int
}

func walk(tr *tracedata.Trace) []visit {
	out := []visit{}
	tr.Walk(func(s *tracedata.Span, depth int) {
		out = append(out, visit{s.SpanID, depth})
	})
	return out
}

func TestTraceWalk(t *testing.T) {
	cases := []struct {
		name  string
		spans []tracedata.Span
		want  []visit
	}{
		{"empty", nil, []visit{}},
		{"single root", []tracedata.Span{sp("r", "", "r", "")}, []visit{{"r", 0}}},
		{
			"depth first, siblings in slice order",
			[]tracedata.Span{
				sp("r", "", "r", ""),
				sp("a", "r", "a", ""),
				sp("a1", "a", "a1", ""),
				sp("b", "r", "b", ""),
				sp("b1", "b", "b1", ""),
				sp("a2", "a", "a2", ""),
				sp("a2x", "a2", "a2x", ""),
			},
			[]visit{{"r", 0}, {"a", 1}, {"a1", 2}, {"a2", 2}, {"a2x", 3}, {"b", 1}, {"b1", 2}},
		},
		{
			"child listed before its parent",
			[]tracedata.Span{
				sp("r", "", "r", ""),
				sp("c", "p", "c", ""),
				sp("p", "r", "p", ""),
			},
			[]visit{{"r", 0}, {"p", 1}, {"c", 2}},
		},
		{
			"orphan visited as extra root after the root's subtree",
			[]tracedata.Span{
				sp("r", "", "r", ""),
				sp("a", "r", "a", ""),
				sp("o", "gone", "o", ""),
				sp("o1", "o", "o1", ""),
				sp("a1", "a", "a1", ""),
			},
			[]visit{{"r", 0}, {"a", 1}, {"a1", 2}, {"o", 0}, {"o1", 1}},
		},
		{
			"no root: orphans in slice order",
			[]tracedata.Span{
				sp("x", "gone1", "x", ""),
				sp("y", "gone2", "y", ""),
				sp("x1", "x", "x1", ""),
			},
			[]visit{{"x", 0}, {"x1", 1}, {"y", 0}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := &tracedata.Trace{Spans: c.spans}
			if got := walk(tr); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Walk = %v, want %v", got, c.want)
			}
		})
	}

	t.Run("visits pointers into t.Spans", func(t *testing.T) {
		tr := searchTrace()
		n := 0
		tr.Walk(func(s *tracedata.Span, depth int) {
			ok := false
			for i := range tr.Spans {
				ok = ok || s == &tr.Spans[i]
			}
			if !ok {
				t.Errorf("span %s is not a pointer into t.Spans", s.SpanID)
			}
			n++
		})
		if n != len(tr.Spans) {
			t.Errorf("visited %d spans, want %d", n, len(tr.Spans))
		}
	})

	// The doc comment (and MLflow's tree rendering) puts spans whose parent is missing after
	// the real root, but Walk visits roots in slice order.
	t.Run("orphan listed before the root", func(t *testing.T) {
		tr := &tracedata.Trace{Spans: []tracedata.Span{
			sp("o", "gone", "o", ""),
			sp("r", "", "r", ""),
			sp("c", "r", "c", ""),
		}}
		want := []visit{{"r", 0}, {"c", 1}, {"o", 0}}
		if got := walk(tr); !reflect.DeepEqual(got, want) {
			t.Errorf("Walk = %v, want %v", got, want)
		}
	})
}

func TestTraceTokenUsage(t *testing.T) {
	type u = tracedata.TokenUsage
	cases := []struct {
		name   string
		spans  []tracedata.Span
		want   u
		wantOK bool
	}{
		{"no spans", nil, u{}, false},
		{
			"no usage anywhere",
			[]tracedata.Span{sp("r", "", "r", spantypes.Chain), sp("c", "r", "c", spantypes.Tool)},
			u{}, false,
		},
		{
			"parent usage covers child usage",
			[]tracedata.Span{
				sp("r", "", "r", spantypes.Chain),
				withUsage(sp("m", "r", "m", spantypes.LLM), 10, 20, 30),
				withUsage(sp("m1", "m", "m1", spantypes.ChatModel), 10, 20, 30),
			},
			u{10, 20, 30}, true,
		},
		{
			"sibling model spans under a chain are summed",
			[]tracedata.Span{
				sp("r", "", "r", spantypes.Chain),
				withUsage(sp("m1", "r", "m1", spantypes.ChatModel), 1, 2, 3),
				withUsage(sp("m2", "r", "m2", spantypes.ChatModel), 4, 5, 9),
			},
			u{5, 7, 12}, true,
		},
		{
			"grandchild under usage-less child is counted",
			[]tracedata.Span{
				sp("r", "", "r", spantypes.Agent),
				sp("c", "r", "c", spantypes.Chain),
				withUsage(sp("g", "c", "g", spantypes.ChatModel), 2, 3, 5),
			},
			u{2, 3, 5}, true,
		},
		{
			"sibling after a skipped subtree is counted",
			[]tracedata.Span{
				sp("r", "", "r", spantypes.Chain),
				withUsage(sp("a", "r", "a", spantypes.LLM), 10, 20, 30),
				withUsage(sp("a1", "a", "a1", spantypes.LLM), 100, 100, 200),
				withUsage(sp("a11", "a1", "a11", spantypes.LLM), 1000, 1000, 2000),
				sp("b", "r", "b", spantypes.Chain),
				withUsage(sp("b1", "b", "b1", spantypes.LLM), 1, 1, 2),
			},
			u{11, 21, 32}, true,
		},
		{
			"usage on the root covers everything",
			[]tracedata.Span{
				withUsage(sp("r", "", "r", spantypes.Agent), 7, 8, 15),
				withUsage(sp("m1", "r", "m1", spantypes.ChatModel), 1, 2, 3),
				withUsage(sp("m2", "r", "m2", spantypes.ChatModel), 4, 5, 9),
			},
			u{7, 8, 15}, true,
		},
		{
			"malformed usage is ignored and its children counted",
			[]tracedata.Span{
				sp("r", "", "r", spantypes.Chain),
				{SpanID: "bad", ParentID: "r", Attributes: map[string]string{spantypes.KeyChatTokenUsage: `{"input_tokens":`}},
				withUsage(sp("m", "bad", "m", spantypes.LLM), 3, 4, 7),
			},
			u{3, 4, 7}, true,
		},
		{
			"orphan usage is counted",
			[]tracedata.Span{
				withUsage(sp("r", "", "r", spantypes.LLM), 1, 1, 2),
				withUsage(sp("o", "gone", "o", spantypes.LLM), 2, 2, 4),
			},
			u{3, 3, 6}, true,
		},
		{
			"zero usage still counts as found",
			[]tracedata.Span{withUsage(sp("r", "", "r", spantypes.LLM), 0, 0, 0)},
			u{}, true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := &tracedata.Trace{Spans: c.spans}
			got, ok := tr.TokenUsage()
			if got != c.want || ok != c.wantOK {
				t.Errorf("TokenUsage = %+v, %v; want %+v, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

func TestSpanAccessors(t *testing.T) {
	s := tracedata.Span{
		StartTimeUnixNano: 1700000000000000000,
		EndTimeUnixNano:   1700000001500000123,
		Attributes: map[string]string{
			"str":                    `"héllo \"世界\" <b>"`,
			"escaped":                `"\u00e9\n"`,
			"empty_str":              `""`,
			"num":                    `42`,
			"obj":                    `{"a":1}`,
			"arr":                    `[1,"x"]`,
			"null":                   `null`,
			"bad_str":                `"unterminated`,
			"not_json":               `plain text`,
			"empty":                  ``,
			spantypes.KeySpanType:    `"TOOL"`,
			spantypes.KeySpanInputs:  `{"q":"x"}`,
			spantypes.KeySpanOutputs: `"answer"`,
		},
	}

	t.Run("StringAttribute", func(t *testing.T) {
		cases := []struct{ key, want string }{
			{"str", `héllo "世界" <b>`},
			{"escaped", "é\n"},
			{"empty_str", ""},
			{"num", "42"},
			{"obj", `{"a":1}`},
			{"arr", `[1,"x"]`},
			{"null", "null"},
			{"bad_str", `"unterminated`},
			{"not_json", "plain text"},
			{"empty", ""},
			{"missing", ""},
			{spantypes.KeySpanType, "TOOL"},
		}
		for _, c := range cases {
			if got := s.StringAttribute(c.key); got != c.want {
				t.Errorf("StringAttribute(%q) = %q, want %q", c.key, got, c.want)
			}
		}
	})
	t.Run("Attribute", func(t *testing.T) {
		if got := s.Attribute("obj"); string(got) != `{"a":1}` {
			t.Errorf("Attribute(obj) = %s", got)
		}
		if got := s.Attribute("missing"); got != nil {
			t.Errorf("Attribute(missing) = %q, want nil", got)
		}
	})
	t.Run("Inputs and Outputs", func(t *testing.T) {
		if got := s.Inputs(); string(got) != `{"q":"x"}` {
			t.Errorf("Inputs = %s", got)
		}
		if got := s.Outputs(); string(got) != `"answer"` {
			t.Errorf("Outputs = %s", got)
		}
		var bare tracedata.Span
		if got := bare.Inputs(); got != nil {
			t.Errorf("Inputs of bare span = %q, want nil", got)
		}
		if got := bare.Outputs(); got != nil {
			t.Errorf("Outputs of bare span = %q, want nil", got)
		}
		other := tracedata.Span{Attributes: map[string]string{"x": "1"}}
		if other.Inputs() != nil || other.Outputs() != nil {
			t.Errorf("Inputs/Outputs of span without them = %q, %q", other.Inputs(), other.Outputs())
		}
	})
	t.Run("SpanType", func(t *testing.T) {
		cases := []struct {
			name  string
			attrs map[string]string
			want  string
		}{
			{"tool", map[string]string{spantypes.KeySpanType: `"TOOL"`}, spantypes.Tool},
			{"custom", map[string]string{spantypes.KeySpanType: `"MY_TYPE"`}, "MY_TYPE"},
			{"missing", map[string]string{}, spantypes.Unknown},
			{"nil attributes", nil, spantypes.Unknown},
			{"empty string", map[string]string{spantypes.KeySpanType: `""`}, spantypes.Unknown},
		}
		for _, c := range cases {
			s := tracedata.Span{Attributes: c.attrs}
			if got := s.SpanType(); got != c.want {
				t.Errorf("%s: SpanType = %q, want %q", c.name, got, c.want)
			}
		}
	})
	t.Run("times", func(t *testing.T) {
		if got, want := s.Duration(), 1500*time.Millisecond+123; got != want {
			t.Errorf("Duration = %v, want %v", got, want)
		}
		if got := s.StartTime(); !got.Equal(time.Unix(1700000000, 0)) {
			t.Errorf("StartTime = %v", got)
		}
		if got := s.EndTime(); !got.Equal(time.Unix(1700000001, 500000123)) {
			t.Errorf("EndTime = %v", got)
		}
	})
	t.Run("TokenUsage", func(t *testing.T) {
		cases := []struct {
			name   string
			attrs  map[string]string
			want   tracedata.TokenUsage
			wantOK bool
		}{
			{"valid", map[string]string{spantypes.KeyChatTokenUsage: `{"input_tokens":12,"output_tokens":30,"total_tokens":42}`},
				tracedata.TokenUsage{InputTokens: 12, OutputTokens: 30, TotalTokens: 42}, true},
			{"partial", map[string]string{spantypes.KeyChatTokenUsage: `{"input_tokens":5}`},
				tracedata.TokenUsage{InputTokens: 5}, true},
			{"missing", map[string]string{}, tracedata.TokenUsage{}, false},
			{"nil attributes", nil, tracedata.TokenUsage{}, false},
			{"malformed", map[string]string{spantypes.KeyChatTokenUsage: `{"input_tokens":`}, tracedata.TokenUsage{}, false},
			{"wrong type", map[string]string{spantypes.KeyChatTokenUsage: `"lots"`}, tracedata.TokenUsage{}, false},
			{"wrong field type", map[string]string{spantypes.KeyChatTokenUsage: `{"input_tokens":"5"}`}, tracedata.TokenUsage{}, false},
			{"empty", map[string]string{spantypes.KeyChatTokenUsage: ``}, tracedata.TokenUsage{}, false},
		}
		for _, c := range cases {
			s := tracedata.Span{Attributes: c.attrs}
			got, ok := s.TokenUsage()
			if got != c.want || ok != c.wantOK {
				t.Errorf("%s: TokenUsage = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.wantOK)
			}
		}
	})
}

func TestTokenUsageAddAndString(t *testing.T) {
	a := tracedata.TokenUsage{InputTokens: 1, OutputTokens: 2, TotalTokens: 3}
	b := tracedata.TokenUsage{InputTokens: 10, OutputTokens: 20, TotalTokens: 30}
	if got, want := a.Add(b), (tracedata.TokenUsage{InputTokens: 11, OutputTokens: 22, TotalTokens: 33}); got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
	if a.InputTokens != 1 {
		t.Errorf("Add modified its receiver")
	}
	if got, want := (tracedata.TokenUsage{InputTokens: 12, OutputTokens: 30, TotalTokens: 42}).String(), "12 in / 30 out / 42 total"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := (tracedata.TokenUsage{}).String(); got != "0 in / 0 out / 0 total" {
		t.Errorf("zero String = %q", got)
	}
	b2, _ := json.Marshal(a)
	if string(b2) != `{"input_tokens":1,"output_tokens":2,"total_tokens":3}` {
		t.Errorf("TokenUsage JSON = %s", b2)
	}
}

func TestTraceInfoTimes(t *testing.T) {
	info := tracedata.TraceInfo{TimestampMS: 1700000000123, ExecutionTimeMS: 1500}
	if got := info.RequestTime(); !got.Equal(time.UnixMilli(1700000000123)) ||
		got.UTC().Format(time.RFC3339Nano) != "2023-11-14T22:13:20.123Z" {
		t.Errorf("RequestTime = %v", got)
	}
	if got := info.ExecutionDuration(); got != 1500*time.Millisecond {
		t.Errorf("ExecutionDuration = %v", got)
	}
}

func TestTraceStateAndStatusValues(t *testing.T) {
	got := strings.Join([]string{
		string(tracedata.StateUnspecified), string(tracedata.StateOK), string(tracedata.StateError),
		string(tracedata.StateInProgress), string(tracedata.StatusUnset), string(tracedata.StatusOK),
		string(tracedata.StatusError),
	}, ",")
	if want := "STATE_UNSPECIFIED,OK,ERROR,IN_PROGRESS,UNSET,OK,ERROR"; got != want {
		t.Errorf("values = %s, want %s", got, want)
	}
}

func TestTraceInputsAndOutputs(t *testing.T) {
	tr := tracedata.Trace{Spans: []tracedata.Span{
		{SpanID: "2", ParentID: "1", Attributes: map[string]string{"mlflow.spanInputs": `"child"`}},
		{SpanID: "1", Attributes: map[string]string{"mlflow.spanInputs": `{"q":"hi"}`, "mlflow.spanOutputs": `"hello"`}},
	}}
	if got := string(tr.Inputs()); got != `{"q":"hi"}` {
		t.Errorf("Inputs = %s", got)
	}
	if got := string(tr.Outputs()); got != `"hello"` {
		t.Errorf("Outputs = %s", got)
	}
	var empty tracedata.Trace
	if empty.Inputs() != nil || empty.Outputs() != nil {
		t.Error("a trace without spans has inputs or outputs")
	}
}
