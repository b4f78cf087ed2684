package gemini

import (
	"mime"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// response wraps the response body so that the span ends with it: the caller reads the
// body as before, and the span learns from the bytes as they pass.
func (c *call) response(resp *http.Response) {
	if resp.StatusCode >= 400 {
		c.WrapError(resp, readError, panicKind)
		return
	}
	if c.route.ep == streamGenerateContent {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		// genai asks for server-sent events (alt=sse); generative-ai-go gets one JSON array.
		httptap.Wrap(resp, c.newStreamSink(mt == "text/event-stream"), panicKind)
		return
	}
	httptap.Wrap(resp, httptap.NewBufferSink(resp, c.EndWithBody(c.endWithJSON)), panicKind)
}

// endWithJSON records a successful non-streamed response read whole; it is read on export.
func (c *call) endWithJSON(text string) {
	c.EndJSON(notJSONKind, func(s *instrument.FinishedSpan, obj gjson.Result) { setResponse(s, readResponse(obj)) })(text)
}

// responseHead is what a span records of a GenerateContentResponse besides its content.
type responseHead struct {
	model, id   string
	reasons     []string // the candidates' finish reasons, as names
	blockReason string   // promptFeedback.blockReason: the prompt was blocked
	usage       gjson.Result
}

// readResponse reads a GenerateContentResponse (or an embedding response, which has none of
// these) in place. Fields of an unexpected type are ignored; of a repeated key, the last
// one counts.
func readResponse(obj gjson.Result) responseHead {
	var h responseHead
	obj.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "modelVersion":
			h.model = stringOf(v, h.model)
		case "responseId":
			h.id = stringOf(v, h.id)
		case "usageMetadata":
			h.usage = v
		case "promptFeedback":
			if r := blockReasonName(jsontext.Member(v, "blockReason")); r != "" {
				h.blockReason = r
			}
		case "candidates":
			h.reasons = h.reasons[:0]
			v.ForEach(func(_, cand gjson.Result) bool {
				if r := finishReasonName(jsontext.Member(cand, "finishReason")); r != "" {
					h.reasons = append(h.reasons, r)
				}
				return true
			})
		}
		return true
	})
	return h
}

// setResponse records the model version, response id, finish reasons, block reason and
// usage of a response.
func setResponse(s *instrument.FinishedSpan, h responseHead) {
	if h.model != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseModel, h.model)
	}
	if h.id != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseID, h.id)
	}
	if len(h.reasons) > 0 {
		s.SetAttribute(spantypes.KeyGenAIResponseFinishReasons, h.reasons)
	}
	if h.blockReason != "" {
		s.SetAttribute(spantypes.KeyGeminiBlockReason, h.blockReason)
	}
	if u, ok := usage(h.usage); ok {
		s.SetTokenUsage(u)
	}
}

// errorObject reads {"error": {...}} from a parsed JSON value.
func errorObject(v gjson.Result) (typ, msg string) {
	if !v.IsObject() {
		return "", ""
	}
	e := jsontext.Member(v, "error")
	if !e.IsObject() {
		return "", ""
	}
	typ = stringOf(jsontext.Member(e, "status"), "")
	if code := jsontext.Member(e, "code"); typ == "" && code.Type == gjson.Number {
		typ = code.Raw
	}
	return typ, stringOf(jsontext.Member(e, "message"), "")
}

// apiError reads Google's {"error": {"code", "message", "status"}} body, also as the one
// element of an array (how a failed streamGenerateContent answers generative-ai-go). The
// type is the status ("RESOURCE_EXHAUSTED"), else the code.
func apiError(body string) (typ, msg string) {
	if !jsontext.Valid(body) {
		return "", ""
	}
	v := gjson.Parse(body)
	if v.IsArray() {
		var first gjson.Result
		v.ForEach(func(_, el gjson.Result) bool { first = el; return false })
		v = first
	}
	return errorObject(v)
}

// readError reads an HTTP error body for httptap.Call.EndWithError: recorded as it came,
// with the exception apiError reads from it.
func readError(body string) (text, typ, msg string) {
	typ, msg = apiError(body)
	return body, typ, msg
}

// stringOf returns v's string, or def when v is not a string.
func stringOf(v gjson.Result, def string) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return def
}
