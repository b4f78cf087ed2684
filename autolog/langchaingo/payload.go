package langchaingo

import (
	"encoding/base64"
	"reflect"
	"strings"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/schema"

	"github.com/agentlens/agentlens/core"
)

// Payload shapes: messages and responses in OpenAI's chat shape (what MLflow's UI renders as
// a conversation), documents in MLflow's document shape.

type chatMessage struct {
	Role       string     `json:"role"`
	Content    any        `json:"content,omitempty"`
	Name       string     `json:"name,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
}

type toolCall struct {
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type"`
	Function functionCall `json:"function"`
}

type functionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

func roleOf(t llms.ChatMessageType) string {
	switch t {
	case llms.ChatMessageTypeSystem:
		return "system"
	case llms.ChatMessageTypeAI:
		return "assistant"
	case llms.ChatMessageTypeHuman, llms.ChatMessageTypeGeneric:
		return "user"
	case llms.ChatMessageTypeTool:
		return "tool"
	case llms.ChatMessageTypeFunction:
		return "function"
	}
	return string(t)
}

// messagesInput is the inputs of a model span: {"messages": [...]}.
func messagesInput(ms []llms.MessageContent) map[string]any {
	out := make([]chatMessage, 0, len(ms))
	for _, m := range ms {
		cm := chatMessage{Role: roleOf(m.Role)}
		var parts []contentPart
		for _, p := range m.Parts {
			switch p := p.(type) {
			case llms.TextContent:
				parts = append(parts, contentPart{Type: "text", Text: p.Text})
			case llms.ImageURLContent:
				parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: p.URL, Detail: p.Detail}})
			case llms.BinaryContent:
				url := "data:" + p.MIMEType + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
				parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: url}})
			case llms.ToolCall:
				cm.ToolCalls = append(cm.ToolCalls, toolCallOf(p))
			case llms.ToolCallResponse:
				cm.ToolCallID = p.ToolCallID
				cm.Name = p.Name
				cm.Content = p.Content
			}
		}
		switch {
		case len(parts) == 1 && parts[0].Type == "text":
			cm.Content = parts[0].Text
		case len(parts) > 0:
			cm.Content = parts
		}
		out = append(out, cm)
	}
	return map[string]any{"messages": out}
}

func toolCallOf(tc llms.ToolCall) toolCall {
	out := toolCall{ID: tc.ID, Type: tc.Type}
	if out.Type == "" {
		out.Type = "function"
	}
	if tc.FunctionCall != nil {
		out.Function = functionCall{Name: tc.FunctionCall.Name, Arguments: tc.FunctionCall.Arguments}
	}
	return out
}

type choice struct {
	Index        int         `json:"index"`
	Message      chatMessage `json:"message"`
	FinishReason string      `json:"finish_reason,omitempty"`
}

// responseOutput is the outputs of a model span: the response as a chat completion.
func responseOutput(resp *llms.ContentResponse) map[string]any {
	if resp == nil {
		return nil
	}
	choices := make([]choice, 0, len(resp.Choices))
	for i, c := range resp.Choices {
		if c == nil {
			continue
		}
		m := chatMessage{Role: "assistant", Content: c.Content}
		for _, tc := range c.ToolCalls {
			m.ToolCalls = append(m.ToolCalls, toolCallOf(tc))
		}
		if len(m.ToolCalls) == 0 && c.FuncCall != nil {
			m.ToolCalls = append(m.ToolCalls, toolCall{Type: "function", Function: functionCall{Name: c.FuncCall.Name, Arguments: c.FuncCall.Arguments}})
		}
		choices = append(choices, choice{Index: i, Message: m, FinishReason: c.StopReason})
	}
	return map[string]any{"object": "chat.completion", "choices": choices}
}

// usageOf reads the token usage langchaingo's LLMs leave in a choice's generation info
// (PromptTokens/CompletionTokens/TotalTokens for OpenAI and Gemini, InputTokens/OutputTokens
// for Anthropic); ok is false when there is none.
func usageOf(resp *llms.ContentResponse) (u core.TokenUsage, ok bool) {
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return u, false
	}
	info := resp.Choices[0].GenerationInfo
	in, okIn := intOf(info, "PromptTokens", "InputTokens")
	out, okOut := intOf(info, "CompletionTokens", "OutputTokens")
	total, okTotal := intOf(info, "TotalTokens")
	if !okIn && !okOut && !okTotal {
		return u, false
	}
	if !okTotal {
		total = in + out
	}
	if in == 0 && out == 0 && total == 0 {
		return u, false
	}
	return core.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total}, true
}

func intOf(m map[string]any, keys ...string) (int64, bool) {
	for _, k := range keys {
		v, found := m[k]
		if !found {
			continue
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int(), true
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return int64(rv.Uint()), true
		case reflect.Float32, reflect.Float64:
			return int64(rv.Float()), true
		}
	}
	return 0, false
}

// document is MLflow's document shape (mlflow.entities.Document).
type document struct {
	PageContent string         `json:"page_content"`
	Metadata    map[string]any `json:"metadata"`
	ID          string         `json:"id,omitempty"`
}

// documentsOutput turns retrieved documents into MLflow's shape. langchaingo's documents
// carry no id: an "id" (or "_id") in the metadata is used when there is one, and the score
// is kept in the metadata as "score".
func documentsOutput(docs []schema.Document) []document {
	out := make([]document, len(docs))
	for i, d := range docs {
		md := make(map[string]any, len(d.Metadata)+1)
		for k, v := range d.Metadata {
			md[k] = v
		}
		if d.Score != 0 {
			md["score"] = d.Score
		}
		out[i] = document{PageContent: d.PageContent, Metadata: md, ID: idOf(d.Metadata)}
	}
	return out
}

func idOf(md map[string]any) string {
	for _, k := range []string{"id", "_id", "ID"} {
		if s, ok := md[k].(string); ok {
			return s
		}
	}
	return ""
}

// typeName names a component after its Go type, without pointer or package path:
// "LLMChain", "RetrievalQA", "openai.LLM" keeps its package when the bare name alone says
// little ("LLM", "Retriever").
func typeName(v any) string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "unknown"
	}
	name := t.Name()
	if name == "" {
		return t.String()
	}
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	switch name {
	case "Executor":
		if pkg == "agents" {
			return "AgentExecutor"
		}
	case "LLM", "Retriever", "Model", "Client", "EmbedderImpl", "Embedder", "Tool", "GoogleAI", "Chat":
		return pkg + "." + name
	}
	return name
}
