package core_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// printLastTrace prints the tree of the most recent trace of mem.
func printLastTrace(mem *sdk.MemoryDestination) {
	_ = sdk.Flush(context.Background())
	traces := mem.Traces()
	fmt.Print(tracetest.Tree(traces[len(traces)-1]))
}

func ExampleStartSpan() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	ctx, span := core.StartSpan(context.Background(), "answer",
		core.WithSpanType(spantypes.Chain), core.WithInputs("what is agentlens?"))
	_, retrieve := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever))
	retrieve.SetOutputs([]string{"doc-1", "doc-2"})
	retrieve.End()
	span.SetOutputs("a tracing SDK")
	span.End()

	printLastTrace(mem)
	// Output:
	// CHAIN answer OK
	//   RETRIEVER retrieve OK
}

func ExampleFunc() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	lookup := core.Func("lookup", func(_ context.Context, id int) (string, error) {
		if id < 0 {
			return "", errors.New("negative id")
		}
		return fmt.Sprintf("item-%d", id), nil
	}, core.WithSpanType(spantypes.Tool), core.WithArgNames("id"))

	v, _ := lookup(context.Background(), 7)
	fmt.Println(v)
	printLastTrace(mem)
	fmt.Println(string(mem.Traces()[0].RootSpan().Inputs()))
	// Output:
	// item-7
	// TOOL lookup OK
	// {"id":7}
}

func ExampleSeq() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	words := func(yield func(string) bool) {
		for _, w := range []string{"Hello", ", ", "world"} {
			if !yield(w) {
				return
			}
		}
	}
	stream := core.Seq(context.Background(), "stream", iter.Seq[string](words),
		core.WithReducer(func(chunks []string) any { return strings.Join(chunks, "") }))
	for w := range stream {
		fmt.Print(w)
	}
	fmt.Println()
	_ = sdk.Flush(context.Background())
	root := mem.Traces()[0].RootSpan()
	fmt.Println(len(root.Events), "chunk events, outputs", string(root.Outputs()))
	// Output:
	// Hello, world
	// 3 chunk events, outputs "Hello, world"
}

func ExampleClient() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	c := core.NewClient()
	root := c.StartTrace("on message", core.WithSpanType(spantypes.Chain))
	tool, _ := c.StartSpan("weather", root.TraceID(), root.SpanID(), core.WithSpanType(spantypes.Tool))
	_ = c.EndSpan(root.TraceID(), tool.SpanID(), core.WithOutputs("sunny"))
	_ = c.EndTrace(root.TraceID())

	printLastTrace(mem)
	// Output:
	// CHAIN on message OK
	//   TOOL weather OK
}
