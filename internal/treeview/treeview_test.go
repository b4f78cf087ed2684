package treeview

import (
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

func TestRows(t *testing.T) {
	sp := func(id, parent, name string) tracedata.Span {
		return tracedata.Span{SpanID: id, ParentID: parent, Name: name, Status: tracedata.Status{Code: tracedata.StatusOK},
			Attributes: map[string]string{spantypes.KeySpanType: `"CHAIN"`}}
	}
	tr := &tracedata.Trace{Spans: []tracedata.Span{
		sp("r", "", "root"), sp("a", "r", "a"), sp("a1", "a", "a1"), sp("b", "r", "b"), sp("b1", "b", "b1"), sp("b2", "b", "b2"),
	}}
	var got []string
	for _, r := range Rows(tr) {
		got = append(got, r.Prefix+r.Span.Name+" | "+r.Detail)
	}
	want := []string{
		"└─ root |    │  ",
		"   ├─ a |    │  │  ",
		"   │  └─ a1 |    │        ",
		"   └─ b |       │  ",
		"      ├─ b1 |       │     ",
		"      └─ b2 |             ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLinesEscapeUntrustedText(t *testing.T) {
	s := tracedata.Span{SpanID: "r", Name: "evil\x1b[2J", Status: tracedata.Status{Code: tracedata.StatusError, Message: "bad\nline"}}
	if got := SpanLine(&s, 120); got != `UNKNOWN evil\x1b[2J ERROR 0s (bad\nline)` {
		t.Errorf("SpanLine = %q", got)
	}
	tr := &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: "tr-1", State: tracedata.StateOK,
		Tags: map[string]string{spantypes.TagTraceName: "name\x07"}}}
	if got := Header(tr); got != `trace tr-1 "name\a" OK 0s` {
		t.Errorf("Header = %q", got)
	}
}

func TestLinesShowCost(t *testing.T) {
	s := tracedata.Span{SpanID: "r", Name: "chat", Status: tracedata.Status{Code: tracedata.StatusOK},
		Attributes: map[string]string{spantypes.KeySpanType: `"CHAT_MODEL"`,
			spantypes.KeyChatTokenUsage: `{"input_tokens":1000,"output_tokens":500,"total_tokens":1500}`,
			spantypes.KeyLLMCost:        `{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`}}
	if got := SpanLine(&s, 120); got != `CHAT_MODEL chat OK 0s tokens=1500 cost=$0.0075` {
		t.Errorf("SpanLine = %q", got)
	}
	tr := &tracedata.Trace{Info: tracedata.TraceInfo{TraceID: "tr-1", State: tracedata.StateOK,
		Tags: map[string]string{spantypes.TagTraceName: "chat"}}, Spans: []tracedata.Span{s}}
	if got := Header(tr); got != `trace tr-1 "chat" OK 0s tokens=1500 cost=$0.0075` {
		t.Errorf("Header = %q", got)
	}
}
