package eino

import (
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/core"
)

// The shapes below are OpenAI's chat shapes, which MLflow renders as a conversation and
// reads its previews from; eino's own message JSON is close to them but not the same.

type chatMessage struct {
	Role       string         `json:"role"`
	Content    any            `json:"content"`
	Name       string         `json:"name,omitempty"`
	ToolCalls  []chatToolCall `json:"tool_calls,omitempty"`
	ToolCallID string         `json:"tool_call_id,omitempty"`
	Reasoning  string         `json:"reasoning_content,omitempty"`
}

type chatToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function chatFunction `json:"function"`
}

type chatFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type chatTool struct {
	Type     string          `json:"type"`
	Function chatToolFuncDef `json:"function"`
}

type chatToolFuncDef struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Parameters  any    `json:"parameters,omitempty"`
}

type chatChoice struct {
	Index        int          `json:"index"`
	Message      *chatMessage `json:"message"`
	FinishReason string       `json:"finish_reason,omitempty"`
}

type chatCompletion struct {
	Object  string       `json:"object"`
	Model   string       `json:"model,omitempty"`
	Choices []chatChoice `json:"choices"`
	Usage   *chatUsage   `json:"usage,omitempty"`
}

type chatUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func toChatMessage(m *schema.Message) *chatMessage {
	if m == nil {
		return nil
	}
	out := &chatMessage{Role: string(m.Role), Content: m.Content, Name: m.Name, ToolCallID: m.ToolCallID, Reasoning: m.ReasoningContent}
	if m.Content == "" {
		switch {
		case len(m.UserInputMultiContent) > 0:
			out.Content = m.UserInputMultiContent
		case len(m.AssistantGenMultiContent) > 0:
			out.Content = m.AssistantGenMultiContent
		case len(m.MultiContent) > 0:
			out.Content = m.MultiContent
		case len(m.ToolCalls) > 0:
			out.Content = nil // OpenAI sends null next to tool calls
		}
	}
	for _, tc := range m.ToolCalls {
		typ := tc.Type
		if typ == "" {
			typ = "function"
		}
		out.ToolCalls = append(out.ToolCalls, chatToolCall{ID: tc.ID, Type: typ, Function: chatFunction{Name: tc.Function.Name, Arguments: tc.Function.Arguments}})
	}
	return out
}

func toChatMessages(ms []*schema.Message) []*chatMessage {
	out := make([]*chatMessage, 0, len(ms))
	for _, m := range ms {
		if m != nil {
			out = append(out, toChatMessage(m))
		}
	}
	return out
}

func toChatTools(tools []*schema.ToolInfo) []chatTool {
	out := make([]chatTool, 0, len(tools))
	for _, t := range tools {
		if t == nil {
			continue
		}
		def := chatToolFuncDef{Name: t.Name, Description: t.Desc}
		if t.ParamsOneOf != nil {
			if s, err := t.ParamsOneOf.ToJSONSchema(); err == nil && s != nil {
				def.Parameters = s
			}
		}
		out = append(out, chatTool{Type: "function", Function: def})
	}
	return out
}

// chatRequest is a model call's inputs: the messages and the call's settings, as in an
// OpenAI request body.
type chatRequest struct {
	Model       string         `json:"model,omitempty"`
	Messages    []*chatMessage `json:"messages"`
	Temperature *float32       `json:"temperature,omitempty"`
	TopP        *float32       `json:"top_p,omitempty"`
	MaxTokens   int            `json:"max_tokens,omitempty"`
	Stop        []string       `json:"stop,omitempty"`
	ToolChoice  any            `json:"tool_choice,omitempty"`
}

func newChatRequest(in *model.CallbackInput) chatRequest {
	r := chatRequest{Messages: toChatMessages(in.Messages)}
	if c := in.Config; c != nil {
		r.Model, r.MaxTokens, r.Stop = c.Model, c.MaxTokens, c.Stop
		if c.Temperature != 0 {
			t := c.Temperature
			r.Temperature = &t
		}
		if c.TopP != 0 {
			p := c.TopP
			r.TopP = &p
		}
	}
	if in.ToolChoice != nil {
		// OpenAI's names for eino's choices.
		switch *in.ToolChoice {
		case schema.ToolChoiceAllowed:
			r.ToolChoice = "auto"
		case schema.ToolChoiceForced:
			r.ToolChoice = "required"
		case schema.ToolChoiceForbidden:
			r.ToolChoice = "none"
		default:
			r.ToolChoice = string(*in.ToolChoice)
		}
	}
	return r
}

// usageOf returns the token usage of a model call, from its callback output or its message.
func usageOf(out *model.CallbackOutput) (core.TokenUsage, bool) {
	if out == nil {
		return core.TokenUsage{}, false
	}
	if u := out.TokenUsage; u != nil {
		return tokenUsage(u.PromptTokens, u.CompletionTokens, u.TotalTokens), true
	}
	if m := out.Message; m != nil && m.ResponseMeta != nil && m.ResponseMeta.Usage != nil {
		u := m.ResponseMeta.Usage
		return tokenUsage(u.PromptTokens, u.CompletionTokens, u.TotalTokens), true
	}
	return core.TokenUsage{}, false
}

func tokenUsage(in, out, total int) core.TokenUsage {
	return core.TokenUsage{InputTokens: int64(in), OutputTokens: int64(out), TotalTokens: int64(total)}
}
