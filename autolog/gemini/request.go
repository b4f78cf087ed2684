package gemini

import (
	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/chattools"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// requestHook reads the request body on the export goroutine: the function declarations
// become mlflow.chat.tools, and a body that is not JSON is recorded as text instead.
func (c *call) requestHook(rb httptap.RequestBody, modelJSON string) func(*instrument.FinishedSpan) {
	body := rb.Text
	return func(s *instrument.FinishedSpan) {
		if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
			s.SetRawAttribute(spantypes.KeyLLMModel, modelJSON)
		}
		if rb.Truncated {
			// Only the first bytes were read (the inputs say so): no tools to read whole.
			return
		}
		req, ok := jsontext.Object(body)
		if !ok {
			if c.Own && c.Content && len(body) > 0 && !jsontext.Valid(body) {
				s.SetAttribute(spantypes.KeySpanInputs, body)
			}
			return
		}
		if c.route.ep != generateContent && c.route.ep != streamGenerateContent {
			return
		}
		if tools := chatTools(jsontext.Member(req, "tools")); tools != "" {
			s.SetRawAttribute(spantypes.KeyChatTools, tools)
		}
	}
}

// chatTools turns Gemini's tools (each a list of functionDeclarations) into MLflow's chat
// tools, which take OpenAI's shape: [{"type":"function","function":{name, description,
// parameters}}], as MLflow's Gemini autolog does. Tools that declare no function (Google
// Search, code execution) have no such shape and are left out; "" when none is left.
func chatTools(tools gjson.Result) string {
	return chattools.Collect(tools, func(l *chattools.List, tool gjson.Result) {
		jsontext.Member(tool, "functionDeclarations").ForEach(func(_, fn gjson.Result) bool {
			name := jsontext.Member(fn, "name")
			if name.Type != gjson.String {
				return true
			}
			params := jsontext.Member(fn, "parameters")
			if !params.Exists() {
				params = jsontext.Member(fn, "parametersJsonSchema")
			}
			l.Add(name.Str, jsontext.Member(fn, "description"), params)
			return true
		})
	})
}
