package tracedata_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

func TestSpanCost(t *testing.T) {
	tests := []struct {
		attr string
		want tracedata.Cost
		ok   bool
	}{
		{`{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`, tracedata.Cost{InputCost: 0.0025, OutputCost: 0.005, TotalCost: 0.0075}, true},
		// Integers, exponents, nulls and missing keys (0, as MLflow sums them); other keys ignored.
		{`{"input_cost":1,"output_cost":null,"currency":"USD"}`, tracedata.Cost{InputCost: 1}, true},
		{`{"total_cost":2.5e-7}`, tracedata.Cost{TotalCost: 2.5e-7}, true},
		{`{}`, tracedata.Cost{}, true},
		{`{"input_cost":"0.1"}`, tracedata.Cost{}, false},
		{`{"input_cost":1e999}`, tracedata.Cost{}, false},
		{`{"input_cost":1`, tracedata.Cost{}, false},
		{`0.5`, tracedata.Cost{}, false},
		{`null`, tracedata.Cost{}, false},
	}
	for _, tt := range tests {
		s := tracedata.Span{Attributes: map[string]string{spantypes.KeyLLMCost: tt.attr}}
		if got, ok := s.Cost(); got != tt.want || ok != tt.ok {
			t.Errorf("%s: cost %+v %v, want %+v %v", tt.attr, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := (&tracedata.Span{}).Cost(); ok {
		t.Error("a span without the attribute has a cost")
	}
}

func TestCostJSON(t *testing.T) {
	for _, tt := range []struct {
		c    tracedata.Cost
		want string
	}{
		{tracedata.Cost{InputCost: 0.0025, OutputCost: 0.005, TotalCost: 0.0075}, `{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`},
		{tracedata.Cost{InputCost: 1e-7, OutputCost: 12, TotalCost: 2e21}, `{"input_cost":1e-7,"output_cost":12,"total_cost":2e+21}`},
		{tracedata.Cost{InputCost: math.NaN(), OutputCost: math.Inf(-1), TotalCost: -0.5}, `{"input_cost":0,"output_cost":0,"total_cost":-0.5}`},
	} {
		got := string(tt.c.AppendJSON(nil))
		if got != tt.want {
			t.Errorf("AppendJSON(%+v) = %s, want %s", tt.c, got, tt.want)
		}
		// As encoding/json writes the same figures, when it can.
		if !math.IsNaN(tt.c.InputCost) {
			if b, _ := json.Marshal(tt.c); string(b) != got {
				t.Errorf("encoding/json writes %s, AppendJSON %s", b, got)
			}
		}
	}
	if got := (tracedata.Cost{InputCost: 0.0025, OutputCost: 0.005, TotalCost: 0.0075}).String(); got != "$0.0025 in / $0.005 out / $0.0075 total" {
		t.Errorf("String() = %q", got)
	}
}

func TestSetCostFillsTotal(t *testing.T) {
	var s tracedata.Span
	s.SetCost(tracedata.Cost{InputCost: 0.25, OutputCost: 0.5})
	if got := s.Attributes[spantypes.KeyLLMCost]; got != `{"input_cost":0.25,"output_cost":0.5,"total_cost":0.75}` {
		t.Errorf("attribute = %s", got)
	}
	s.SetCost(tracedata.Cost{InputCost: 0.25, OutputCost: 0.5, TotalCost: 1})
	if got := s.Attributes[spantypes.KeyLLMCost]; got != `{"input_cost":0.25,"output_cost":0.5,"total_cost":1}` {
		t.Errorf("attribute with its own total = %s", got)
	}
}

// A trace's cost: depth first, not below a span with a cost; a span whose cost does not
// parse counts as having none, so its children count.
func TestTraceCost(t *testing.T) {
	span := func(id, parent, cost string) tracedata.Span {
		s := tracedata.Span{SpanID: id, ParentID: parent, Attributes: map[string]string{}}
		if cost != "" {
			s.Attributes[spantypes.KeyLLMCost] = cost
		}
		return s
	}
	tr := tracedata.Trace{Spans: []tracedata.Span{
		span("r", "", ""),
		span("a", "r", `{"input_cost":0.5,"output_cost":0.25,"total_cost":0.75}`),
		span("a1", "a", `{"input_cost":8,"output_cost":8,"total_cost":16}`), // covered by a
		span("b", "r", `"broken"`),
		span("b1", "b", `{"input_cost":0.125,"total_cost":0.125}`),
	}}
	got, ok := tr.Cost()
	if want := (tracedata.Cost{InputCost: 0.625, OutputCost: 0.25, TotalCost: 0.875}); !ok || got != want {
		t.Errorf("Cost() = %+v %v, want %+v", got, ok, want)
	}
	if _, ok := (&tracedata.Trace{Spans: []tracedata.Span{span("r", "", "")}}).Cost(); ok {
		t.Error("a trace without costs has one")
	}
	one := tracedata.Trace{Spans: []tracedata.Span{span("r", "", `{"total_cost":3}`)}}
	if got, ok := one.Cost(); !ok || got != (tracedata.Cost{TotalCost: 3}) {
		t.Errorf("one span: %+v %v", got, ok)
	}
}
