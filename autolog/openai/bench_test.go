package openai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/internal/benchhttp"
)

// The benchmarks time one go-openai call against a loopback server, three ways over the same
// kind of base transport (a plain *http.Transport with keep-alive connections):
//
//   - untraced: the base transport alone;
//   - agentlens: openai.NewTransport over it, tracing configured with sdk.Override and a
//     discarding logger, so each call is a whole one-span trace, assembled and handed to no
//     destination;
//   - otelhttp: otelhttp.NewTransport over it, with an OpenTelemetry SDK TracerProvider that
//     has no exporter.
//
// go test ./autolog/openai -run '^$' -bench . -count 5

// benchCompletion is the response to the plain call, a chat.completion as the API sends it.
const benchCompletion = `{
  "id": "chatcmpl-CBenchB9MHDbslfkBeAs8l4bebGd",
  "object": "chat.completion",
  "created": 1757930400,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "Go's error values make failure paths explicit: every call site decides what to do, and nothing unwinds the stack behind your back.",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 24,
    "completion_tokens": 27,
    "total_tokens": 51,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "service_tier": "default",
  "system_fingerprint": "fp_560af6e559"
}
`

// benchStreamChunks is the number of chat.completion.chunk events of the streamed response:
// the role chunk, content chunks, the finish chunk and the usage chunk (then [DONE]).
const benchStreamChunks = 200

// benchStreamEvents are the SSE events of the streamed response, each written and flushed
// on its own as the API sends them.
var benchStreamEvents = func() []string {
	head := `{"id":"chatcmpl-CBenchStreamHDbslfkBeAs8l4beb","object":"chat.completion.chunk","created":1757930400,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559",`
	chunk := func(delta, finish string) string {
		return "data: " + head + `"choices":[{"index":0,"delta":` + delta + `,"logprobs":null,"finish_reason":` + finish + `}],"usage":null,"obfuscation":"Xs0vkFeG"}` + "\n\n"
	}
	words := strings.Fields("Go treats errors as ordinary values so that every failure stays visible in the control flow of the program")
	events := []string{chunk(`{"role":"assistant","content":"","refusal":null}`, "null")}
	for i := 0; len(events) < benchStreamChunks-2; i++ {
		events = append(events, chunk(`{"content":" `+words[i%len(words)]+`"}`, "null"))
	}
	events = append(events,
		chunk(`{}`, `"stop"`),
		"data: "+head+`"choices":[],"usage":{"prompt_tokens":24,"completion_tokens":197,"total_tokens":221,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"b7jp2X2I"}`+"\n\n",
		"data: [DONE]\n\n")
	return events
}()

func benchRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: "You are a concise assistant."},
			{Role: goopenai.ChatMessageRoleUser, Content: "In one sentence, why does Go treat errors as values?"},
		},
	}
}

// benchServer answers every request with the plain response, or the stream when the request
// asks for one.
func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), `"stream":true`) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, benchCompletion)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		f := w.(http.Flusher)
		for _, e := range benchStreamEvents {
			_, _ = io.WriteString(w, e)
			f.Flush()
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchModes = benchhttp.Modes

// benchClient returns a go-openai client for srv whose HTTP goes through mode's transport.
func benchClient(b *testing.B, srv *httptest.Server, mode string) *goopenai.Client {
	rt := benchhttp.Transport(b, mode, func(base http.RoundTripper) http.RoundTripper { return openai.NewTransport(base) })
	cfg := goopenai.DefaultConfig("sk-bench")
	cfg.BaseURL = srv.URL + "/v1"
	cfg.HTTPClient = &http.Client{Transport: rt}
	return goopenai.NewClientWithConfig(cfg)
}

func BenchmarkChatCompletion(b *testing.B) {
	for _, mode := range benchModes {
		b.Run(mode, func(b *testing.B) {
			client := benchClient(b, benchServer(b), mode)
			ctx := context.Background()
			req := benchRequest()
			call := func() {
				resp, err := client.CreateChatCompletion(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				if resp.Usage.TotalTokens != 51 {
					b.Fatalf("usage %+v", resp.Usage)
				}
			}
			call() // open the connection
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				call()
			}
		})
	}
}

func BenchmarkChatCompletionStream(b *testing.B) {
	for _, mode := range benchModes {
		b.Run(mode, func(b *testing.B) {
			client := benchClient(b, benchServer(b), mode)
			ctx := context.Background()
			req := benchRequest()
			req.StreamOptions = &goopenai.StreamOptions{IncludeUsage: true}
			call := func() {
				if err := benchReadStream(ctx, client, req); err != nil {
					b.Fatal(err)
				}
			}
			call() // open the connection
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				call()
			}
		})
	}
}

// benchReadStream reads a whole stream and checks it had every chunk.
func benchReadStream(ctx context.Context, client *goopenai.Client, req goopenai.ChatCompletionRequest) error {
	stream, err := client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	n := 0
	for {
		_, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n++
	}
	if n != benchStreamChunks {
		return fmt.Errorf("%d chunks, want %d", n, benchStreamChunks)
	}
	return nil
}
