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
