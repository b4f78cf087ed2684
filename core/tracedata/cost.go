package tracedata

import (
	"math"
	"strconv"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Cost is what one model call or, aggregated, a whole trace cost, in US dollars, as MLflow
// records it: span attribute mlflow.llm.cost and trace metadata mlflow.trace.cost hold it as
// {"input_cost","output_cost","total_cost"}.
type Cost struct {
	InputCost  float64 `json:"input_cost"`
	OutputCost float64 `json:"output_cost"`
	TotalCost  float64 `json:"total_cost"`
}

// Add returns the sum of c and d.
func (c Cost) Add(d Cost) Cost {
	return Cost{
		InputCost:  c.InputCost + d.InputCost,
		OutputCost: c.OutputCost + d.OutputCost,
		TotalCost:  c.TotalCost + d.TotalCost,
	}
}

// AppendJSON appends c as the JSON object MLflow records for cost. JSON has no NaN or
// infinity: such a figure is written as 0.
func (c Cost) AppendJSON(b []byte) []byte {
	b = append(b, `{"input_cost":`...)
	b = appendJSONFloat(b, c.InputCost)
	b = append(b, `,"output_cost":`...)
	b = appendJSONFloat(b, c.OutputCost)
	b = append(b, `,"total_cost":`...)
	b = appendJSONFloat(b, c.TotalCost)
	return append(b, '}')
}

// appendJSONFloat writes f as encoding/json does, NaN and infinities as 0.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return jsonenc.AppendFloat(b, f)
}

// String renders c compactly in dollars, e.g. "$0.0025 in / $0.005 out / $0.0075 total".
func (c Cost) String() string {
	d := func(f float64) string { return "$" + string(appendJSONFloat(nil, f)) }
	return d(c.InputCost) + " in / " + d(c.OutputCost) + " out / " + d(c.TotalCost) + " total"
}

// Cost returns the cost recorded on the span (attribute mlflow.llm.cost), and whether there
// was one.
func (s *Span) Cost() (Cost, bool) {
	v, ok := s.Attributes[spantypes.KeyLLMCost]
	if !ok {
		return Cost{}, false
	}
	return parseCost(v)
}

// parseCost reads a cost object: the three figures, each a number or null, a missing one
// counting 0 as MLflow sums it; anything else is not a cost.
func parseCost(js string) (Cost, bool) {
	f, ok := readFigures(js, &costKeys, func(raw string) (float64, bool) {
		x, err := strconv.ParseFloat(raw, 64)
		return x, err == nil && !math.IsInf(x, 0)
	})
	return Cost{InputCost: f[0], OutputCost: f[1], TotalCost: f[2]}, ok
}

var costKeys = [3]string{"input_cost", "output_cost", "total_cost"}

// SetCost records c as mlflow.llm.cost; a zero total is filled in as input + output.
func (s *Span) SetCost(c Cost) {
	if c.TotalCost == 0 {
		c.TotalCost = c.InputCost + c.OutputCost
	}
	if s.Attributes == nil {
		s.Attributes = map[string]string{}
	}
	var buf [96]byte
	s.Attributes[spantypes.KeyLLMCost] = string(c.AppendJSON(buf[:0]))
}

// Cost returns the trace's cost, summed as TokenUsage sums tokens (MLflow sums both alike):
// depth first, not below a span that has a cost of its own, which already covers its
// children; and whether any span had a cost.
func (t *Trace) Cost() (Cost, bool) {
	return sumOutermost(t, spantypes.KeyLLMCost, (*Span).Cost)
}
