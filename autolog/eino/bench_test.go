package eino_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	einoopenai "github.com/cloudwego/eino-ext/components/model/openai"
	"github.com/cloudwego/eino/components/prompt"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/tracetest"
)

// benchGraph is a graph of five nodes (template, model, three lambdas) over a loopback
// model server speaking OpenAI's wire format.
func benchGraph(b *testing.B) compose.Runnable[map[string]any, string] {
	b.Helper()
	srv := fakeopenai.Server(&testing.T{}, func(w http.ResponseWriter, path string, body []byte) {
		fakeopenai.WriteCompletion(w, "bench", 1764670000, poem, nil, fakeopenai.NewUsage(12, 10))
	})
	b.Cleanup(srv.Close)
	ctx := context.Background()
	cm, err := einoopenai.NewChatModel(ctx, &einoopenai.ChatModelConfig{APIKey: fakeopenai.Key, BaseURL: srv.URL + "/v1", Model: "gpt-4o-mini"})
	if err != nil {
		b.Fatal(err)
	}
	chain := compose.NewChain[map[string]any, string]()
	chain.AppendChatTemplate(prompt.FromMessages(schema.FString, schema.UserMessage("A poem about {topic}.")), compose.WithNodeName("prompt")).
		AppendChatModel(cm, compose.WithNodeName("model")).
		AppendLambda(compose.InvokableLambda(func(_ context.Context, m *schema.Message) (string, error) { return m.Content, nil }), compose.WithNodeName("text")).
		AppendLambda(compose.InvokableLambda(func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }), compose.WithNodeName("upper")).
		AppendLambda(compose.InvokableLambda(func(_ context.Context, s string) (string, error) { return strings.TrimSpace(s), nil }), compose.WithNodeName("trim"))
	r, err := chain.Compile(ctx, compose.WithGraphName("bench"))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkGraph(b *testing.B) {
	in := map[string]any{"topic": "rain"}
	run := func(b *testing.B, r compose.Runnable[map[string]any, string]) {
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := r.Invoke(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("untraced", func(b *testing.B) {
		run(b, benchGraph(b))
	})
	b.Run("traced", func(b *testing.B) {
		rec := tracetest.Capture(b)
		b.Cleanup(eino.Autolog())
		run(b, benchGraph(b))
		b.StopTimer()
		if n := len(rec.Traces()); n != b.N {
			b.Fatalf("%d traces for %d runs", n, b.N)
		}
	})
}
