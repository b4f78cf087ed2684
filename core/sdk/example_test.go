package sdk_test

import (
	"context"
	"fmt"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
)

// Traces are read back from a destination that keeps them: the local store in a program,
// a MemoryDestination here.
func ExampleGetTrace() {
	restore, _ := sdk.Override(sdk.WithDestinations(sdk.NewMemoryDestination()))
	defer restore()

	ctx, span := core.StartSpan(context.Background(), "chat", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": "Hello!"}}}))
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{SessionID: "s-1"})
	span.SetOutputs("Hi there.")
	span.End()

	t, err := sdk.GetTrace(context.Background(), sdk.LastActiveTraceID())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Info.State, t.Info.Tags["mlflow.traceName"], t.Info.Metadata["mlflow.trace.session"])
	fmt.Printf("%q -> %q\n", t.Info.RequestPreview, t.Info.ResponsePreview)
	// Output:
	// OK chat s-1
	// "Hello!" -> "Hi there."
}

// WithModelPrices prices model spans from their token usage; a dated model name finds its
// family by prefix.
func ExampleWithModelPrices() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem), sdk.WithModelPrices(map[string]sdk.ModelPrice{
		"gpt-4o":      {InputPerMillion: 2.50, OutputPerMillion: 10},
		"gpt-4o-mini": {InputPerMillion: 0.15, OutputPerMillion: 0.60},
	}))
	defer restore()

	_, span := core.StartSpan(context.Background(), "chat", core.WithSpanType(spantypes.ChatModel),
		core.WithAttributes(map[string]any{spantypes.KeyLLMModel: "gpt-4o-mini-2024-07-18"}))
	span.SetTokenUsage(core.TokenUsage{InputTokens: 2000, OutputTokens: 1000})
	span.End()

	_ = sdk.Flush(context.Background())
	t := mem.Traces()[0]
	fmt.Println(t.RootSpan().Attributes[spantypes.KeyLLMCost])
	fmt.Println(t.Info.Metadata[spantypes.MetaCost])
	// Output:
	// {"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009}
	// {"input_cost":0.0003,"output_cost":0.0006,"total_cost":0.0009}
}
