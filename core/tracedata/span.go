package tracedata

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// StatusCode is the outcome of a span.
type StatusCode string

// Span status codes, as MLflow names them.
const (
	StatusUnset StatusCode = "UNSET"
	StatusOK    StatusCode = "OK"
	StatusError StatusCode = "ERROR"
)

// Status is a span's status code and, for errors, a message such as "*fs.PathError: open x: no such file".
type Status struct {
	Code    StatusCode `json:"code"`
	Message string     `json:"message"`
}

// Link points from a span to a span of another trace, for example the foreign OpenTelemetry
// span that was active when an agentlens trace started.
type Link struct {
	// TraceID is the 32-hex OpenTelemetry trace id of the linked span.
	TraceID string `json:"trace_id"`
	// SpanID is the 16-hex span id of the linked span.
	SpanID     string         `json:"span_id"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Span is one finished unit of work in a trace.
type Span struct {
	// TraceID is the trace's id: "tr-" followed by the 32-hex OpenTelemetry trace id.
	TraceID string
	// SpanID is the 16-hex span id.
	SpanID string
	// ParentID is the parent's span id, empty for the root span.
	ParentID          string
	Name              string
	StartTimeUnixNano int64
	EndTimeUnixNano   int64
	Status            Status
	// Attributes maps keys to JSON text: a string attribute "x" is stored as `"x"`.
	Attributes map[string]string
	Events     []Event
	Links      []Link
}

// Attribute returns the JSON text of attribute key, or nil when the span has none.
func (s *Span) Attribute(key string) json.RawMessage {
	v, ok := s.Attributes[key]
	if !ok {
		return nil
	}
	return json.RawMessage(v)
}

// StringAttribute returns attribute key decoded as a string. A non-string JSON value is
// returned as its JSON text; a missing attribute as "".
func (s *Span) StringAttribute(key string) string {
	v, ok := s.Attributes[key]
	if !ok {
		return ""
	}
	if len(v) > 0 && v[0] == '"' {
		var str string
		if err := json.Unmarshal([]byte(v), &str); err == nil {
			return str
		}
	}
	return v
}

// SpanType returns the span's type, spantypes.Unknown when none was recorded.
func (s *Span) SpanType() string {
	if t := s.StringAttribute(spantypes.KeySpanType); t != "" {
		return t
	}
	return spantypes.Unknown
}

// Inputs returns the JSON text of the span's inputs, nil when none were recorded.
func (s *Span) Inputs() json.RawMessage { return s.Attribute(spantypes.KeySpanInputs) }

// Outputs returns the JSON text of the span's outputs, nil when none were recorded.
func (s *Span) Outputs() json.RawMessage { return s.Attribute(spantypes.KeySpanOutputs) }

// TokenUsage returns the token usage recorded on the span, and whether there was any.
func (s *Span) TokenUsage() (TokenUsage, bool) {
	v, ok := s.Attributes[spantypes.KeyChatTokenUsage]
	if !ok {
		return TokenUsage{}, false
	}
	return parseTokenUsage(v)
}

// parseTokenUsage reads a token usage object in place (this runs for every span of every
// trace): the three counts, each an integer or null; anything else is not a usage.
func parseTokenUsage(js string) (TokenUsage, bool) {
	n, ok := readFigures(js, &usageKeys, func(raw string) (int64, bool) {
		i, err := strconv.ParseInt(raw, 10, 64)
		return i, err == nil
	})
	return TokenUsage{InputTokens: n[0], OutputTokens: n[1], TotalTokens: n[2]}, ok
}

var usageKeys = [3]string{"input_tokens", "output_tokens", "total_tokens"}

// readFigures reads an object of three figures, the values of keys in order: each a number
// that read parses, or null; a missing or null one is 0, and other keys are passed over.
// Anything else (not an object, a figure of another type or one read rejects) is not such
// an object: ok is false and the figures are 0.
func readFigures[N int64 | float64](js string, keys *[3]string, read func(raw string) (N, bool)) (f [3]N, ok bool) {
	obj, ok := jsontext.Object(js)
	if !ok {
		return f, false
	}
	obj.ForEach(func(key, v gjson.Result) bool {
		i := 0
		for i < len(keys) && keys[i] != key.Str {
			i++
		}
		switch {
		case i == len(keys), v.Type == gjson.Null:
		case v.Type == gjson.Number:
			f[i], ok = read(v.Raw)
		default:
			ok = false
		}
		return ok
	})
	if !ok {
		return [3]N{}, false
	}
	return f, true
}

// SetAttribute sets attribute key to the JSON encoding of v (a value JSON cannot encode is
// recorded as descriptive text). For OnExport hooks and redaction.
func (s *Span) SetAttribute(key string, v any) {
	if s.Attributes == nil {
		s.Attributes = map[string]string{}
	}
	s.Attributes[key] = jsonenc.String(v)
}

// SetTokenUsage records u as mlflow.chat.tokenUsage and the GenAI usage keys; a zero total is
// filled in as input + output.
func (s *Span) SetTokenUsage(u TokenUsage) {
	if u.TotalTokens == 0 {
		u.TotalTokens = u.InputTokens + u.OutputTokens
	}
	if s.Attributes == nil {
		s.Attributes = map[string]string{}
	}
	var buf [96]byte
	s.Attributes[spantypes.KeyChatTokenUsage] = string(u.AppendJSON(buf[:0]))
	s.Attributes[spantypes.KeyGenAIUsageInputTokens] = strconv.FormatInt(u.InputTokens, 10)
	s.Attributes[spantypes.KeyGenAIUsageOutputTokens] = strconv.FormatInt(u.OutputTokens, 10)
}

// RecordException marks the span ERROR with "<typ>: <message>" and adds an exception event.
func (s *Span) RecordException(typ, message string, at int64) {
	s.Status = Status{Code: StatusError, Message: typ + ": " + message}
	s.Events = append(s.Events, Event{Name: spantypes.ExceptionEventName, TimeUnixNano: at,
		Attributes: map[string]any{spantypes.KeyExceptionType: typ, spantypes.KeyExceptionMessage: message}})
}

// InsertEvents adds evs, which are in time order, among the span's events (also in time
// order): each goes after the events that happened before it and before those that happened
// at the same time or later. The span may keep evs itself. For export hooks.
func (s *Span) InsertEvents(evs []Event) {
	if len(evs) == 0 {
		return
	}
	if len(s.Events) == 0 {
		s.Events = evs // nothing to merge with: the span takes evs as they are
		return
	}
	old := s.Events
	merged := make([]Event, 0, len(old)+len(evs))
	for _, ev := range evs {
		for len(old) > 0 && old[0].TimeUnixNano < ev.TimeUnixNano {
			merged = append(merged, old[0])
			old = old[1:]
		}
		merged = append(merged, ev)
	}
	s.Events = append(merged, old...)
}

// StartTime returns when the span started.
func (s *Span) StartTime() time.Time { return time.Unix(0, s.StartTimeUnixNano) }

// EndTime returns when the span ended.
func (s *Span) EndTime() time.Time { return time.Unix(0, s.EndTimeUnixNano) }

// Duration returns how long the span ran.
func (s *Span) Duration() time.Duration {
	return time.Duration(s.EndTimeUnixNano - s.StartTimeUnixNano)
}

// TokenUsage counts the tokens of one model call or, aggregated, of a whole trace.
type TokenUsage struct {
	InputTokens  int64 `json:"input_tokens"`
	OutputTokens int64 `json:"output_tokens"`
	TotalTokens  int64 `json:"total_tokens"`
}

// Add returns the sum of u and v.
func (u TokenUsage) Add(v TokenUsage) TokenUsage {
	return TokenUsage{
		InputTokens:  u.InputTokens + v.InputTokens,
		OutputTokens: u.OutputTokens + v.OutputTokens,
		TotalTokens:  u.TotalTokens + v.TotalTokens,
	}
}

// AppendJSON appends u as the JSON object MLflow records for token usage.
func (u TokenUsage) AppendJSON(b []byte) []byte {
	b = append(b, `{"input_tokens":`...)
	b = strconv.AppendInt(b, u.InputTokens, 10)
	b = append(b, `,"output_tokens":`...)
	b = strconv.AppendInt(b, u.OutputTokens, 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, u.TotalTokens, 10)
	return append(b, '}')
}

// String renders u compactly, e.g. "12 in / 30 out / 42 total".
func (u TokenUsage) String() string {
	return strconv.FormatInt(u.InputTokens, 10) + " in / " + strconv.FormatInt(u.OutputTokens, 10) +
		" out / " + strconv.FormatInt(u.TotalTokens, 10) + " total"
}
