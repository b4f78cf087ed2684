package langchaingo_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/prompts"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/sdk"
)

// The benchmarks run an LLMChain (one chat completion) against a loopback server, untraced
// and traced, with tracing configured by sdk.Override without destinations (each run is a
// whole trace, assembled and handed to nobody), and time the handler's callbacks alone.
//
// go test ./autolog/langchaingo -run '^$' -bench . -count 5

const benchCompletion = `{"id":"chatcmpl-bench","object":"chat.completion","created":1757930400,"model":"gpt-4o-mini-2024-07-18",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},"finish_reason":"stop"}],` +
	`"usage":{"prompt_tokens":14,"completion_tokens":7,"total_tokens":21}}`

func benchTracing(b *testing.B) {
	restore, err := sdk.Override(sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(restore)
	sdk.Enable()
}

func BenchmarkLLMChain(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchCompletion)
	}))
	b.Cleanup(srv.Close)
	for _, mode := range []string{"untraced", "handler", "wrappers", "handler+transport"} {
		b.Run(mode, func(b *testing.B) {
			base := &http.Transport{MaxIdleConnsPerHost: 4}
			b.Cleanup(base.CloseIdleConnections)
			var rt http.RoundTripper = base
			if mode != "untraced" {
				benchTracing(b)
			}
			if mode == "handler+transport" {
				rt = lcg.NewTransport(base)
			}
			h := lcg.NewHandler()
			opts := []openai.Option{openai.WithToken("k"), openai.WithBaseURL(srv.URL), openai.WithHTTPClient(&http.Client{Transport: rt})}
			if mode == "handler" || mode == "handler+transport" {
				opts = append(opts, openai.WithCallback(h))
			}
			llm, err := openai.New(opts...)
			if err != nil {
				b.Fatal(err)
			}
			var model llms.Model = llm
			if mode == "wrappers" {
				model = lcg.WrapModel(llm)
			}
			var chainOpts []chains.ChainCallOption
			if mode == "handler" || mode == "handler+transport" {
				chainOpts = append(chainOpts, chains.WithCallback(h))
			}
			var chain chains.Chain = chains.NewLLMChain(model, prompts.NewPromptTemplate("What is the capital of {{.country}}", []string{"country"}), chainOpts...)
			if mode == "wrappers" {
				chain = lcg.WrapChain(chain)
			}
			ctx := context.Background()
			in := map[string]any{"country": "France"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := chains.Call(ctx, chain, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandlerCallbacks times the four callbacks of one LLMChain run (chain start, LLM
// start, LLM end, chain end), without the chain: ns/callback is the handler's cost per
// callback, the whole trace's assembly included.
func BenchmarkHandlerCallbacks(b *testing.B) {
	benchTracing(b)
	h := lcg.NewHandler()
	ctx := context.Background()
	in := map[string]any{"country": "France"}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France")}
	resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "Paris is the capital of France.", StopReason: "stop",
		GenerationInfo: map[string]any{"PromptTokens": 14, "CompletionTokens": 7, "TotalTokens": 21},
	}}}
	out := map[string]any{"text": "Paris is the capital of France."}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.HandleChainStart(ctx, in)
		h.HandleLLMGenerateContentStart(ctx, msgs)
		h.HandleLLMGenerateContentEnd(ctx, resp)
		h.HandleChainEnd(ctx, out)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(4*b.N), "ns/callback")
}
