package openai

import (
	"bytes"
	"encoding/json"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
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
			req.ForEach(func(key, v gjson.Result) bool {
				switch key.Str {
				case "model":
					if v.Type == gjson.String {
						model = v.Str
					}
				case "tools":
					tools = v
				}
				return true
			})
		} else if c.Own && c.Content && len(body) > 0 && !jsontext.Valid(body) {
			s.SetAttribute(spantypes.KeySpanInputs, body)
		}
		if model == "" {
			model = azureDeployment(c.path)
		}
		if model != "" {
			s.SetAttribute(spantypes.KeyGenAIRequestModel, model)
			if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
				s.SetAttribute(spantypes.KeyLLMModel, model)
			}
		}
		if tools.Exists() && tools.Type != gjson.Null && c.ep != embeddings {
			var b bytes.Buffer
			if json.Compact(&b, []byte(tools.Raw)) == nil {
				s.SetRawAttribute(spantypes.KeyChatTools, b.String())
			}
		}
	}
}
