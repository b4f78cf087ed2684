package anthropic

import (
	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/chattools"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// requestHook reads the request body on export: the model and the tools.
func (c *call) requestHook(rb httptap.RequestBody) func(*instrument.FinishedSpan) {
	return func(s *instrument.FinishedSpan) {
		var tools gjson.Result
		httptap.SetRequestModel(s, c.RequestModel(s, rb, func(key string, v gjson.Result) {
			if key == "tools" {
				tools = v
			}
		}))
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
	return chattools.Collect(tools, func(l *chattools.List, tool gjson.Result) {
		if name := jsontext.Member(tool, "name"); name.Type == gjson.String {
			l.Add(name.Str, jsontext.Member(tool, "description"), jsontext.Member(tool, "input_schema"))
		}
	})
}

// stringOf returns v's string, or def when v is not a string.
func stringOf(v gjson.Result, def string) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return def
}
