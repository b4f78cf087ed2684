package core

import (
	"strings"

	"github.com/agentlens/agentlens/internal/jsonscan"
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
		if text, ok := chatText(js, role, 0); ok && text != "" {
			content = text
		}
	} else if len(js) > 1 && js[0] == '"' && js[len(js)-1] == '"' && plainJSONText(js[1:len(js)-1]) {
		content = js[1 : len(js)-1] // a JSON string without escapes is its text, quoted
	} else if len(js) > 0 && js[0] == '"' {
		// A plain string input reads better without its JSON quotes.
		if s, err := jsonscan.Unquote(js); err == nil {
			content = s
		}
	}
	return termtext.Truncate(content, previewMaxChars)
}

// chatText returns the text of the last message with the role (or of the last message) of a
// chat-shaped object, and whether the object had messages: OpenAI "messages" and "choices",
// the Responses API's "input" and "output", or either under "request". It reads the JSON in
// place; fields of unexpected types are passed over.
func chatText(js, role string, depth int) (string, bool) {
	var messages, choices, input, output, request string
	if jsonscan.Object(js, func(key, v string) bool {
		switch key {
		case "messages":
			messages = v
		case "choices":
			choices = v
		case "input":
			input = v
		case "output":
			output = v
		case "request":
			request = v
		}
		return true
	}) != nil {
		return "", false
	}
	if content, ok := lastMessage(messages, role); ok {
		return messageText(content), true
	}
	if jsonscan.KindOf(choices) == jsonscan.KindArray {
		var first string
		_ = jsonscan.Array(choices, func(ch string) bool { first = ch; return false })
		var msg string
		if jsonscan.KindOf(first) == jsonscan.KindObject {
			_ = jsonscan.Object(first, func(key, v string) bool {
				if key == "message" {
					msg = v
				}
				return true
			})
		}
		if _, content, ok := asMessage(msg); ok {
			return messageText(content), true
		}
	}
	if content, ok := lastMessage(input, role); ok {
		return messageText(content), true
	}
	if content, ok := lastMessage(output, role); ok {
		return messageText(content), true
	}
	if jsonscan.KindOf(request) == jsonscan.KindObject && depth < 2 {
		return chatText(request, role, depth+1)
	}
	return "", false
}

// lastMessage returns the content of the last message with the role in a JSON array, or of
// the last message of all; ok is false when the array holds no message.
func lastMessage(list, role string) (content string, ok bool) {
	if jsonscan.KindOf(list) != jsonscan.KindArray {
		return "", false
	}
	var last, lastWithRole string
	var found, foundRole bool
	_ = jsonscan.Array(list, func(item string) bool {
		if r, c, ok := asMessage(item); ok {
			last, found = c, true
			if r == role {
				lastWithRole, foundRole = c, true
			}
		}
		return true
	})
	if foundRole {
		return lastWithRole, true
	}
	return last, found
}

// asMessage reads a message: an object with a string "role" and a "content".
func asMessage(raw string) (role, content string, ok bool) {
	if jsonscan.KindOf(raw) != jsonscan.KindObject {
		return "", "", false
	}
	hasRole := false
	if jsonscan.Object(raw, func(key, v string) bool {
		switch key {
		case "role":
			hasRole = jsonscan.KindOf(v) == jsonscan.KindString
			role, _ = jsonscan.Unquote(v)
		case "content":
			content = v
		}
		return true
	}) != nil {
		return "", "", false
	}
	return role, content, hasRole && content != ""
}

// messageText returns a message's text: its string content, or its first text part.
func messageText(content string) string {
	switch jsonscan.KindOf(content) {
	case jsonscan.KindString:
		s, _ := jsonscan.Unquote(content)
		return s
	case jsonscan.KindArray:
		var text string
		_ = jsonscan.Array(content, func(part string) bool {
			var typ, t string
			hasText := false
			_ = jsonscan.Object(part, func(key, v string) bool {
				switch key {
				case "type":
					typ, _ = jsonscan.Unquote(v)
				case "text":
					hasText = jsonscan.KindOf(v) == jsonscan.KindString
					t, _ = jsonscan.Unquote(v)
				}
				return true
			})
			if hasText && (typ == "text" || typ == "output_text" || typ == "input_text") {
				text = t
				return false
			}
			return true
		})
		return text
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
