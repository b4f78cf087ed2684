package tracedata

import (
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// JSONSize returns len(s.AppendJSON(nil)) without encoding the span: size statistics are
// computed for every exported trace, and measuring costs a fraction of encoding.
func (s *Span) JSONSize() int {
	q := jsonenc.QuotedLen
	n := len(`{"trace_id":`) + q(s.TraceID) +
		len(`,"span_id":`) + q(s.SpanID) +
		len(`,"parent_span_id":`) +
		len(`,"name":`) + q(s.Name) +
		len(`,"start_time_unix_nano":`) + intLen(s.StartTimeUnixNano) +
		len(`,"end_time_unix_nano":`) + intLen(s.EndTimeUnixNano) +
		len(`,"events":[`) +
		len(`],"status":{"code":`) + q(string(s.Status.Code)) +
		len(`,"message":`) + q(s.Status.Message) +
		len(`},"attributes":`) +
		len(`}`)
	if s.ParentID == "" {
		n += len("null")
	} else {
		n += q(s.ParentID)
	}
	for i := range s.Events {
		if i > 0 {
			n++
		}
		n += s.Events[i].jsonSize()
	}
	requestID := ""
	if _, ok := s.Attributes[spantypes.KeyTraceRequestID]; !ok && s.TraceID != "" {
		requestID = s.TraceID
	}
	n += stringMapSize(s.Attributes, requestID)
	if len(s.Links) > 0 {
		n += len(`,"links":[`) + len(`]`) + len(s.Links) - 1
		for i := range s.Links {
			n += len(s.Links[i].AppendJSON(nil))
		}
	}
	if id := strings.TrimPrefix(s.TraceID, "tr-"); id != "" {
		n += len(`,"otel_trace_id":`) + q(id)
	}
	return n
}

// JSONSize returns len(i.AppendJSON(nil)) without encoding: the size statistics of every
// trace measure its info.
func (i *TraceInfo) JSONSize() int {
	q := jsonenc.QuotedLen
	n := len(`{"trace_id":`) + q(i.TraceID) +
		len(`,"trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":`) + q(i.ExperimentID) +
		len(`}},"request_time":"`) + len(requestTimeLayout) + len(`","execution_duration_ms":`) + intLen(i.ExecutionTimeMS) +
		len(`,"state":`) + q(string(i.State)) + len(`}`)
	if i.TimestampMS < year1000MS || i.TimestampMS >= year10000MS {
		var buf [64]byte // a year the layout does not write in four digits
		n += len(time.UnixMilli(i.TimestampMS).UTC().AppendFormat(buf[:0], requestTimeLayout)) - len(requestTimeLayout)
	}
	if i.ClientRequestID != "" {
		n += len(`,"client_request_id":`) + q(i.ClientRequestID)
	}
	if i.RequestPreview != "" {
		n += len(`,"request_preview":`) + q(i.RequestPreview)
	}
	if i.ResponsePreview != "" {
		n += len(`,"response_preview":`) + q(i.ResponsePreview)
	}
	if len(i.Metadata) > 0 {
		n += len(`,"trace_metadata":`) + stringMapSize(i.Metadata, "")
	}
	if len(i.Tags) > 0 {
		n += len(`,"tags":`) + stringMapSize(i.Tags, "")
	}
	if len(i.Assessments) > 0 {
		// Rare on export (assessments are logged on stored traces): measured by encoding.
		n += len(`,"assessments":[]`) + len(i.Assessments) - 1
		var buf []byte
		for k := range i.Assessments {
			buf = i.Assessments[k].AppendJSON(buf[:0])
			n += len(buf)
		}
	}
	return n
}

func (e *Event) jsonSize() int {
	n := len(`{"name":`) + jsonenc.QuotedLen(e.Name) + len(`,"time_unix_nano":`) + intLen(e.TimeUnixNano) + len(`}`)
	if e.compact {
		if len(e.Attributes) == 0 {
			return n + len(`,"attributes":{"`+spantypes.KeyChunkValue+`":}`) + jsonenc.QuotedLen(e.chunk)
		}
		x := e.expanded()
		e = &x
	}
	if len(e.Attributes) > 0 {
		n += len(`,"attributes":`) + len(`{}`) + len(e.Attributes) - 1
		for k, v := range e.Attributes {
			n += jsonenc.QuotedLen(k) + 1
			if s, ok := v.(string); ok {
				n += jsonenc.QuotedLen(s)
			} else {
				n += len(appendAttrValue(nil, v))
			}
		}
	}
	return n
}

func stringMapSize(m map[string]string, requestID string) int {
	n := len(`{}`)
	count := len(m)
	for k, v := range m {
		n += jsonenc.QuotedLen(k) + 1 + jsonenc.QuotedLen(v)
	}
	if requestID != "" {
		count++
		n += jsonenc.QuotedLen(spantypes.KeyTraceRequestID) + 1 + quotedJSONStringLen(requestID)
	}
	if count > 1 {
		n += count - 1
	}
	return n
}

// quotedJSONStringLen returns len(appendQuotedJSONString(nil, id)) without allocating for
// the usual trace id.
func quotedJSONStringLen(id string) int {
	if plainID(id) {
		return len(`"\"`) + len(id) + len(`\""`)
	}
	return len(appendQuotedJSONString(nil, id))
}

// The request times whose year the layout writes in four digits: from 1000-01-01 to the
// end of 9999, in Unix milliseconds.
const (
	year1000MS  = -30610224000000
	year10000MS = 253402300800000
)

func intLen(v int64) int {
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], v, 10))
}
