// Command manual traces a small retrieval-augmented answer pipeline by hand, with every
// kind of manual instrumentation core offers: StartSpan, a Func-wrapped function, a Seq
// iterator with a reducer, and the low-level Client driven by explicit ids from callbacks.
// It runs offline: the "model" is a deterministic stand-in, so the trace is the point.
//
//	go run ./examples/manual
package main

import (
	"context"
	"fmt"
	"iter"
	"log"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
)

var documents = []string{
	"agentlens records every run of a Go agent as a trace: a tree of typed spans.",
	"Spans carry inputs, outputs, token usage, timings, errors and tags.",
	"Traces go to a local store by default and can be exported to MLflow or OTLP.",
	"The Go gopher was drawn by Renee French.",
}

// embed turns text into a bag-of-words vector; a stand-in for an embedding model.
var embed = core.Func("embed", func(_ context.Context, text string) (map[string]int, error) {
	vec := map[string]int{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		vec[strings.Trim(w, ".,:?!")]++
	}
	return vec, nil
}, core.WithSpanType(spantypes.Embedding), core.WithArgNames("text"))

// retrieve returns the k documents sharing most words with the question.
func retrieve(ctx context.Context, question string, k int) ([]string, error) {
	ctx, span := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever),
		core.WithInputs(map[string]any{"query": question, "k": k}))
	defer span.End()

	q, err := embed(ctx, question)
	if err != nil {
		span.RecordError(err)
		return nil, err
	}
	type scored struct {
		doc   string
		score int
	}
	var ranked []scored
	for _, d := range documents {
		dv, err := embed(ctx, d)
		if err != nil {
			span.RecordError(err)
			return nil, err
		}
		s := 0
		for w, n := range q {
			s += n * dv[w]
		}
		ranked = append(ranked, scored{d, s})
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].score > ranked[j].score })
	var out []string
	for _, r := range ranked[:k] {
		out = append(out, r.doc)
	}
	span.SetOutputs(out)
	return out, nil
}

// generate streams an answer token by token; a stand-in for a streaming chat model.
func generate(ctx context.Context, question string, context []string) iter.Seq[string] {
	answer := "From the docs: " + context[0]
	tokens := strings.SplitAfter(answer, " ")
	stream := func(yield func(string) bool) {
		for _, t := range tokens {
			if !yield(t) {
				return
			}
		}
	}
	return core.Seq(ctx, "generate", stream,
		core.WithSpanType(spantypes.ChatModel),
		core.WithInputs(map[string]any{"messages": []map[string]string{
			{"role": "system", "content": "Answer from the context: " + strings.Join(context, " ")},
			{"role": "user", "content": question},
		}}),
		core.WithReducer(func(chunks []string) any {
			return map[string]any{"choices": []any{map[string]any{
				"message": map[string]string{"role": "assistant", "content": strings.Join(chunks, "")},
			}}}
		}))
}

// auditor receives callbacks from an imaginary event bus: the work starts in one callback
// and ends in another, so it uses the low-level client with explicit ids.
type auditor struct {
	client  *core.Client
	traceID string
	parent  string
	open    map[string]string // event id -> span id
}

func (a *auditor) onStart(event string) {
	span, err := a.client.StartSpan("audit "+event, a.traceID, a.parent, core.WithSpanType(spantypes.Guardrail))
	if err != nil {
		log.Printf("audit: %v", err)
		return
	}
	a.open[event] = span.SpanID()
}

func (a *auditor) onEnd(event string, verdict string) {
	if err := a.client.EndSpan(a.traceID, a.open[event], core.WithOutputs(verdict)); err != nil {
		log.Printf("audit: %v", err)
	}
}

func answer(ctx context.Context, question string) (string, error) {
	ctx, span := core.StartSpan(ctx, "answer question", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": question}}}))
	defer span.End()
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{SessionID: "demo-session", User: "gopher",
		Tags: map[string]string{"example": "manual"}})

	audit := &auditor{client: core.NewClient(), traceID: span.TraceID(), parent: span.SpanID(), open: map[string]string{}}
	audit.onStart("question")
	audit.onEnd("question", "allowed")

	docs, err := retrieve(ctx, question, 2)
	if err != nil {
		span.RecordError(err)
		return "", err
	}
	text := strings.Join(slices.Collect(generate(ctx, question, docs)), "")
	span.SetTokenUsage(core.TokenUsage{InputTokens: int64(len(strings.Fields(question))), OutputTokens: int64(len(strings.Fields(text)))})
	span.SetOutputs(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": text}}}})
	return text, nil
}

func main() {
	// Traces go to the local store (./agentlens.db unless AGENTLENS_STORE says otherwise)
	// and, for this demo, are also printed as trees.
	if err := sdk.Configure(sdk.WithDestinations(sdk.NewConsoleDestination(os.Stdout))); err != nil {
		log.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sdk.Shutdown(ctx); err != nil {
			log.Print(err)
		}
	}()

	text, err := answer(context.Background(), "Where do traces go by default?")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("answer:", text)
	if err := sdk.Flush(context.Background()); err != nil {
		log.Fatal(err)
	}
	id := sdk.LastActiveTraceID()
	t, err := sdk.GetTrace(context.Background(), id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("request preview: %q\nresponse preview: %q\n", t.Info.RequestPreview, t.Info.ResponsePreview)
	if st := sdk.LocalStore(); st != nil {
		fmt.Printf("\nstored in %s; see it again with:\n  go run ./cmd/agentlens --store %s traces show %s\n", st.Path(), st.Path(), id)
	}
}
