package sdk

import (
	"encoding/json"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/internal/termtext"
)

// RequestPreview summarises a root span's inputs (JSON text) as MLflow does: for chat-shaped
// inputs (OpenAI "messages", Responses API "input", Gemini "contents", Anthropic "messages"
// with content blocks, or any of them under "request"), the text of the last user message
// (an Anthropic user message of tool results only is a tool's, as MLflow reads it); for a
// bare JSON array of messages (what a framework's model takes, eino's []*schema.Message), of
// the first user message; otherwise the JSON itself. At most 1000 characters, ending in
// "..." when cut.
func RequestPreview(inputsJSON string) string { return preview(inputsJSON, "user") }

// ResponsePreview summarises a root span's outputs like RequestPreview, taking the
// assistant's message of chat-shaped outputs (OpenAI "choices", Responses API "output",
// Gemini "candidates", an Anthropic Message's text blocks joined, the last of a bare array
// of messages, or a message on its own).
func ResponsePreview(outputsJSON string) string { return preview(outputsJSON, "assistant") }

func preview(js, role string) string {
	content := js
	switch {
	// Only chat shapes need reading, and every chat message has a "role" (or, in Gemini's
	// shape, "parts").
	case len(js) > 0 && js[0] == '{' && (strings.Contains(js, `"role"`) || strings.Contains(js, `"parts"`)):
		if obj, ok := jsontext.Object(js); ok {
			if text, ok := chatText(obj, role, 0); ok && text != "" {
				content = text
			} else if _, c, ok := asMessage(obj); ok && messageText(c) != "" {
				// One message (a framework model's answer, eino's *schema.Message): its text.
				content = messageText(c)
			}
		}
	case len(js) > 0 && js[0] == '[' && strings.Contains(js, `"role"`):
		if jsontext.Valid(js) {
			list := gjson.Parse(js)
			content, ok := lastMessage(list, role)
			if role == "user" {
				// What was asked first, as MLflow previews a list of messages.
				content, ok = firstMessage(list, role)
			}
			if text := messageText(content); ok && text != "" {
				return termtext.Truncate(text, previewMaxChars)
			}
		}
	case len(js) > 1 && js[0] == '"' && js[len(js)-1] == '"' && plainJSONText(js[1:len(js)-1]):
		content = js[1 : len(js)-1] // a JSON string without escapes is its text, quoted
	case len(js) > 0 && js[0] == '"':
		// A plain string input reads better without its JSON quotes.
		var s string
		if json.Unmarshal([]byte(js), &s) == nil {
			content = s
		}
	}
	return termtext.Truncate(content, previewMaxChars)
}

// chatText returns the text of the last message with the role (or of the last message) of a
// chat-shaped object, and whether the object had messages: OpenAI "messages" and "choices",
// the Responses API's "input" and "output", or either under "request". Fields of unexpected
// types are passed over; of a repeated key, the last one counts.
func chatText(obj gjson.Result, role string, depth int) (string, bool) {
	var messages, choices, input, output, request, contents, candidates, content gjson.Result
	var message bool // an Anthropic Message: "type":"message"
	obj.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "type":
			message = v.Type == gjson.String && v.Str == "message"
		case "content":
			content = v
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
		case "contents":
			contents = v
		case "candidates":
			candidates = v
		}
		return true
	})
	if content, ok := lastMessage(messages, role); ok {
		return messageText(content), true
	}
	if choices.IsArray() {
		var first gjson.Result
		choices.ForEach(func(_, ch gjson.Result) bool { first = ch; return false })
		if _, content, ok := asMessage(jsontext.Member(first, "message")); ok {
			return messageText(content), true
		}
	}
	if content, ok := lastMessage(input, role); ok {
		return messageText(content), true
	}
	if content, ok := lastMessage(output, role); ok {
		return messageText(content), true
	}
	if text, ok := geminiContentsText(contents, role); ok {
		return text, true
	}
	if candidates.IsArray() {
		var first gjson.Result
		candidates.ForEach(func(_, c gjson.Result) bool { first = c; return false })
		if parts := jsontext.Member(jsontext.Member(first, "content"), "parts"); parts.IsArray() {
			return geminiPartsText(parts, false), true
		}
	}
	if message && content.IsArray() {
		return anthropicText(content), true
	}
	if request.IsObject() && depth < 2 {
		return chatText(request, role, depth+1)
	}
	return "", false
}

