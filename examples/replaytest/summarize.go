// Package replaytest is an example of testing code that calls the OpenAI API with agentlens:
// the test replays a cassette of an exchange with the API (generated in the API's wire format
// by the project's fake server; no key, no network, the same answer on every run) through
// the tracing transport, and checks both the result and the trace the
// code makes. Summarize is the code under test; summarize_test.go is the example to read.
package replaytest

import (
	"context"
	"errors"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
)

// Model is the model Summarize asks.
const Model = "gpt-4o-mini"

// Summarize returns a one-sentence summary of text written by the model. It runs in a CHAIN
// span named "summarize", so the model call it makes is traced as that span's child.
func Summarize(ctx context.Context, client *goopenai.Client, text string) (string, error) {
	return core.Trace(ctx, "summarize", func(ctx context.Context) (string, error) {
		resp, err := client.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
			Model: Model,
			Messages: []goopenai.ChatCompletionMessage{
				{Role: goopenai.ChatMessageRoleSystem, Content: "Summarize the user's text in one sentence of at most 25 words."},
				{Role: goopenai.ChatMessageRoleUser, Content: text},
			},
			MaxCompletionTokens: 60,
		})
		if err != nil {
			return "", err
		}
		if len(resp.Choices) == 0 {
			return "", errors.New("summarize: the model returned no choices")
		}
		return strings.TrimSpace(resp.Choices[0].Message.Content), nil
	}, core.WithSpanType(spantypes.Chain), core.WithInputs(map[string]any{"text": text}))
}
