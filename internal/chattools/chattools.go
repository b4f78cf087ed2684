// Package chattools writes the tools offered to a chat model in the shape MLflow records as
// mlflow.chat.tools, OpenAI's: [{"type":"function","function":{"name","description",
// "parameters"}}]. MLflow's autologgers convert other providers' tool definitions (Gemini's
// function declarations, Anthropic's tools with an input_schema) into it, and so do the
// adapters here, from the request JSON read in place.
package chattools

import (
	"bytes"
	"encoding/json"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsonenc"
)

// List collects tools. The zero value is an empty list; it is not safe for concurrent use.
type List struct {
	b []byte
	n int
}

// Add appends a function tool. description is recorded when it is a JSON string, parameters
// (a JSON schema) when it is valid JSON, compacted.
func (l *List) Add(name string, description, parameters gjson.Result) {
	if l.n == 0 {
		l.b = append(l.b, '[')
	} else {
		l.b = append(l.b, ',')
	}
	l.n++
	l.b = append(l.b, `{"type":"function","function":{"name":`...)
	l.b = jsonenc.AppendString(l.b, name)
	if description.Type == gjson.String {
		l.b = append(l.b, `,"description":`...)
		l.b = jsonenc.AppendString(l.b, description.Str)
	}
	if parameters.Exists() {
		var cb bytes.Buffer
		if json.Compact(&cb, []byte(parameters.Raw)) == nil {
			l.b = append(l.b, `,"parameters":`...)
			l.b = append(l.b, cb.Bytes()...)
		}
	}
	l.b = append(l.b, "}}"...)
}

// Len returns how many tools were added.
func (l *List) Len() int { return l.n }

// JSON returns the list as JSON text, "" when it is empty.
func (l *List) JSON() string {
	if l.n == 0 {
		return ""
	}
	return string(l.b) + "]"
}

// Collect returns the JSON of the tools add finds in each element of the JSON array tools
// ("" when none, or when tools is not an array).
func Collect(tools gjson.Result, add func(l *List, tool gjson.Result)) string {
	if !tools.IsArray() {
		return ""
	}
	var l List
	tools.ForEach(func(_, tool gjson.Result) bool {
		add(&l, tool)
		return true
	})
	return l.JSON()
}
