package core

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
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
		var obj map[string]any
		if json.Unmarshal([]byte(js), &obj) == nil {
			if msgs := chatMessages(obj, 0); len(msgs) > 0 {
				if text := messageText(lastMessage(msgs, role)); text != "" {
					content = text
				}
			}
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
	return cutChars(content, previewMaxChars)
}

// chatMessages extracts the messages of the chat shapes MLflow recognises.
func chatMessages(obj map[string]any, depth int) []map[string]any {
	if msgs := messageList(obj["messages"]); len(msgs) > 0 {
		return msgs
	}
	if choices, ok := obj["choices"].([]any); ok && len(choices) > 0 {
		if c, ok := choices[0].(map[string]any); ok {
			if m, ok := c["message"].(map[string]any); ok && isMessage(m) {
				return []map[string]any{m}
			}
		}
	}
	if msgs := messageList(obj["input"]); len(msgs) > 0 {
		return msgs
	}
	if msgs := messageList(obj["output"]); len(msgs) > 0 {
		return msgs
	}
	if req, ok := obj["request"].(map[string]any); ok && depth < 2 {
		return chatMessages(req, depth+1)
	}
	return nil
}

func messageList(v any) []map[string]any {
	items, ok := v.([]any)
	if !ok {
		return nil
	}
	var msgs []map[string]any
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && isMessage(m) {
			msgs = append(msgs, m)
		}
	}
	return msgs
}

func isMessage(m map[string]any) bool {
	_, hasRole := m["role"]
	_, hasContent := m["content"]
	return hasRole && hasContent
}

// lastMessage returns the last message with the role, or the last message of all.
func lastMessage(msgs []map[string]any, role string) map[string]any {
	for i := len(msgs) - 1; i >= 0; i-- {
		if r, _ := msgs[i]["role"].(string); r == role {
			return msgs[i]
		}
	}
	return msgs[len(msgs)-1]
}

// messageText returns a message's text: its string content, or its first text part.
func messageText(m map[string]any) string {
	switch c := m["content"].(type) {
	case string:
		return c
	case []any:
		for _, p := range c {
			if part, ok := p.(map[string]any); ok {
				if t, _ := part["type"].(string); t == "text" || t == "output_text" || t == "input_text" {
					if text, ok := part["text"].(string); ok {
						return text
					}
				}
			}
		}
	}
	return ""
}

// cutChars cuts s to at most n characters (runes), the last three being "..." when cut.
func cutChars(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n-3 {
			return s[:i] + "..."
		}
		count++
	}
	return s
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
