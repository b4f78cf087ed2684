package webui

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// traceView is what the trace page reads: the info, and the spans in tree order without
// their payloads (a span's details are fetched when it is selected, so a trace of 10,000
// spans stays a small answer).
type traceView struct {
	Info     traceRow          `json:"info"`
	Metadata map[string]string `json:"metadata"`
	Usage    *usageJSON        `json:"usage"`
	Spans    []spanRow         `json:"spans"`
	// Inputs and Outputs are the root span's, for the compare view.
	Inputs  json.RawMessage `json:"inputs"`
	Outputs json.RawMessage `json:"outputs"`
}

type usageJSON struct {
	Input  int64 `json:"input"`
	Output int64 `json:"output"`
	Total  int64 `json:"total"`
}

func usageJSONOf(u tracedata.TokenUsage, ok bool) *usageJSON {
	if !ok {
		return nil
	}
	return &usageJSON{u.InputTokens, u.OutputTokens, u.TotalTokens}
}

// spanRow is a span in the tree: depth-first order, times relative to the trace's start.
type spanRow struct {
	ID       string     `json:"id"`
	ParentID string     `json:"parent_id,omitempty"`
	Name     string     `json:"name"`
	Type     string     `json:"type"`
	Status   string     `json:"status"`
	Depth    int        `json:"depth"`
	StartNS  int64      `json:"start_ns"`
	DurNS    int64      `json:"duration_ns"`
	Usage    *usageJSON `json:"usage,omitempty"`
	HasError bool       `json:"error,omitempty"`
}

func traceStart(t *tracedata.Trace) int64 {
	if len(t.Spans) == 0 {
		return t.Info.TimestampMS * 1e6
	}
	lo := t.Spans[0].StartTimeUnixNano
	for i := range t.Spans {
		lo = min(lo, t.Spans[i].StartTimeUnixNano)
	}
	return lo
}

func traceViewOf(t *tracedata.Trace) traceView {
	v := traceView{Info: rowOf(&t.Info), Metadata: t.Info.Metadata, Spans: make([]spanRow, 0, len(t.Spans))}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	v.Usage = usageJSONOf(t.TokenUsage())
	v.Inputs, v.Outputs = validJSON(t.Inputs()), validJSON(t.Outputs())
	t0 := traceStart(t)
	t.Walk(func(s *tracedata.Span, depth int) {
		v.Spans = append(v.Spans, spanRow{
			ID: s.SpanID, ParentID: s.ParentID, Name: s.Name, Type: s.SpanType(), Status: string(s.Status.Code),
			Depth: depth, StartNS: s.StartTimeUnixNano - t0, DurNS: max(s.EndTimeUnixNano-s.StartTimeUnixNano, 0),
			Usage: usageJSONOf(s.TokenUsage()), HasError: s.Status.Code == tracedata.StatusError,
		})
	})
	return v
}

// validJSON returns js, or js as a JSON string when it is not valid JSON text (a corrupt
// attribute must not break the answer), or nil for none.
func validJSON(js json.RawMessage) json.RawMessage {
	if js == nil {
		return nil
	}
	if json.Valid(js) {
		return js
	}
	b, _ := json.Marshal(string(js))
	return b
}

// spanDetail is a selected span: everything it holds.
type spanDetail struct {
	ID            string                     `json:"id"`
	ParentID      string                     `json:"parent_id,omitempty"`
	Name          string                     `json:"name"`
	Type          string                     `json:"type"`
	Status        string                     `json:"status"`
	StatusMessage string                     `json:"status_message,omitempty"`
	StartNS       int64                      `json:"start_ns"`
	DurNS         int64                      `json:"duration_ns"`
	StartUnixNano int64                      `json:"start_unix_nano"`
	Usage         *usageJSON                 `json:"usage,omitempty"`
	Inputs        json.RawMessage            `json:"inputs"`
	Outputs       json.RawMessage            `json:"outputs"`
	Conversation  []message                  `json:"conversation,omitempty"`
	Attributes    map[string]json.RawMessage `json:"attributes"`
	Events        []eventJSON                `json:"events"`
}

type eventJSON struct {
	Name string `json:"name"`
	// Kind is "exception", "chunk" (a stream chunk, which the page collapses) or "".
	Kind   string         `json:"kind,omitempty"`
	TimeNS int64          `json:"time_ns"`
	Attrs  map[string]any `json:"attributes,omitempty"`
}

// payloadKeys are shown in their own sections, not among the attributes.
var payloadKeys = []string{spantypes.KeySpanInputs, spantypes.KeySpanOutputs, spantypes.KeySpanType, spantypes.KeyChatTokenUsage}

func spanDetailOf(t *tracedata.Trace, s *tracedata.Span) spanDetail {
	t0 := traceStart(t)
	d := spanDetail{
		ID: s.SpanID, ParentID: s.ParentID, Name: s.Name, Type: s.SpanType(), Status: string(s.Status.Code),
		StatusMessage: s.Status.Message, StartNS: s.StartTimeUnixNano - t0,
		DurNS: max(s.EndTimeUnixNano-s.StartTimeUnixNano, 0), StartUnixNano: s.StartTimeUnixNano,
		Usage:      usageJSONOf(s.TokenUsage()),
		Inputs:     validJSON(s.Inputs()),
		Outputs:    validJSON(s.Outputs()),
		Attributes: map[string]json.RawMessage{},
		Events:     []eventJSON{},
	}
	d.Conversation = conversation(s.Inputs(), s.Outputs())
	for k, v := range s.Attributes {
		if !slices.Contains(payloadKeys, k) {
			d.Attributes[k] = validJSON(json.RawMessage(v))
		}
	}
	sp := *s
	sp.Events = slices.Clone(s.Events)
	sp.ExpandChunks()
	for _, e := range sp.Events {
		ej := eventJSON{Name: e.Name, TimeNS: e.TimeUnixNano - t0, Attrs: e.Attributes}
		switch {
		case e.Name == spantypes.ExceptionEventName:
			ej.Kind = "exception"
		case strings.HasPrefix(e.Name, spantypes.ChunkEventPrefix):
			ej.Kind = "chunk"
		}
		d.Events = append(d.Events, ej)
	}
	return d
}
