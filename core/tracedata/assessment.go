package tracedata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/agentlens/agentlens/internal/jsonenc"
)

// AssessmentSourceType says who made an assessment, as MLflow names the kinds.
type AssessmentSourceType string

// Assessment sources.
const (
	SourceHuman    AssessmentSourceType = "HUMAN"
	SourceLLMJudge AssessmentSourceType = "LLM_JUDGE"
	SourceCode     AssessmentSourceType = "CODE"
)

// AssessmentSource is who made an assessment: a kind and an id (a user name, a judge's
// name; MLflow writes "default" when none is given).
type AssessmentSource struct {
	SourceType AssessmentSourceType
	SourceID   string
}

// AssessmentError is what a feedback carries instead of (or beside) a value when computing
// it failed: a judge that timed out, say.
type AssessmentError struct {
	ErrorCode    string
	ErrorMessage string
	StackTrace   string
}

// Feedback is a judgement of the trace's outputs: a value (JSON text: a bool, number, string,
// object or array) or an error.
type Feedback struct {
	// Value is compact JSON text; nil when the feedback is only an error.
	Value json.RawMessage
	Error *AssessmentError
}

// Expectation is ground truth for the trace: the value it should have produced.
type Expectation struct {
	// Value is compact JSON text.
	Value json.RawMessage
}

// Assessment is a feedback or an expectation attached to a trace (and optionally one of its
// spans), in MLflow 3's data model. Exactly one of Feedback and Expectation is set.
type Assessment struct {
	// AssessmentID is "a-" and 32 hex digits, given by the store.
	AssessmentID string
	// Name is what the assessment judges ("correctness"); it has no ".".
	Name    string
	TraceID string
	// SpanID names the span the assessment is about; empty for the whole trace.
	SpanID string
	Source AssessmentSource
	// CreateTimeMS and LastUpdateTimeMS are milliseconds since the Unix epoch.
	CreateTimeMS     int64
	LastUpdateTimeMS int64
	Feedback         *Feedback
	Expectation      *Expectation
	Rationale        string
	Metadata         map[string]string
	// Overrides is the id of the assessment this one replaced (see Valid).
	Overrides string
	// Valid is false for an assessment that a newer one overrides; searches skip it.
	Valid bool
}

// IsFeedback reports whether the assessment is a feedback.
func (a *Assessment) IsFeedback() bool { return a.Feedback != nil }

// Value returns the JSON text of the feedback's or the expectation's value.
func (a *Assessment) Value() json.RawMessage {
	switch {
	case a.Feedback != nil:
		return a.Feedback.Value
	case a.Expectation != nil:
		return a.Expectation.Value
	}
	return nil
}

