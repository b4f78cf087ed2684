package tracedata_test

import (
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
)

func TestInsertEvents(t *testing.T) {
	ev := func(name string, at int64) tracedata.Event { return tracedata.Event{Name: name, TimeUnixNano: at} }
	names := func(evs []tracedata.Event) string {
		var b strings.Builder
		for _, e := range evs {
			b.WriteString(e.Name + " ")
		}
		return strings.TrimSpace(b.String())
	}
	tests := []struct {
		name     string
		existing []tracedata.Event
		add      []tracedata.Event
		want     string
	}{
		{"into none", nil, []tracedata.Event{ev("c0", 1), ev("c1", 2)}, "c0 c1"},
		{"nothing added", []tracedata.Event{ev("x", 1)}, nil, "x"},
		{"after earlier, before later", []tracedata.Event{ev("a", 1), ev("z", 9)}, []tracedata.Event{ev("c0", 3), ev("c1", 5)}, "a c0 c1 z"},
		{"first among equals", []tracedata.Event{ev("exception", 5)}, []tracedata.Event{ev("c0", 5), ev("c1", 6)}, "c0 exception c1"},
		{"all after", []tracedata.Event{ev("a", 1)}, []tracedata.Event{ev("c0", 2)}, "a c0"},
		{"all before", []tracedata.Event{ev("z", 9)}, []tracedata.Event{ev("c0", 2)}, "c0 z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tracedata.Span{Events: tt.existing}
			s.InsertEvents(tt.add)
			if got := names(s.Events); got != tt.want {
				t.Errorf("events %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSpanTokenUsage(t *testing.T) {
	tests := []struct {
		attr string
		want tracedata.TokenUsage
		ok   bool
	}{
		{`{"input_tokens":3,"output_tokens":4,"total_tokens":7}`, tracedata.TokenUsage{InputTokens: 3, OutputTokens: 4, TotalTokens: 7}, true},
		{`{"input_tokens":3,"output_tokens":null,"extra":{"x":[1]}}`, tracedata.TokenUsage{InputTokens: 3}, true},
		{`{}`, tracedata.TokenUsage{}, true},
		{" {\"input_tokens\":2}\n", tracedata.TokenUsage{InputTokens: 2}, true},
		{`{"input_tokens":1.5}`, tracedata.TokenUsage{}, false},
		{`{"input_tokens":"3"}`, tracedata.TokenUsage{}, false},
		{`{"input_tokens":3`, tracedata.TokenUsage{}, false},
		{`null`, tracedata.TokenUsage{}, false},
		{`[3]`, tracedata.TokenUsage{}, false},
	}
	for _, tt := range tests {
		s := tracedata.Span{Attributes: map[string]string{"mlflow.chat.tokenUsage": tt.attr}}
		if got, ok := s.TokenUsage(); got != tt.want || ok != tt.ok {
			t.Errorf("%s: usage %+v %v, want %+v %v", tt.attr, got, ok, tt.want, tt.ok)
		}
	}
}
