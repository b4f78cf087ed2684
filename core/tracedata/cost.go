package tracedata

import (
	"math"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
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

// appendJSONFloat writes f as encoding/json does: the shortest decimal that reads back as f,
// in exponent form only for very small or very large magnitudes.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// "1e-07" as encoding/json writes it: "1e-7".
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
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
	obj, ok := jsontext.Object(js)
	if !ok {
		return Cost{}, false
	}
	var c Cost
	obj.ForEach(func(key, v gjson.Result) bool {
		var f *float64
		switch key.Str {
		case "input_cost":
			f = &c.InputCost
		case "output_cost":
			f = &c.OutputCost
		case "total_cost":
			f = &c.TotalCost
		default:
			return true
		}
		switch v.Type {
		case gjson.Null:
		case gjson.Number:
			x, err := strconv.ParseFloat(v.Raw, 64)
			*f, ok = x, err == nil && !math.IsInf(x, 0)
		default:
			ok = false
		}
		return ok
	})
	if !ok {
		return Cost{}, false
	}
	return c, true
}

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