// AppendJSON appends the assessment in MLflow's Assessment.to_dictionary shape (the proto's
// JSON with its field names): times as protobuf Timestamp strings, an expectation whose value
// is not a scalar as a JSON_FORMAT serialized_value, as MLflow writes it.
func (a *Assessment) AppendJSON(b []byte) []byte {
	b = append(b, `{"assessment_id":`...)
	b = jsonenc.AppendString(b, a.AssessmentID)
	b = append(b, `,"assessment_name":`...)
	b = jsonenc.AppendString(b, a.Name)
	b = append(b, `,"trace_id":`...)
	b = jsonenc.AppendString(b, a.TraceID)
	if a.SpanID != "" {
		b = append(b, `,"span_id":`...)
		b = jsonenc.AppendString(b, a.SpanID)
	}
	b = append(b, `,"source":{"source_type":`...)
	b = jsonenc.AppendString(b, string(a.Source.SourceType))
	b = append(b, `,"source_id":`...)
	b = jsonenc.AppendString(b, a.Source.SourceID)
	b = append(b, `},"create_time":"`...)
	b = appendTimestamp(b, a.CreateTimeMS)
	b = append(b, `","last_update_time":"`...)
	b = appendTimestamp(b, a.LastUpdateTimeMS)
	b = append(b, '"')
	switch {
	case a.Feedback != nil:
		b = append(b, `,"feedback":{`...)
		comma := false
		if a.Feedback.Value != nil {
			b = append(b, `"value":`...)
			b = append(b, a.Feedback.Value...)
			comma = true
		}
		if e := a.Feedback.Error; e != nil {
			if comma {
				b = append(b, ',')
			}
			b = append(b, `"error":`...)
			b = e.appendJSON(b)
		}
		b = append(b, '}')
	case a.Expectation != nil:
		v := a.Expectation.Value
		if isJSONScalar(v) {
			b = append(b, `,"expectation":{"value":`...)
			b = append(b, v...)
		} else {
			b = append(b, `,"expectation":{"serialized_value":{"serialization_format":"JSON_FORMAT","value":`...)
			if v == nil {
				v = json.RawMessage("null")
			}
			b = jsonenc.AppendString(b, string(v))
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if a.Rationale != "" {
		b = append(b, `,"rationale":`...)
		b = jsonenc.AppendString(b, a.Rationale)
	}
	if len(a.Metadata) > 0 {
		b = append(b, `,"metadata":`...)
		b = appendStringMap(b, a.Metadata, "")
	}
	if a.Overrides != "" {
		b = append(b, `,"overrides":`...)
		b = jsonenc.AppendString(b, a.Overrides)
	}
	b = append(b, `,"valid":`...)
	b = strconv.AppendBool(b, a.Valid)
	return append(b, '}')
}

func (e *AssessmentError) appendJSON(b []byte) []byte {
	b = append(b, '{')
	sep := false
	for _, f := range [...]struct{ k, v string }{{"error_code", e.ErrorCode}, {"error_message", e.ErrorMessage}, {"stack_trace", e.StackTrace}} {
		if f.v == "" {
			continue
		}
		if sep {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, f.k)
		b = append(b, ':')
		b = jsonenc.AppendString(b, f.v)
		sep = true
	}
	return append(b, '}')
}

// isJSONScalar reports whether v is a JSON string, number or bool: what MLflow puts in an
// expectation's value directly (null, lists and objects go serialized).
func isJSONScalar(v json.RawMessage) bool {
	if len(v) == 0 {
		return false
	}
	switch v[0] {
	case '{', '[', 'n':
		return false
	}
	return true
}

// appendTimestamp writes ms as protobuf's JSON form of a Timestamp: RFC 3339 in UTC with no
// fraction for whole seconds and three digits otherwise.
func appendTimestamp(b []byte, ms int64) []byte {
	t := time.UnixMilli(ms).UTC()
	if ms%1000 == 0 {
		return t.AppendFormat(b, "2006-01-02T15:04:05Z")
	}
	return t.AppendFormat(b, requestTimeLayout)
}

// MarshalJSON encodes the assessment in MLflow's shape.
func (a Assessment) MarshalJSON() ([]byte, error) { return a.AppendJSON(nil), nil }

type assessmentJSON struct {
	AssessmentID   string                `json:"assessment_id"`
	AssessmentName string                `json:"assessment_name"`
	TraceID        string                `json:"trace_id"`
	SpanID         string                `json:"span_id"`
	Source         sourceJSON            `json:"source"`
	CreateTime     string                `json:"create_time"`
	LastUpdateTime string                `json:"last_update_time"`
	Feedback       *feedbackJSON         `json:"feedback"`
	Expectation    *expectationValueJSON `json:"expectation"`
	Rationale      string                `json:"rationale"`
	Metadata       map[string]string     `json:"metadata"`
	Overrides      string                `json:"overrides"`
	Valid          *bool                 `json:"valid"`
}

type sourceJSON struct {
	SourceType string `json:"source_type"`
	SourceID   string `json:"source_id"`
}

type feedbackJSON struct {
	Value json.RawMessage `json:"value"`
	Error *struct {
		ErrorCode    string `json:"error_code"`
		ErrorMessage string `json:"error_message"`
		StackTrace   string `json:"stack_trace"`
	} `json:"error"`
}

type expectationValueJSON struct {
	Value           json.RawMessage `json:"value"`
	SerializedValue *struct {
		SerializationFormat string `json:"serialization_format"`
		Value               string `json:"value"`
	} `json:"serialized_value"`
}

// UnmarshalJSON decodes an assessment from MLflow's dictionary shape; a missing "valid"
// means valid, as MLflow reads it.
func (a *Assessment) UnmarshalJSON(data []byte) error {
	var j assessmentJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	out := Assessment{
		AssessmentID: j.AssessmentID,
		Name:         j.AssessmentName,
		TraceID:      j.TraceID,
		SpanID:       j.SpanID,
		Source:       AssessmentSource{SourceType: AssessmentSourceType(j.Source.SourceType), SourceID: j.Source.SourceID},
		Rationale:    j.Rationale,
		Metadata:     j.Metadata,
		Overrides:    j.Overrides,
		Valid:        j.Valid == nil || *j.Valid,
	}
	if len(out.Metadata) == 0 {
		out.Metadata = nil
	}
	var err error
	if out.CreateTimeMS, err = parseTimestamp(j.CreateTime); err != nil {
		return fmt.Errorf("tracedata: assessment %q: bad create_time: %w", j.AssessmentID, err)
	}
	if out.LastUpdateTimeMS, err = parseTimestamp(j.LastUpdateTime); err != nil {
		return fmt.Errorf("tracedata: assessment %q: bad last_update_time: %w", j.AssessmentID, err)
	}
	switch {
	case j.Feedback != nil && j.Expectation != nil:
		return fmt.Errorf("tracedata: assessment %q is both a feedback and an expectation", j.AssessmentID)
	case j.Feedback != nil:
		out.Feedback = &Feedback{Value: compactJSON(j.Feedback.Value)}
		if e := j.Feedback.Error; e != nil {
			out.Feedback.Error = &AssessmentError{ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage, StackTrace: e.StackTrace}
		}
	case j.Expectation != nil:
		v := compactJSON(j.Expectation.Value)
		if sv := j.Expectation.SerializedValue; sv != nil {
			if sv.SerializationFormat != "JSON_FORMAT" {
				return fmt.Errorf("tracedata: assessment %q: unknown serialization format %q", j.AssessmentID, sv.SerializationFormat)
			}
			if !json.Valid([]byte(sv.Value)) {
				return fmt.Errorf("tracedata: assessment %q: serialized value is not JSON", j.AssessmentID)
			}
			v = compactJSON(json.RawMessage(sv.Value))
		}
		out.Expectation = &Expectation{Value: v}
	default:
		return fmt.Errorf("tracedata: assessment %q is neither a feedback nor an expectation", j.AssessmentID)
	}
	*a = out
	return nil
}

// compactJSON returns v without insignificant space, nil for nil.
func compactJSON(v json.RawMessage) json.RawMessage {
	if v == nil {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err != nil {
		return slices.Clone(v)
	}
	return buf.Bytes()
}

func parseTimestamp(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}
