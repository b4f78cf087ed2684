package tracetest_test

import (
	"context"
	"fmt"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// In a test, tracetest.Capture(t) sets up the memory destination and restores the previous
// configuration afterwards; this example does by hand what Capture does.
func ExampleTree() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	ctx, root := core.StartSpan(context.Background(), "pipeline", core.WithSpanType(spantypes.Chain))
	_, step := core.StartSpan(ctx, "generate", core.WithSpanType(spantypes.ChatModel))
	step.End()
	root.End()

	_ = sdk.Flush(context.Background())
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// CHAIN pipeline OK
	//   CHAT_MODEL generate OK
}
