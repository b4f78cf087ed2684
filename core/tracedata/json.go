package tracedata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/spantypes"
)

// The JSON shapes below follow MLflow's Trace.to_dict: TraceInfo (v3) with
// execution_duration_ms, and spans in MLflow's span dict shape with hex ids.

type traceJSON struct {
	Info infoJSON `json:"info"`
	Data dataJSON `json:"data"`
}

type dataJSON struct {
	Spans []Span `json:"spans"`
}

type infoJSON struct {
	TraceID             string            `json:"trace_id"`
	ClientRequestID     string            `json:"client_request_id,omitempty"`
	TraceLocation       locationJSON      `json:"trace_location"`
	RequestTime         string            `json:"request_time"`
	ExecutionDurationMS int64             `json:"execution_duration_ms"`
	State               State             `json:"state"`
	RequestPreview      string            `json:"request_preview,omitempty"`
	ResponsePreview     string            `json:"response_preview,omitempty"`
	TraceMetadata       map[string]string `json:"trace_metadata,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	Assessments         []Assessment      `json:"assessments,omitempty"`
}

type locationJSON struct {
	Type             string          `json:"type"`
	MLflowExperiment *experimentJSON `json:"mlflow_experiment,omitempty"`
}

type experimentJSON struct {
	ExperimentID string `json:"experiment_id"`
}

const requestTimeLayout = "2006-01-02T15:04:05.000Z"

// MarshalJSON encodes the trace in MLflow's Trace.to_dict shape.
func (t Trace) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }

// UnmarshalJSON decodes a trace from MLflow's Trace.to_dict shape.
func (t *Trace) UnmarshalJSON(b []byte) error {
	var j traceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	info, err := j.Info.fromJSON()
	if err != nil {
		return err
	}
	t.Info = info
	t.Spans = j.Data.Spans
	if len(t.Spans) == 0 {
		t.Spans = nil
	}
	return nil
}

// MarshalJSON encodes the info in MLflow's TraceInfo (v3) dict shape.
func (i TraceInfo) MarshalJSON() ([]byte, error) { return i.AppendJSON(nil), nil }

// UnmarshalJSON decodes the info from MLflow's TraceInfo (v3) dict shape.
func (i *TraceInfo) UnmarshalJSON(b []byte) error {
	var j infoJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	info, err := j.fromJSON()
	if err != nil {
		return err
	}
	*i = info
	return nil
}

func (j *infoJSON) fromJSON() (TraceInfo, error) {
	i := TraceInfo{
		TraceID:         j.TraceID,
		ClientRequestID: j.ClientRequestID,
		ExecutionTimeMS: j.ExecutionDurationMS,
		State:           j.State,
		RequestPreview:  j.RequestPreview,
		ResponsePreview: j.ResponsePreview,
		Metadata:        j.TraceMetadata,
		Tags:            j.Tags,
		Assessments:     j.Assessments,
	}
	if len(i.Assessments) == 0 {
		i.Assessments = nil
	}
	if j.TraceLocation.MLflowExperiment != nil {
		i.ExperimentID = j.TraceLocation.MLflowExperiment.ExperimentID
	}
	if j.RequestTime != "" {
		ts, err := time.Parse(time.RFC3339Nano, j.RequestTime)
		if err != nil {
			return TraceInfo{}, fmt.Errorf("tracedata: trace %q: bad request_time: %w", j.TraceID, err)
		}
		i.TimestampMS = ts.UnixMilli()
	}
	return i, nil
}

type spanJSON struct {
	TraceID           string            `json:"trace_id"`
	SpanID            string            `json:"span_id"`
	ParentSpanID      *string           `json:"parent_span_id"`
	Name              string            `json:"name"`
	StartTimeUnixNano int64             `json:"start_time_unix_nano"`
	EndTimeUnixNano   int64             `json:"end_time_unix_nano"`
	Events            []Event           `json:"events"`
	Status            Status            `json:"status"`
	Attributes        map[string]string `json:"attributes"`
	Links             []Link            `json:"links,omitempty"`
	OTelTraceID       string            `json:"otel_trace_id,omitempty"`
}

// MarshalJSON encodes the span in MLflow's span dict shape. The attribute
// "mlflow.traceRequestId", which MLflow requires on every span, is added when missing.
func (s Span) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }

// UnmarshalJSON decodes a span from MLflow's span dict shape.
func (s *Span) UnmarshalJSON(b []byte) error {
	var j spanJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Span{
		TraceID:           j.TraceID,
		SpanID:            j.SpanID,
		Name:              j.Name,
		StartTimeUnixNano: j.StartTimeUnixNano,
		EndTimeUnixNano:   j.EndTimeUnixNano,
		Status:            j.Status,
		Attributes:        j.Attributes,
		Events:            j.Events,
		Links:             j.Links,
	}
	if j.ParentSpanID != nil {
		s.ParentID = *j.ParentSpanID
	}
	// The request id attribute is derived from TraceID; drop it so a round trip is exact.
	if v, ok := s.Attributes[spantypes.KeyTraceRequestID]; ok && v == strconv.Quote(s.TraceID) {
		delete(s.Attributes, spantypes.KeyTraceRequestID)
	}
	if len(s.Events) == 0 {
		s.Events = nil
	}
	if len(s.Attributes) == 0 {
		s.Attributes = nil
	}
	return nil
}

type eventJSON struct {
	Name         string                     `json:"name"`
	TimeUnixNano int64                      `json:"time_unix_nano"`
	Attributes   map[string]json.RawMessage `json:"attributes,omitempty"`
}

// MarshalJSON writes float attributes with a decimal point or exponent, so that decoding
// tells them from integers.
func (e Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// UnmarshalJSON decodes attribute values to string, bool, int64, float64 or slices of them.
func (e *Event) UnmarshalJSON(b []byte) error {
	var j eventJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	attrs, err := unmarshalAttrs(j.Attributes)
	if err != nil {
		return fmt.Errorf("tracedata: event %q: %w", j.Name, err)
	}
	*e = Event{Name: j.Name, TimeUnixNano: j.TimeUnixNano, Attributes: attrs}
	return nil
}

type linkJSON struct {
	TraceID    string                     `json:"trace_id"`
	SpanID     string                     `json:"span_id"`
	Attributes map[string]json.RawMessage `json:"attributes,omitempty"`
}

// MarshalJSON writes float attributes so that decoding tells them from integers.
func (l Link) MarshalJSON() ([]byte, error) { return l.AppendJSON(nil), nil }

// UnmarshalJSON decodes a link written by MarshalJSON.
func (l *Link) UnmarshalJSON(b []byte) error {
	var j linkJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	attrs, err := unmarshalAttrs(j.Attributes)
	if err != nil {
		return fmt.Errorf("tracedata: link to %s: %w", j.SpanID, err)
	}
	*l = Link{TraceID: j.TraceID, SpanID: j.SpanID, Attributes: attrs}
	return nil
}

func unmarshalAttrs(m map[string]json.RawMessage) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, raw := range m {
		v, err := unmarshalAttrValue(raw)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// appendFloat writes f as JSON that always reads back as a float: with a '.' or an exponent.
// NaN and infinities, which JSON lacks, are written as strings.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.AppendQuote(b, strconv.FormatFloat(f, 'g', -1, 64))
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'g', -1, 64)
	if !bytes.ContainsAny(b[start:], ".eE") {
		b = append(b, '.', '0')
	}
	return b
}

func unmarshalAttrValue(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case json.Number:
		return number(x)
	case []any:
		return typedSlice(x)
	}
	return v, nil
}

func number(n json.Number) (any, error) {
	if strings.ContainsAny(string(n), ".eE") {
		return n.Float64()
	}
	return n.Int64()
}

func typedSlice(xs []any) (any, error) {
	if len(xs) == 0 {
		return []string{}, nil
	}
	switch xs[0].(type) {
	case string:
		out := make([]string, len(xs))
		for i, x := range xs {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("mixed array")
			}
			out[i] = s
		}
		return out, nil
	case bool:
		out := make([]bool, len(xs))
		for i, x := range xs {
			b, ok := x.(bool)
			if !ok {
				return nil, fmt.Errorf("mixed array")
			}
			out[i] = b
		}
		return out, nil
	case json.Number:
		isFloat := false
		for _, x := range xs {
			n, ok := x.(json.Number)
			if !ok {
				return nil, fmt.Errorf("mixed array")
			}
			if strings.ContainsAny(string(n), ".eE") {
				isFloat = true
			}
		}
		if isFloat {
			out := make([]float64, len(xs))
			for i, x := range xs {
				f, err := x.(json.Number).Float64()
				if err != nil {
					return nil, err
				}
				out[i] = f
			}
			return out, nil
		}
		out := make([]int64, len(xs))
		for i, x := range xs {
			n, err := x.(json.Number).Int64()
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported array element %T", xs[0])
}
