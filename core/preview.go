package core

import (
	"encoding/json"
	"strings"

	"github.com/agentlens/agentlens/internal/termtext"
)

// RequestPreview summarises a root span's inputs (JSON text) as MLflow does: for chat-shaped
// inputs (OpenAI "messages", Responses API "input", or either under "request"), the text of
// the last user message; otherwise the JSON itself. At most 1000 characters, ending in "..."
// when cut.
func RequestPreview(inputsJSON string) string { return preview(inputsJSON, "user") }

// ResponsePreview summarises a root span's outputs like RequestPreview, taking the
// assistant's message of chat-shaped outputs (OpenAI "choices", Responses API "output").
func ResponsePreview(outputsJSON string) string { return preview(outputsJSON, "assistant") }

func preview(js, role string) string {
	content := js
	// Only chat shapes need parsing, and every chat message has a "role".
	if len(js) > 0 && js[0] == '{' && strings.Contains(js, `"role"`) {
		if text, ok := chatText([]byte(js), role, 0); ok && text != "" {
			content = text
		}
	} else if len(js) > 1 && js[0] == '"' && js[len(js)-1] == '"' && plainJSONText(js[1:len(js)-1]) {
		content = js[1 : len(js)-1] // a JSON string without escapes is its text, quoted
	} else if len(js) > 0 && js[0] == '"' {
		// A plain string input reads better without its JSON quotes.
		var s string
		if json.Unmarshal([]byte(js), &s) == nil {
			content = s
		}
	}
	return termtext.Truncate(content, previewMaxChars)
}

// chatShape holds the parts of the chat shapes MLflow recognises, undecoded: OpenAI
// "messages" and "choices", the Responses API's "input" and "output", or either under "request".
type chatShape struct {
	Messages json.RawMessage `json:"messages"`
	Choices  []struct {
		Message json.RawMessage `json:"message"`
	} `json:"choices"`
	Input   json.RawMessage `json:"input"`
	Output  json.RawMessage `json:"output"`
	Request json.RawMessage `json:"request"`
}

// chatMessage is a message: it has a role and a content.
type chatMessage struct {
	Role    *string         `json:"role"`
	Content json.RawMessage `json:"content"`
}

// chatText returns the text of the last message with the role (or of the last message) of a
// chat-shaped object, and whether the object had messages.
func chatText(js []byte, role string, depth int) (string, bool) {
	var shape chatShape
	if json.Unmarshal(js, &shape) != nil {
		return "", false
	}
	if msgs := messageList(shape.Messages); len(msgs) > 0 {
		return messageText(lastMessage(msgs, role)), true
	}
	if len(shape.Choices) > 0 {
		if m, ok := asMessage(shape.Choices[0].Message); ok {
			return messageText(m), true
		}
	}
	if msgs := messageList(shape.Input); len(msgs) > 0 {
		return messageText(lastMessage(msgs, role)), true
	}
	if msgs := messageList(shape.Output); len(msgs) > 0 {
		return messageText(lastMessage(msgs, role)), true
	}
	if len(shape.Request) > 0 && shape.Request[0] == '{' && depth < 2 {
		return chatText(shape.Request, role, depth+1)
	}
	return "", false
}

// messageList decodes a JSON array, keeping the items that are messages.
func messageList(raw json.RawMessage) []chatMessage {
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var msgs []chatMessage
	for _, it := range items {
		if m, ok := asMessage(it); ok {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

func asMessage(raw json.RawMessage) (chatMessage, bool) {
	var m chatMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return m, false
	}
	return m, m.Role != nil && len(m.Content) > 0
}

// lastMessage returns the last message with the role, or the last message of all.
func lastMessage(msgs []chatMessage, role string) chatMessage {
	for i := len(msgs) - 1; i >= 0; i-- {
		if *msgs[i].Role == role {
			return msgs[i]
		}
	}
	return msgs[len(msgs)-1]
}

// messageText returns a message's text: its string content, or its first text part.
func messageText(m chatMessage) string {
	switch m.Content[0] {
	case '"':
		var s string
		if json.Unmarshal(m.Content, &s) == nil {
			return s
		}
	case '[':
		var parts []struct {
			Type string  `json:"type"`
			Text *string `json:"text"`
		}
		if json.Unmarshal(m.Content, &parts) == nil {
			for _, p := range parts {
				if (p.Type == "text" || p.Type == "output_text" || p.Type == "input_text") && p.Text != nil {
					return *p.Text
				}
			}
		}
	}
	return ""
}

// plainJSONText reports whether s can sit between quotes as a JSON string unchanged: no
// quote, backslash or control character.
func plainJSONText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return false
		}
	}
	return true
}
