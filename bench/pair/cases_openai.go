package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	openaigo "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
)

func openaiTransport(base http.RoundTripper) http.RoundTripper { return openai.NewTransport(base) }

func chatRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: "You are a concise assistant."},
			{Role: goopenai.ChatMessageRoleUser, Content: "In one sentence, why does Go treat errors as values?"},
		},
	}
}

func (e *env) goopenaiClient(hc *http.Client) *goopenai.Client {
	cfg := goopenai.DefaultConfig("sk-pairbench")
	cfg.BaseURL = e.url + "/v1"
	cfg.HTTPClient = hc
	return goopenai.NewClientWithConfig(cfg)
}

// goopenaiChat is one go-openai chat completion.
func (e *env) goopenaiChat(hc *http.Client) (func() error, error) {
	client := e.goopenaiClient(hc)
	ctx := context.Background()
	req := chatRequest()
	return func() error {
		resp, err := client.CreateChatCompletion(ctx, req)
		if err != nil {
			return err
		}
		if resp.Usage.TotalTokens != 51 {
			return fmt.Errorf("go-openai: usage %+v", resp.Usage)
		}
		return nil
	}, nil
}

// openaigoChat is the same chat completion made with openai-go.
func (e *env) openaigoChat(hc *http.Client) (func() error, error) {
	client := openaigo.NewClient(option.WithHTTPClient(hc), option.WithBaseURL(e.url+"/v1/"),
		option.WithAPIKey("sk-pairbench"), option.WithMaxRetries(0))
	ctx := context.Background()
	params := openaigo.ChatCompletionNewParams{
		Model: "gpt-4o-mini",
		Messages: []openaigo.ChatCompletionMessageParamUnion{
			openaigo.SystemMessage("You are a concise assistant."),
			openaigo.UserMessage("In one sentence, why does Go treat errors as values?"),
		},
	}
	return func() error {
		resp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			return err
		}
		if resp.Usage.TotalTokens != 51 {
			return fmt.Errorf("openai-go: usage %+v", resp.Usage)
		}
		return nil
	}, nil
}

// goopenaiStream reads a whole streamed chat completion of streamChunks chunks.
func (e *env) goopenaiStream(hc *http.Client) (func() error, error) {
	client := e.goopenaiClient(hc)
	ctx := context.Background()
	req := chatRequest()
	req.Stream = true
	req.StreamOptions = &goopenai.StreamOptions{IncludeUsage: true}
	return func() error {
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
		if n != streamChunks {
			return fmt.Errorf("go-openai stream: %d chunks, want %d", n, streamChunks)
		}
		return nil
	}, nil
}

// goopenaiEmbedding embeds one text.
func (e *env) goopenaiEmbedding(hc *http.Client) (func() error, error) {
	client := e.goopenaiClient(hc)
	ctx := context.Background()
	req := goopenai.EmbeddingRequest{Input: []string{"Go treats errors as values."}, Model: goopenai.SmallEmbedding3}
	return func() error {
		resp, err := client.CreateEmbeddings(ctx, req)
		if err != nil {
			return err
		}
		if len(resp.Data) != 1 || len(resp.Data[0].Embedding) != embeddingDims {
			return fmt.Errorf("go-openai embeddings: %d vectors", len(resp.Data))
		}
		return nil
	}, nil
}

func (e *env) openaiCases() []*benchCase {
	three := func(call func(*http.Client) (func() error, error)) []arm {
		return []arm{
			e.httpArm(modeUntraced, "", nil, call, 0),
			e.httpArm(modeAgentlens, "", openaiTransport, call, 1),
			e.httpArm(modeOTelHTTP, "", nil, call, 1),
		}
	}
	return []*benchCase{
		{
			name: "go-openai chat", unit: "call", baseline: modeOTelHTTP,
			arms: []arm{
				e.httpArm(modeUntraced, "", nil, e.goopenaiChat, 0),
				e.httpArm(modeUntraced, "untraced (A/A)", nil, e.goopenaiChat, 0),
				e.httpArm(modeAgentlens, "", openaiTransport, e.goopenaiChat, 1),
				e.httpArm(modeOTelHTTP, "", nil, e.goopenaiChat, 1),
				e.httpArm(modeDisabled, "", openaiTransport, e.goopenaiChat, 1),
				e.httpArm(modeStore, "", openaiTransport, e.goopenaiChat, 1),
			},
		},
		{name: "openai-go chat", unit: "call", baseline: modeOTelHTTP, arms: three(e.openaigoChat)},
		{name: "go-openai stream, 200 chunks", unit: "call", baseline: modeOTelHTTP, arms: three(e.goopenaiStream)},
		{name: "go-openai embeddings", unit: "call", baseline: modeOTelHTTP, arms: three(e.goopenaiEmbedding)},
	}
}
