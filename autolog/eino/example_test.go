package eino_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudwego/eino/compose"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/tracetest"
)

// Trace one graph run with a handler of its own.
func ExampleNewHandler() {
	mem := sdk.NewMemoryDestination()
	restore, err := sdk.Override(sdk.WithDestinations(mem))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer restore()
	sdk.Enable()

	g := compose.NewGraph[string, string]()
	_ = g.AddLambdaNode("upper", compose.InvokableLambda(func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	}), compose.WithNodeName("upper"))
	_ = g.AddEdge(compose.START, "upper")
	_ = g.AddEdge("upper", compose.END)
	r, _ := g.Compile(context.Background(), compose.WithGraphName("shout"))

	out, _ := r.Invoke(context.Background(), "hello", compose.WithCallbacks(eino.NewHandler()))
	fmt.Println(out)
	_ = sdk.Flush(context.Background())
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// HELLO
	// CHAIN shout OK
	//   CHAIN upper OK
}
