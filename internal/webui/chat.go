package webui

import (
	"github.com/tidwall/gjson"
)

// message is one turn of a chat-shaped payload, as the page shows it in a conversation.
type message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content,omitempty"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	// Name is the tool a tool result answers (Gemini's functionResponse).
	Name string `json:"name,omitempty"`
}

type toolCall struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// maxMessages bounds a conversation; the JSON sections still hold everything.
const maxMessages = 500

// conversation reads chat-shaped inputs and outputs (OpenAI chat completions and Responses
// API, Gemini contents and candidates, a bare list of messages or a message on its own,
// any of them under "request") as one list of messages; nil when neither is chat-shaped.
func conversation(inputs, outputs []byte) []message {
	var msgs []message
	if len(inputs) > 0 {
		msgs = appendInputs(msgs, gjson.ParseBytes(inputs))
	}
	if len(outputs) > 0 {
		msgs = appendOutputs(msgs, gjson.ParseBytes(outputs))
	}
	if len(msgs) > maxMessages {
		msgs = msgs[:maxMessages]
	}
	return msgs
}

func appendInputs(msgs []message, in gjson.Result) []message {
	if r := in.Get("request"); r.IsObject() {
		in = r
	}
	switch {
	case in.IsArray():
		return appendMessages(msgs, in)
	case in.Get("messages").IsArray():
		return appendMessages(msgs, in.Get("messages"))
	case in.Get("contents").Exists():
		if si := firstOf(in, "systemInstruction", "system_instruction", "config.systemInstruction", "config.system_instruction"); si.Exists() {
			msgs = append(msgs, geminiMessage(si, "system"))
		}
		c := in.Get("contents")
		if !c.IsArray() {
			if c.Type == gjson.String {
				return append(msgs, message{Role: "user", Content: c.String()})
			}
			return append(msgs, geminiMessage(c, "user"))
		}
		for _, m := range c.Array() {
			if m.Type == gjson.String {
				msgs = append(msgs, message{Role: "user", Content: m.String()})
				continue
			}
			msgs = append(msgs, geminiMessage(m, "user"))
		}
		return msgs
	case in.Get("input").Exists():
		if ins := in.Get("instructions"); ins.Type == gjson.String {
			msgs = append(msgs, message{Role: "system", Content: ins.String()})
		}
		input := in.Get("input")
		if input.Type == gjson.String {
			return append(msgs, message{Role: "user", Content: input.String()})
		}
		if input.IsArray() {
			return appendResponseItems(msgs, input)
		}
	}
	return msgs
}

func appendOutputs(msgs []message, out gjson.Result) []message {
	switch {
	case out.Get("choices").IsArray():
		for _, c := range out.Get("choices").Array() {
			if m := c.Get("message"); m.IsObject() {
				msgs = append(msgs, chatMessage(m))
			}
		}
	case out.Get("candidates").IsArray():
		for _, c := range out.Get("candidates").Array() {
			if m := c.Get("content"); m.IsObject() {
				msgs = append(msgs, geminiMessage(m, "model"))
			}
		}
	case out.Get("output").IsArray():
		msgs = appendResponseItems(msgs, out.Get("output"))
	case out.IsArray():
		// A framework returning the conversation: only its last message is the output.
		if arr := out.Array(); len(arr) > 0 && isMessage(arr[len(arr)-1]) {
			msgs = append(msgs, chatMessage(arr[len(arr)-1]))
		}
	case isMessage(out):
		msgs = append(msgs, chatMessage(out))
	}
	return msgs
}

func isMessage(m gjson.Result) bool {
	return m.IsObject() && m.Get("role").Type == gjson.String
}

func appendMessages(msgs []message, list gjson.Result) []message {
	for _, m := range list.Array() {
		if isMessage(m) {
			msgs = append(msgs, chatMessage(m))
		}
	}
	return msgs
}

// chatMessage reads an OpenAI-style message (also eino's and langchaingo's, which share it).
func chatMessage(m gjson.Result) message {
	msg := message{Role: m.Get("role").String(), Content: contentText(m.Get("content")),
		ToolCallID: firstOf(m, "tool_call_id", "toolCallId", "ToolCallID").String(), Name: m.Get("name").String()}
	for _, tc := range m.Get("tool_calls").Array() {
		msg.ToolCalls = append(msg.ToolCalls, toolCall{
			ID: tc.Get("id").String(), Name: tc.Get("function.name").String(), Arguments: tc.Get("function.arguments").String(),
		})
	}
	return msg
}

// contentText flattens message content: a string, or a list of parts with text.
func contentText(c gjson.Result) string {
	if !c.IsArray() {
		if c.Type == gjson.String {
			return c.String()
		}
		if c.Exists() && c.Type != gjson.Null {
			return c.Raw
		}
		return ""
	}
	var text string
	for _, p := range c.Array() {
		var piece string
		switch {
		case p.Type == gjson.String:
			piece = p.String()
		case p.Get("text").Exists():
			piece = p.Get("text").String()
		case p.Get("type").Exists():
			piece = "[" + p.Get("type").String() + "]"
		}
		if piece == "" {
			continue
		}
		if text != "" {
			text += "\n"
		}
		text += piece
	}
	return text
}

// geminiMessage reads a Gemini Content: role and parts of text, function calls and results.
func geminiMessage(c gjson.Result, defaultRole string) message {
	msg := message{Role: c.Get("role").String()}
	if msg.Role == "" {
		msg.Role = defaultRole
	}
	for _, p := range c.Get("parts").Array() {
		switch {
		case p.Get("text").Exists():
			if msg.Content != "" {
				msg.Content += "\n"
			}
			msg.Content += p.Get("text").String()
		case firstOf(p, "functionCall", "function_call").Exists():
			fc := firstOf(p, "functionCall", "function_call")
			msg.ToolCalls = append(msg.ToolCalls, toolCall{ID: fc.Get("id").String(), Name: fc.Get("name").String(), Arguments: fc.Get("args").Raw})
		case firstOf(p, "functionResponse", "function_response").Exists():
			fr := firstOf(p, "functionResponse", "function_response")
			msg.Role, msg.Name, msg.ToolCallID = "tool", fr.Get("name").String(), fr.Get("id").String()
			msg.Content = fr.Get("response").Raw
		}
	}
	return msg
}

// appendResponseItems reads OpenAI Responses API items: messages, function calls and
// their outputs.
func appendResponseItems(msgs []message, items gjson.Result) []message {
	for _, it := range items.Array() {
		switch it.Get("type").String() {
		case "function_call":
			msgs = append(msgs, message{Role: "assistant", ToolCalls: []toolCall{{
				ID: it.Get("call_id").String(), Name: it.Get("name").String(), Arguments: it.Get("arguments").String(),
			}}})
		case "function_call_output":
			msgs = append(msgs, message{Role: "tool", ToolCallID: it.Get("call_id").String(), Content: contentText(it.Get("output"))})
		case "message", "":
			if isMessage(it) {
				msgs = append(msgs, message{Role: it.Get("role").String(), Content: contentText(it.Get("content"))})
			}
		}
	}
	return msgs
}

func firstOf(r gjson.Result, paths ...string) gjson.Result {
	for _, p := range paths {
		if v := r.Get(p); v.Exists() {
			return v
		}
	}
	return gjson.Result{}
}
