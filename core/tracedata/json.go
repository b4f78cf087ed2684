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
func (t Trace) MarshalJSON() ([]byte, error) {
	spans := t.Spans
	if spans == nil {
		spans = []Span{}
	}
	return marshalNoEscape(traceJSON{Info: t.Info.toJSON(), Data: dataJSON{Spans: spans}})
}

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
	return nil
}

// MarshalJSON encodes the info in MLflow's TraceInfo (v3) dict shape.
func (i TraceInfo) MarshalJSON() ([]byte, error) { return marshalNoEscape(i.toJSON()) }

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

func (i *TraceInfo) toJSON() infoJSON {
	j := infoJSON{
		TraceID:             i.TraceID,
		ClientRequestID:     i.ClientRequestID,
		TraceLocation:       locationJSON{Type: "MLFLOW_EXPERIMENT", MLflowExperiment: &experimentJSON{ExperimentID: i.ExperimentID}},
		RequestTime:         time.UnixMilli(i.TimestampMS).UTC().Format(requestTimeLayout),
		ExecutionDurationMS: i.ExecutionTimeMS,
		State:               i.State,
		RequestPreview:      i.RequestPreview,
		ResponsePreview:     i.ResponsePreview,
		TraceMetadata:       i.Metadata,
		Tags:                i.Tags,
	}
	return j
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
func (s Span) MarshalJSON() ([]byte, error) {
	j := spanJSON{
		TraceID:           s.TraceID,
		SpanID:            s.SpanID,
		Name:              s.Name,
		StartTimeUnixNano: s.StartTimeUnixNano,
		EndTimeUnixNano:   s.EndTimeUnixNano,
		Events:            s.Events,
		Status:            s.Status,
		Attributes:        s.Attributes,
		Links:             s.Links,
		OTelTraceID:       strings.TrimPrefix(s.TraceID, "tr-"),
	}
	if s.ParentID != "" {
		p := s.ParentID
		j.ParentSpanID = &p
	}
	if j.Events == nil {
		j.Events = []Event{}
	}
	if _, ok := s.Attributes[spantypes.KeyTraceRequestID]; !ok && s.TraceID != "" {
		attrs := make(map[string]string, len(s.Attributes)+1)
		for k, v := range s.Attributes {
			attrs[k] = v
		}
		attrs[spantypes.KeyTraceRequestID] = strconv.Quote(s.TraceID)
		j.Attributes = attrs
	}
	if j.Attributes == nil {
		j.Attributes = map[string]string{}
	}
	return marshalNoEscape(j)
}

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
	return nil
}

type eventJSON struct {
	Name         string                     `json:"name"`
	TimeUnixNano int64                      `json:"time_unix_nano"`
	Attributes   map[string]json.RawMessage `json:"attributes,omitempty"`
}

// MarshalJSON writes float attributes with a decimal point or exponent, so that decoding
// tells them from integers.
func (e Event) MarshalJSON() ([]byte, error) {
	attrs, err := marshalAttrs(e.Attributes)
	if err != nil {
		return nil, fmt.Errorf("tracedata: event %q: %w", e.Name, err)
	}
	return marshalNoEscape(eventJSON{Name: e.Name, TimeUnixNano: e.TimeUnixNano, Attributes: attrs})
}

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
func (l Link) MarshalJSON() ([]byte, error) {
	attrs, err := marshalAttrs(l.Attributes)
	if err != nil {
		return nil, fmt.Errorf("tracedata: link to %s: %w", l.SpanID, err)
	}
	return marshalNoEscape(linkJSON{TraceID: l.TraceID, SpanID: l.SpanID, Attributes: attrs})
}

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

func marshalAttrs(m map[string]any) (map[string]json.RawMessage, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		raw, err := marshalAttrValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = raw
	}
	return out, nil
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

func marshalAttrValue(v any) (json.RawMessage, error) {
	switch x := v.(type) {
	case float64:
		return appendFloat(nil, x), nil
	case []float64:
		b := []byte{'['}
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, f)
		}
		return append(b, ']'), nil
	}
	return marshalNoEscape(v)
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

// marshalNoEscape is json.Marshal without HTML escaping: trace content is data and must
// read back exactly as it was written.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
