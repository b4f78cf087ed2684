package sdk_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

// Prices as a provider lists them, in dollars per million tokens.
var testPrices = map[string]sdk.ModelPrice{
	"gpt-4o":                 {InputPerMillion: 2.5, OutputPerMillion: 10},
	"gpt-4o-mini":            {InputPerMillion: 0.15, OutputPerMillion: 0.6},
	"text-embedding-3-small": {InputPerMillion: 0.02},
}

// modelSpan starts and ends a child span of ctx with a type, a model and a token usage
// (none when in and out are negative).
func modelSpan(ctx context.Context, name, typ, model string, in, out int64, opts ...func(*core.Span)) {
	_, s := core.StartSpan(ctx, name, core.WithSpanType(typ))
	if model != "" {
		s.SetAttribute(spantypes.KeyLLMModel, model)
	}
	if in >= 0 {
		s.SetTokenUsage(core.TokenUsage{InputTokens: in, OutputTokens: out})
	}
	for _, o := range opts {
		o(s)
	}
	s.End()
}

func costAttrs(t *tracedata.Trace) map[string]string {
	out := map[string]string{}
	for _, s := range t.Spans {
		if c, ok := s.Attributes[spantypes.KeyLLMCost]; ok {
			out[s.Name] = c
		}
	}
	return out
}

func TestModelPricesCostModelSpans(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithModelPrices(testPrices))
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	// 1000 in at $2.50/M, 500 out at $10/M.
	modelSpan(ctx, "plan", spantypes.ChatModel, "gpt-4o", 1000, 500)
	// A dated version finds its family by the longest prefix: gpt-4o-mini, not gpt-4o.
	modelSpan(ctx, "draft", spantypes.ChatModel, "gpt-4o-mini-2024-07-18", 2000, 1000)
	// LLM and EMBEDDING spans are model spans too.
	modelSpan(ctx, "complete", spantypes.LLM, "gpt-4o-2024-08-06", 400, 100)
	modelSpan(ctx, "embed", spantypes.Embedding, "text-embedding-3-small", 5000, 0)
	// A cost set on the span is kept; its zero total is filled in.
	modelSpan(ctx, "explicit", spantypes.ChatModel, "gpt-4o", 100, 100, func(s *core.Span) {
		s.SetCost(core.Cost{InputCost: 0.25, OutputCost: 0.5})
	})
	// Not priced: a model the table lacks, a span without usage, one without a model, and
	// a span that is not a model span.
	modelSpan(ctx, "unknown model", spantypes.ChatModel, "claude-sonnet-4", 10, 10)
	modelSpan(ctx, "no usage", spantypes.ChatModel, "gpt-4o", -1, -1)
	modelSpan(ctx, "no model", spantypes.ChatModel, "", 10, 10)
	modelSpan(ctx, "tool", spantypes.Tool, "gpt-4o", 10, 10)
	root.End()

	tr := rec.LastTrace()
	assert.Equal(t, map[string]string{
		"plan":     `{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`,
		"draft":    `{"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009}`,
		"complete": `{"input_cost":0.001,"output_cost":0.001,"total_cost":0.002}`,
		"embed":    `{"input_cost":0.0001,"output_cost":0,"total_cost":0.0001}`,
		"explicit": `{"input_cost":0.25,"output_cost":0.5,"total_cost":0.75}`,
	}, costAttrs(tr))
	// The trace sums the five, as float64 addition in depth-first order gives it.
	var sum tracedata.Cost
	for _, name := range []string{"plan", "draft", "complete", "embed", "explicit"} {
		c, ok := tr.SearchSpans(core.SpanQuery{Name: name})[0].Cost()
		require.True(t, ok, name)
		sum = sum.Add(c)
	}
	assert.Equal(t, string(sum.AppendJSON(nil)), tr.Info.Metadata[spantypes.MetaCost])
	assert.InDelta(t, 0.2539, sum.InputCost, 1e-15)
	assert.InDelta(t, 0.5066, sum.OutputCost, 1e-15)
	assert.InDelta(t, 0.7605, sum.TotalCost, 1e-15)
}

