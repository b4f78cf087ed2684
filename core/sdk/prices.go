package sdk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// ModelPrice is what a model charges, in US dollars per million tokens.
type ModelPrice struct {
	// InputPerMillion is the price of a million input (prompt) tokens.
	InputPerMillion float64
	// OutputPerMillion is the price of a million output (completion) tokens.
	OutputPerMillion float64
}

// WithModelPrices prices model calls from a table the application gives, keyed by model
// name, so that traces carry their cost as MLflow records it: span attribute
// mlflow.llm.cost ({"input_cost","output_cost","total_cost"}, US dollars) and, summed over
// the trace, metadata mlflow.trace.cost. agentlens ships no price table: prices change and a
// built-in one would go stale, so the figures are the ones the application states.
//
// A span is priced on the export goroutine when it is a model span (CHAT_MODEL, LLM or
// EMBEDDING), names its model (mlflow.llm.model), has a token usage, and has no cost yet:
// a cost set with core.Span.SetCost, or by an adapter, is kept. The model name is looked up
// exactly first, then by the longest name in the table that it starts with, so that
// "gpt-4o-mini-2024-07-18" finds "gpt-4o-mini" (and, were that missing, "gpt-4o": register
// every model whose price differs). Input tokens are priced at the input price, cached ones
// included; output tokens at the output price. A model found nowhere is not priced.
// Pricing runs before the redaction hook (WithRedaction), which sees the cost.
//
// Each call replaces the table. An empty name is ignored; a negative, NaN or infinite price
// makes Configure fail.
func WithModelPrices(prices map[string]ModelPrice) Option {
	return optionFunc(func(c *config) { c.prices = newPriceTable(prices) })
}

// priceTable looks up model prices: exact names first, then prefixes, longest first.
type priceTable struct {
	exact    map[string]ModelPrice
	prefixes []string // the names of exact, longest first
}

func newPriceTable(prices map[string]ModelPrice) *priceTable {
	if len(prices) == 0 {
		return nil
	}
	p := &priceTable{exact: make(map[string]ModelPrice, len(prices))}
	for name, price := range prices {
		if name == "" {
			continue
		}
		p.exact[name] = price
		p.prefixes = append(p.prefixes, name)
	}
	slices.SortFunc(p.prefixes, func(a, b string) int {
		return cmp.Or(len(b)-len(a), strings.Compare(a, b))
	})
	return p
}

// validate rejects prices no bill has.
func (p *priceTable) validate() error {
	if p == nil {
		return nil
	}
	for _, name := range p.prefixes {
		price := p.exact[name]
		for _, f := range []float64{price.InputPerMillion, price.OutputPerMillion} {
			if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("agentlens: model price of %q: %v dollars per million tokens is not a price", name, f)
			}
		}
	}
	return nil
}

// lookup returns the price of model: its own, else that of the longest name it starts with.
func (p *priceTable) lookup(model string) (ModelPrice, bool) {
	if price, ok := p.exact[model]; ok {
		return price, true
	}
	for _, name := range p.prefixes {
		if strings.HasPrefix(model, name) {
			return p.exact[name], true
		}
	}
	return ModelPrice{}, false
}

// price records the cost of the trace's model spans that name a model with a price and have
// a token usage but no cost.
func (p *priceTable) price(t *tracedata.Trace) {
	if p == nil {
		return
	}
	for i := range t.Spans {
		s := &t.Spans[i]
		if _, ok := s.Attributes[spantypes.KeyLLMCost]; ok {
			continue
		}
		if _, ok := s.Attributes[spantypes.KeyChatTokenUsage]; !ok {
			continue
		}
		switch s.SpanType() {
		case spantypes.ChatModel, spantypes.LLM, spantypes.Embedding:
		default:
			continue
		}
		model := s.StringAttribute(spantypes.KeyLLMModel)
		if model == "" {
			continue
		}
		price, ok := p.lookup(model)
		if !ok {
			continue
		}
		u, ok := s.TokenUsage()
		if !ok {
			continue
		}
		in := float64(u.InputTokens) * price.InputPerMillion
		out := float64(u.OutputTokens) * price.OutputPerMillion
		// Divided last: when the products are exact (whole tokens times a price such as
		// 2.5), each figure is the float64 nearest its exact value.
		s.SetCost(tracedata.Cost{InputCost: in / 1e6, OutputCost: out / 1e6, TotalCost: (in + out) / 1e6})
	}
}
