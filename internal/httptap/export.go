package httptap

import (
	"errors"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// Bounds of a streamed response kept for a span.
const (
	StreamLimit   = 64 << 20 // the bytes of a stream
	MaxEventBytes = 8 << 20  // one server-sent event
)

// EndJSON returns the record function of EndWithBody for a successful non-streamed response
// whose body is a JSON object: the body becomes the outputs of an own span (content on),
// and on export read gets the object; a body that is not one is reported under notJSONKind
// and recorded as text.
func (c *Call) EndJSON(notJSONKind string, read func(s *instrument.FinishedSpan, obj gjson.Result)) func(text string) {
	return func(text string) {
		if c.Own && c.Content {
			instrument.SetRawOutputs(c.Span, text) // checked by the hook
		}
		instrument.OnExport(c.Span, func(s *instrument.FinishedSpan) {
			obj, ok := jsontext.Object(text)
			if !ok {
				instrument.ReportError(notJSONKind, errors.New("a successful response body is not a JSON object; recorded as text"))
				if c.Own && c.Content {
					s.SetAttribute(spantypes.KeySpanOutputs, text)
				}
				return
			}
			read(s, obj)
		})
	}
}

// EndStream ends the span of a streamed response (see Sink.End): it notes when the stream
// ended, records a read error as the caller met it, and leaves export (splitting the kept
// bytes, on the export goroutine) the rest.
func (c *Call) EndStream(st *Stream, err error, closed bool, export func(sp *instrument.FinishedSpan, err error, closed bool)) {
	st.MarkEnd()
	defer c.End()
	if err != nil {
		c.RecordError(err)
	}
	instrument.OnExport(c.Span, func(sp *instrument.FinishedSpan) { export(sp, err, closed) })
}

// RequestModel reads a request body on export for the model it names, in its first bytes
// when it was truncated; of a JSON object body, each gets every member. A body that is not
// JSON is recorded as text inputs of an own span (content on).
func (c *Call) RequestModel(s *instrument.FinishedSpan, rb RequestBody, each func(key string, v gjson.Result)) (model string) {
	body := rb.Text
	if rb.Truncated {
		// Not JSON as a whole: the model is read where it stands in the first bytes.
		if m := gjson.Get(body, "model"); m.Type == gjson.String {
			model = m.Str
		}
		return model
	}
	obj, ok := jsontext.Object(body)
	if !ok {
		if c.Own && c.Content && len(body) > 0 && !jsontext.Valid(body) {
			s.SetAttribute(spantypes.KeySpanInputs, body)
		}
		return ""
	}
	obj.ForEach(func(key, v gjson.Result) bool {
		if key.Str == "model" && v.Type == gjson.String {
			model = v.Str
		}
		if each != nil {
			each(key.Str, v)
		}
		return true
	})
	return model
}

// SetRequestModel records the model a request names (gen_ai.request.model, and
// mlflow.llm.model unless the span has one).
func SetRequestModel(s *instrument.FinishedSpan, model string) {
	if model == "" {
		return
	}
	s.SetAttribute(spantypes.KeyGenAIRequestModel, model)
	if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
		s.SetAttribute(spantypes.KeyLLMModel, model)
	}
}

// SetResponse records what a response tells besides its usage: the model
// (gen_ai.response.model, and mlflow.llm.model unless the span has one), the response id and
// the finish reasons; empty ones are left out.
func SetResponse(s *instrument.FinishedSpan, model, id string, reasons []string) {
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