// lastMessage returns the content of the last message with the role in a JSON array, or of
// the last message of all; ok is false when the array holds no message.
func lastMessage(list gjson.Result, role string) (content gjson.Result, ok bool) {
	if !list.IsArray() {
		return gjson.Result{}, false
	}
	var last, lastWithRole gjson.Result
	var found, foundRole bool
	list.ForEach(func(_, item gjson.Result) bool {
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

// firstMessage is lastMessage's mirror: the content of the first message with the role, or
// of the first message of all.
func firstMessage(list gjson.Result, role string) (content gjson.Result, ok bool) {
	var first gjson.Result
	var found bool
	list.ForEach(func(_, item gjson.Result) bool {
		r, c, isMsg := asMessage(item)
		if !isMsg {
			return true
		}
		if !found {
			first, found = c, true
		}
		if r == role {
			first = c
			return false
		}
		return true
	})
	return first, found
}

// asMessage reads a message: an object with a string "role" and a "content".
func asMessage(msg gjson.Result) (role string, content gjson.Result, ok bool) {
	if !msg.IsObject() {
		return "", gjson.Result{}, false
	}
	hasRole := false
	msg.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "role":
			hasRole = v.Type == gjson.String
			role = v.Str
		case "content":
			content = v
		}
		return true
	})
	if role == "user" && content.IsArray() && toolResultsOnly(content) {
		role = "tool" // Anthropic sends tool results as a user message; MLflow reads a tool's
	}
	return role, content, hasRole && content.Exists()
}

// toolResultsOnly reports whether an array of content blocks holds tool_result blocks and
// nothing else.
func toolResultsOnly(blocks gjson.Result) bool {
	n := 0
	only := true
	blocks.ForEach(func(_, b gjson.Result) bool {
		n++
		only = jsontext.Member(b, "type").Str == "tool_result"
		return only
	})
	return only && n > 0
}

// anthropicText joins the text blocks of an Anthropic Message's content (thinking and tool
// use left out).
func anthropicText(blocks gjson.Result) string {
	var b strings.Builder
	blocks.ForEach(func(_, block gjson.Result) bool {
		if t := jsontext.Member(block, "text"); t.Type == gjson.String && jsontext.Member(block, "type").Str == "text" {
			b.WriteString(t.Str)
		}
		return true
	})
	return b.String()
}

// messageText returns a message's text: its string content, or its first text part.
func messageText(content gjson.Result) string {
	switch {
	case content.Type == gjson.String:
		return content.Str
	case content.IsArray():
		var text string
		content.ForEach(func(_, part gjson.Result) bool {
			var typ, t string
			hasText := false
			part.ForEach(func(key, v gjson.Result) bool {
				switch key.Str {
				case "type":
					typ = v.Str
				case "text":
					hasText = v.Type == gjson.String
					t = v.Str
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

// geminiContentsText returns the text of the last part of the last content with the role in
// Gemini's "contents" (the user's role is "user" there too), or of the last content; ok is
// false when the array holds no content with parts.
func geminiContentsText(contents gjson.Result, role string) (string, bool) {
	if !contents.IsArray() {
		return "", false
	}
	var last, lastWithRole gjson.Result
	var found, foundRole bool
	contents.ForEach(func(_, c gjson.Result) bool {
		parts := jsontext.Member(c, "parts")
		if !parts.IsArray() {
			return true
		}
		last, found = parts, true
		if r := jsontext.Member(c, "role"); r.Type == gjson.String && r.Str == role {
			lastWithRole, foundRole = parts, true
		}
		return true
	})
	if foundRole {
		return geminiPartsText(lastWithRole, true), true
	}
	if found {
		return geminiPartsText(last, true), true
	}
	return "", false
}

// geminiPartsText returns the text of the last text part (lastOnly) or of all text parts
// joined, thoughts left out.
func geminiPartsText(parts gjson.Result, lastOnly bool) string {
	var b strings.Builder
	parts.ForEach(func(_, p gjson.Result) bool {
		t := jsontext.Member(p, "text")
		if t.Type != gjson.String || jsontext.Member(p, "thought").Type == gjson.True {
			return true
		}
		if lastOnly {
			b.Reset()
		}
		b.WriteString(t.Str)
		return true
	})
	return b.String()
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
