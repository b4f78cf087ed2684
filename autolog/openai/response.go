package openai

import (
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// source names this adapter in reports of its own failures.
const source = "autolog/openai"

// response wraps the response body so that the span ends with it: the caller reads the
// body as before, and the span learns from the bytes as they pass.
func (c *call) response(resp *http.Response) {
	if resp.StatusCode >= 400 {
		c.Span.SetAttribute(spantypes.KeyHTTPStatusCode, resp.StatusCode)
		httptap.Wrap(resp, httptap.NewBufferSink(resp, c.EndWithError(resp, apiError)), source)
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" || (c.stream && mt == "") {
		httptap.Wrap(resp, c.newStreamSink(), source)
		return
	}
	httptap.Wrap(resp, httptap.NewBufferSink(resp, c.endWithJSON), source)
}

// endWithJSON records a successful non-streamed response; it is read on export.
func (c *call) endWithJSON(text string, complete bool, err error) {
	defer c.End()
	if err != nil {
		c.RecordError(err)
		return
	}
	if !complete {
		return
	}
	if c.Own && c.Content {
		instrument.SetRawOutputs(c.Span, text) // checked by the hook
	}
	instrument.OnExport(c.Span, func(s *instrument.FinishedSpan) {
		head, ok := readResponseHead(text)
		if !ok {
			instrument.ReportError("autolog/openai", errors.New("a successful response body is not a JSON object; recorded as text"))
			if c.Own && c.Content {
				s.SetAttribute(spantypes.KeySpanOutputs, text)
			}
			return
		}
		reasons := head.reasons
		if head.object == "response" && head.status != "" {
			reasons = append(reasons, head.status)
		}
		setResponse(s, head.model, head.id, reasons)
		if in, out, total, ok := rawUsageCounts(head.usage); ok {
			s.SetTokenUsage(core.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
		}
	})
}

// responseHead is the part of a response object a span records.
type responseHead struct {
	id, object, model, status string
	usage                     gjson.Result
	reasons                   []string // the choices' finish reasons
}

// readResponseHead reads a response object in place; ok is false when body is not a JSON
// object. Fields of an unexpected type are ignored; of a repeated key, the last one counts.
func readResponseHead(body string) (h responseHead, ok bool) {
	obj, ok := jsontext.Object(body)
	if !ok {
		return h, false
	}
	obj.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "id":
			h.id = stringOf(v, h.id)
		case "object":
			h.object = stringOf(v, h.object)
		case "model":
			h.model = stringOf(v, h.model)
		case "status":
			h.status = stringOf(v, h.status)
		case "usage":
			h.usage = v
		case "choices":
			h.reasons = h.reasons[:0]
			v.ForEach(func(_, ch gjson.Result) bool {
				if r := jsontext.Member(ch, "finish_reason"); r.Type == gjson.String && r.Str != "" {
					h.reasons = append(h.reasons, r.Str)
				}
				return true
			})
		}
		return true
	})
	return h, true
}

// setResponse records what a response tells besides its usage: model, id, finish reasons.
func setResponse(s *instrument.FinishedSpan, model, id string, reasons []string) {
	if model != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseModel, model)
		if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
			s.SetAttribute(spantypes.KeyLLMModel, model)
		}
	}
	if id != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseID, id)
	}
	if len(reasons) > 0 {
		s.SetAttribute(spantypes.KeyGenAIResponseFinishReasons, reasons)
	}
}

// finishReasons lists why each choice stopped (chat, completions) or the status of a
// Responses API response, from an assembled response.
func finishReasons(resp map[string]any) []string {
	var out []string
	if choices, ok := resp["choices"].([]any); ok {
		for _, ch := range choices {
			if m, ok := ch.(map[string]any); ok {
				if r, ok := m["finish_reason"].(string); ok && r != "" {
					out = append(out, r)
				}
			}
		}
	}
	if s, ok := resp["status"].(string); ok && s != "" && resp["object"] == "response" {
		out = append(out, s)
	}
	return out
}

// apiError reads OpenAI's {"error": {"type", "code", "message"}} body.
func apiError(body string) (typ, msg string) {
	obj, ok := jsontext.Object(body)
	if !ok {
		return "", ""
	}
	e := jsontext.Member(obj, "error")
	if !e.IsObject() {
		return "", ""
	}
	code := jsontext.Member(e, "code")
	typ = stringOf(jsontext.Member(e, "type"), "")
	switch {
	case typ != "":
	case code.Type == gjson.String:
		typ = code.Str
	case code.Type == gjson.Number || code.Type == gjson.True || code.Type == gjson.False:
		typ = code.Raw
	case code.IsObject() || code.IsArray():
		typ = fmt.Sprint(code.Value())
	}
	return typ, stringOf(jsontext.Member(e, "message"), "")
}

// stringOf returns v's string, or def when v is not a string.
func stringOf(v gjson.Result, def string) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return def
}