// The trace's cost skips the descendants of a span that has a cost, as its token usage
// does; the figures here are sums of binary fractions, exact in float64.
func TestTraceCostSumsOutermostSpans(t *testing.T) {
	rec := agtest.Capture(t, sdk.WithModelPrices(map[string]sdk.ModelPrice{"m-large": {InputPerMillion: 2, OutputPerMillion: 8}}))
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	modelSpan(ctx, "call 1", spantypes.ChatModel, "m-large", 62_500, 15_625) // 0.125 + 0.125
	wctx, wrapper := core.StartSpan(ctx, "wrapper", core.WithSpanType(spantypes.Chain))
	wrapper.SetCost(core.Cost{InputCost: 0.5, OutputCost: 0.25})
	modelSpan(wctx, "call 2", spantypes.ChatModel, "m-large", 62_500, 62_500) // covered by wrapper
	wrapper.End()
	modelSpan(ctx, "call 3", spantypes.LLM, "m-large-2025", 125_000, 0) // 0.25 + 0
	root.End()

	tr := rec.LastTrace()
	assert.Equal(t, map[string]string{
		"call 1":  `{"input_cost":0.125,"output_cost":0.125,"total_cost":0.25}`,
		"wrapper": `{"input_cost":0.5,"output_cost":0.25,"total_cost":0.75}`,
		"call 2":  `{"input_cost":0.125,"output_cost":0.5,"total_cost":0.625}`,
		"call 3":  `{"input_cost":0.25,"output_cost":0,"total_cost":0.25}`,
	}, costAttrs(tr))
	assert.Equal(t, `{"input_cost":0.875,"output_cost":0.375,"total_cost":1.25}`, tr.Info.Metadata[spantypes.MetaCost])
	// Tokens are summed on their own: the wrapper has no usage, so call 2's tokens count.
	assert.Equal(t, `{"input_tokens":250000,"output_tokens":78125,"total_tokens":328125}`, tr.Info.Metadata[spantypes.MetaTokenUsage])

	// A trace without a cost has no cost metadata.
	_, plain := core.StartSpan(context.Background(), "no cost", core.WithSpanType(spantypes.ChatModel))
	plain.SetTokenUsage(core.TokenUsage{InputTokens: 3, OutputTokens: 4})
	plain.End()
	_, ok := rec.LastTrace().Info.Metadata[spantypes.MetaCost]
	assert.False(t, ok)
}

// Without a price table nothing is priced, and costs the program sets are still summed.
func TestCostWithoutPriceTable(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	modelSpan(ctx, "priced by the provider", spantypes.ChatModel, "gpt-4o", 10, 20, func(s *core.Span) {
		s.SetCost(core.Cost{InputCost: 0.0000025, OutputCost: 0.0002, TotalCost: 0.0002025})
	})
	modelSpan(ctx, "unpriced", spantypes.ChatModel, "gpt-4o", 1000, 1000)
	root.End()
	tr := rec.LastTrace()
	assert.Equal(t, map[string]string{
		"priced by the provider": `{"input_cost":0.0000025,"output_cost":0.0002,"total_cost":0.0002025}`,
	}, costAttrs(tr))
	assert.Equal(t, `{"input_cost":0.0000025,"output_cost":0.0002,"total_cost":0.0002025}`, tr.Info.Metadata[spantypes.MetaCost])
}

// The redaction hook runs after pricing: it sees the cost and may remove it.
func TestRedactionSeesCost(t *testing.T) {
	var seen []string
	rec := agtest.Capture(t, sdk.WithModelPrices(testPrices), sdk.WithRedaction(func(s *tracedata.Span) {
		if c, ok := s.Attributes[spantypes.KeyLLMCost]; ok {
			seen = append(seen, s.Name+" "+c)
			delete(s.Attributes, spantypes.KeyLLMCost)
		}
	}))
	modelSpan(context.Background(), "chat", spantypes.ChatModel, "gpt-4o", 1000, 500)
	tr := rec.LastTrace()
	assert.Equal(t, []string{`chat {"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`}, seen)
	assert.Empty(t, costAttrs(tr))
	_, ok := tr.Info.Metadata[spantypes.MetaCost]
	assert.False(t, ok)
}

func TestModelPricesAreChecked(t *testing.T) {
	for _, p := range []sdk.ModelPrice{{InputPerMillion: -1}, {OutputPerMillion: math.NaN()}, {InputPerMillion: math.Inf(1)}} {
		_, err := sdk.Override(sdk.WithModelPrices(map[string]sdk.ModelPrice{"gpt-4o": p}))
		require.Error(t, err, "%+v", p)
		assert.True(t, strings.HasPrefix(err.Error(), `agentlens: model price of "gpt-4o": `), err.Error())
	}
	// An empty name is ignored rather than pricing every model.
	rec := agtest.Capture(t, sdk.WithModelPrices(map[string]sdk.ModelPrice{"": {InputPerMillion: 1}}))
	modelSpan(context.Background(), "chat", spantypes.ChatModel, "gpt-4o", 1000, 500)
	assert.Empty(t, costAttrs(rec.LastTrace()))
}
