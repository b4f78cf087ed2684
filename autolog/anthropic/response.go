package anthropic

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// response wraps the response body so that the span ends with it: the caller reads the
// body as before, and the span learns from the bytes as they pass.
func (c *call) response(resp *http.Response) {
	if resp.StatusCode >= 400 {
		c.WrapError(resp, c.readError(resp.StatusCode), panicKind)
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" || (c.stream && mt == "") {
		httptap.Wrap(resp, c.newStreamSink(), panicKind)
		return
	}
	record := c.EndJSON(notJSONKind, func(s *instrument.FinishedSpan, obj gjson.Result) { readMessage(obj).set(s) })
	httptap.Wrap(resp, httptap.NewBufferSink(resp, c.EndWithBody(record)), panicKind)
}

// messageHead is what a span records of a Message besides its content.
type messageHead struct {
	id, model, stopReason string
	usage                 gjson.Result
}

// readMessage reads a Message in place. Fields of an unexpected type are ignored; of a
// repeated key, the last one counts.
func readMessage(obj gjson.Result) messageHead {
	var h messageHead
	obj.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "id":
			h.id = stringOf(v, h.id)
		case "model":
			h.model = stringOf(v, h.model)
		case "stop_reason":
			h.stopReason = stringOf(v, h.stopReason)
		case "usage":
			h.usage = v
		}
		return true
	})
	return h
}

// set records the response model, id, stop reason (as the finish reason) and usage.
func (h messageHead) set(s *instrument.FinishedSpan) {
	var reasons []string
	if h.stopReason != "" {
		reasons = []string{h.stopReason}
	}
	httptap.SetResponse(s, h.model, h.id, reasons)
	if u, ok := readUsage(h.usage); ok {
		u.set(s)
	}
}

// apiError is what an Anthropic error body says: {"type":"error","error":{"type",
// "message"}}, the body of an HTTP error and the data of a stream's error event alike.
type apiError struct {
	found   bool // the body is such an error
	typ     string
	message string
}

func readAPIError(body string) apiError {
	v, ok := httptap.ErrorObject(body)
	if !ok {
		return apiError{}
	}
	return apiError{found: true, typ: stringOf(jsontext.Member(v, "type"), ""), message: stringOf(jsontext.Member(v, "message"), "")}
}

// readError reads an HTTP error response for httptap.Call.EndWithError: an exception named
// after the status as Anthropic's SDKs name the error they raise, with the API's message
// (the HTTP status when there is none), and the API's error type as an attribute.
func (c *call) readError(status int) func(body string) (text, typ, msg string) {
	return func(body string) (string, string, string) {
		e := readAPIError(body)
		if e.typ != "" && c.Own {
			instrument.SetRawAttribute(c.Span, spantypes.KeyAPIErrorType, jsonenc.String(e.typ))
		}
		msg := e.message
		if msg == "" {
			msg = strings.TrimSpace("HTTP " + strconv.Itoa(status) + " " + http.StatusText(status))
		}
		return body, statusErrorName(status), msg
	}
}

// statusErrorName names an HTTP error status as Anthropic's SDKs (Python, TypeScript) name
// the error they raise for it: those of the OpenAI SDKs, and 413 RequestTooLargeError, 503
// ServiceUnavailableError, 504 DeadlineExceededError, 529 OverloadedError.
func statusErrorName(status int) string {
	switch status {
	case 413:
		return "RequestTooLargeError"
	case 503:
		return "ServiceUnavailableError"
	case 504:
		return "DeadlineExceededError"
	case 529:
		return "OverloadedError"
	}
	return httptap.SDKErrorName(status)
}
