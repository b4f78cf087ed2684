package openai

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// panicKind is the kind of failure reported when tracing a response panics.
const panicKind = "autolog/openai: response panic"

// response wraps the response body so that the span ends with it: the caller reads the
// body as before, and the span learns from the bytes as they pass.
func (c *call) response(resp *http.Response) {
	c.enc, c.encName = encodingOf(resp.Header)
	if up := resp.Header.Get("X-Inference-Provider"); up != "" {
		// Hugging Face's router names the provider that served the call.
		instrument.SetRawAttribute(c.Span, spantypes.KeyUpstreamProvider, jsonenc.String(up))
	}
	if resp.StatusCode >= 400 {
		c.WrapError(resp, c.readError(resp), panicKind)
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" || (c.stream && mt == "") {
		httptap.Wrap(resp, c.newStreamSink(), panicKind)
		return
	}
	httptap.Wrap(resp, httptap.NewBufferSink(resp, c.EndWithBody(c.endWithJSON)), panicKind)
}

// endWithJSON records a successful non-streamed response read whole; it is read on export.
func (c *call) endWithJSON(text string) {
	if c.Own && c.Content && c.enc == identity {
		instrument.SetRawOutputs(c.Span, text) // checked by the hook
	}
	instrument.OnExport(c.Span, func(s *instrument.FinishedSpan) {
		text := text // the closure keeps the body by value; a decoded one replaces this copy
		if c.enc != identity {
			decoded, ok := c.decode(text)
			if !ok {
				return
			}
			text = decoded
			if c.Own && c.Content && jsontext.Valid(text) {
				s.SetRawAttribute(spantypes.KeySpanOutputs, compactJSON(text))
			}
		}
		head, ok := readResponseHead(text)
		if !ok {
			instrument.ReportError("autolog/openai: response not JSON", errors.New("a successful response body is not a JSON object; recorded as text"))
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
		setUpstream(s, head.provider)
		if in, out, total, ok := rawUsageCounts(head.usage); ok {
			s.SetTokenUsage(core.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
		}
	})
}

// decode decodes a compressed body for the span; ok is false (and the failure reported)
// when it cannot be read.
func (c *call) decode(body string) (string, bool) {
	if c.enc == unreadable {
		instrument.ReportError("autolog/openai: unreadable encoding", fmt.Errorf("a response body in Content-Encoding %q cannot be read: its content is not recorded", c.encName))
		return "", false
	}
	text, err := decodeText(c.enc, body, httptap.MaxBufferedBody)
	if err != nil {
		instrument.ReportError("autolog/openai: decoding", fmt.Errorf("decoding a %s response body: %w", c.encName, err))
		return "", false
	}
	return text, true
}

// responseHead is the part of a response object a span records.
type responseHead struct {
	id, object, model, status string
	provider                  string // the upstream provider a router names (OpenRouter)
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
		case "provider":
			h.provider = stringOf(v, h.provider)
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
	httptap.SetResponse(s, model, id, reasons)
}

// setUpstream records the provider a router says served the call, unless the response's
// headers named it already.
func setUpstream(s *instrument.FinishedSpan, provider string) {
	if provider == "" {
		return
	}
	if _, set := s.Attribute(spantypes.KeyUpstreamProvider); !set {
		s.SetAttribute(spantypes.KeyUpstreamProvider, provider)
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

// readError reads an HTTP error response for httptap.Call.EndWithError: an exception named
// after the HTTP status as the OpenAI SDKs name it, with the API's message (the HTTP status
// when the body is not OpenAI's error JSON), and the API's own error type and code as
// attributes. A compressed body is decoded first.
func (c *call) readError(resp *http.Response) func(body string) (text, typ, msg string) {
	status, code := resp.Status, resp.StatusCode
	return func(body string) (string, string, string) {
		if c.enc != identity && body != "" {
			// Error bodies are small: decoded here, where the error is recorded.
			body, _ = c.decode(body)
		}
		e := apiError(body)
		msg := e.message
		if msg == "" {
			msg = "HTTP " + status
		}
		if c.Own {
			e.setAttributes(c.Span)
		}
		return body, statusErrorName(code), msg
	}
}

// statusErrorName names an HTTP error status as the OpenAI SDKs (Python, Node) name the
// error they raise for it.
func statusErrorName(status int) string { return httptap.SDKErrorName(status) }

// apiErrorBody is what an OpenAI {"error": {"type", "code", "message"}} body says.
type apiErrorBody struct {
	found   bool   // the body is such an error
	typ     string // "" when absent or not a string
	code    string // raw JSON, "" when absent or null
	message string
}

// apiError reads OpenAI's {"error": {"type", "code", "message"}} body.
func apiError(body string) (e apiErrorBody) {
	v, ok := httptap.ErrorObject(body)
	if !ok {
		return e
	}
	e.found = true
	e.typ = stringOf(jsontext.Member(v, "type"), "")
	if code := jsontext.Member(v, "code"); code.Exists() && code.Type != gjson.Null {
		e.code = code.Raw
	}
	e.message = stringOf(jsontext.Member(v, "message"), "")
	return e
}

// name is the exception type of an error the server sent inside a stream, which has no HTTP
// status of its own: the API's type; else, for a numeric code of an HTTP error status (as
// OpenRouter sends), the SDKs' name for that status; else APIError, as the SDKs name it.
func (e apiErrorBody) name() string {
	if e.typ != "" {
		return e.typ
	}
	if n, err := strconv.Atoi(e.code); err == nil && n >= 400 && n < 600 {
		return statusErrorName(n)
	}
	return "APIError"
}

// setAttributes records the API's error type and code on a span.
func (e apiErrorBody) setAttributes(s *core.Span) {
	if e.typ != "" {
		instrument.SetRawAttribute(s, spantypes.KeyAPIErrorType, jsonenc.String(e.typ))
	}
	if e.code != "" {
		instrument.SetRawAttribute(s, spantypes.KeyAPIErrorCode, compactJSON(e.code))
	}
}

// stringOf returns v's string, or def when v is not a string.
func stringOf(v gjson.Result, def string) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return def
}
