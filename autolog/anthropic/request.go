package anthropic

import (
	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/chattools"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// requestHook reads the request body on the export goroutine: the model and the tools, and
// a body that is not JSON is recorded as text instead.
func (c *call) requestHook(rb httptap.RequestBody) func(*instrument.FinishedSpan) {
	body := rb.Text
	return func(s *instrument.FinishedSpan) {
		var model string
		var tools gjson.Result
		if rb.Truncated {
			// Not JSON as a whole: the model is read where it stands in the first bytes.
			if m := gjson.Get(body, "model"); m.Type == gjson.String {
				model = m.Str
			}
		} else if req, ok := jsontext.Object(body); ok {
			model = stringOf(jsontext.Member(req, "model"), "")
			tools = jsontext.Member(req, "tools")
		} else if c.Own && c.Content && len(body) > 0 && !jsontext.Valid(body) {
			s.SetAttribute(spantypes.KeySpanInputs, body)
		}
		if model != "" {
			s.SetAttribute(spantypes.KeyGenAIRequestModel, model)
			if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
				s.SetAttribute(spantypes.KeyLLMModel, model)
			}
		}
		if t := chatTools(tools); t != "" {
			s.SetRawAttribute(spantypes.KeyChatTools, t)
		}
	}
}

// chatTools turns Anthropic's tools into MLflow's chat tools, as MLflow's Anthropic autolog
// does: name, description and input_schema become an OpenAI function tool. Server tools
// without an input_schema (web search, code execution) are kept by name; "" when there are
// none.
func chatTools(tools gjson.Result) string {
	if !tools.IsArray() {
		return ""
	}
	var list chattools.List
	tools.ForEach(func(_, tool gjson.Result) bool {
		if name := jsontext.Member(tool, "name"); name.Type == gjson.String {
			list.Add(name.Str, jsontext.Member(tool, "description"), jsontext.Member(tool, "input_schema"))
		}
		return true
	})
	return list.JSON()
}

// stringOf returns v's string, or def when v is not a string.
func stringOf(v gjson.Result, def string) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return def
}
