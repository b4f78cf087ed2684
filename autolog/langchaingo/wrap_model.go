package langchaingo

import (
	"context"

	"github.com/tmc/langchaingo/llms"

	"github.com/agentlens/agentlens/spantypes"
)

// Model is an llms.Model whose GenerateContent calls are traced: one CHAT_MODEL span per
// call, named after the model's type ("openai.LLM"), with the messages, the response, token
// usage and stream chunks. The HTTP adapter below (Autolog, NewTransport) enriches this span
// instead of adding a second one.
type Model struct {
	inner llms.Model
	cfg   config
	name  string
}

var _ llms.Model = (*Model)(nil)

// WrapModel returns m traced. If m also fires callbacks to this package's handler, the
// handler joins the wrapper's span.
func WrapModel(m llms.Model, opts ...Option) *Model {
	if w, ok := m.(*Model); ok {
		return w
	}
	return &Model{inner: m, cfg: newConfig(opts), name: typeName(m)}
}

// Unwrap returns the wrapped model.
func (m *Model) Unwrap() llms.Model { return m.inner }

// GenerateContent calls the wrapped model's GenerateContent in a span.
func (m *Model) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	w, ok := begin(ctx, &m.cfg, kindLLM, false, m.name, spantypes.ChatModel, func() any { return messagesInput(messages) })
	if !ok {
		return m.inner.GenerateContent(ctx, messages, options...)
	}
	var opts llms.CallOptions
	for _, o := range options {
		if o != nil {
			o(&opts)
		}
	}
	if opts.Model != "" {
		w.span.SetAttribute(spantypes.KeyGenAIRequestModel, opts.Model)
		w.span.SetAttribute(spantypes.KeyLLMModel, opts.Model)
	}
	if user := opts.StreamingFunc; user != nil {
		// Record each chunk as it passes on to the caller's function (the last option wins).
		i := 0
		content := w.content
		options = append(options, llms.WithStreamingFunc(func(ctx context.Context, chunk []byte) error {
			if w.claim.http.Load() {
				// The OpenAI adapter below records the raw chunks.
				return user(ctx, chunk)
			}
			if content {
				w.span.AddChunkEvent(i, string(chunk))
			} else {
				w.span.AddChunkEvent(i, nil)
			}
			i++
			return user(ctx, chunk)
		}))
	}
	resp, err := m.inner.GenerateContent(w.ctx, messages, options...)
	if err == nil {
		setResponse(w.span, resp, w.content)
	}
	w.finish(err)
	return resp, err
}

// Call generates from a single prompt through GenerateContent, so it is traced too.
func (m *Model) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}
