package tracedata

import "github.com/agentlens/agentlens/spantypes"

// Event is something that happened at a point in a span's life: a stream chunk, an exception.
// Attribute values are strings, bools, int64s, float64s or slices of one of those.
//
// A stream chunk event made by ChunkEvent holds its value compactly, without an Attributes
// map, until ExpandChunks fills the map in: a stream has hundreds of chunks, and the local
// store writes them without ever needing the maps. Traces handed to destinations other than
// the local store, and to redaction hooks, have every map filled in.
type Event struct {
	Name         string         `json:"name"`
	TimeUnixNano int64          `json:"time_unix_nano"`
	Attributes   map[string]any `json:"attributes,omitempty"`

	// chunk is the JSON text of a compact chunk event's spantypes.KeyChunkValue, which
	// Attributes does not hold yet; compact tells such an event from others.
	chunk   string
	compact bool
}

// ChunkEvent returns the chunk event name (spantypes.ChunkEventPrefix and the chunk's index)
// at the given time, with value, the chunk as JSON text, as its spantypes.KeyChunkValue
// attribute; an empty value gives an event without attributes. The value is held compactly
// until ExpandChunks; AppendJSON, MarshalJSON, Attribute and JSONSize see it either way.
func ChunkEvent(name string, timeUnixNano int64, value string) Event {
	e := Event{Name: name, TimeUnixNano: timeUnixNano}
	if value != "" {
		e.chunk, e.compact = value, true
	}
	return e
}

// Attribute returns the event's attribute key, whether or not its value is held compactly.
func (e *Event) Attribute(key string) (any, bool) {
	if e.compact && key == spantypes.KeyChunkValue {
		return e.chunk, true
	}
	v, ok := e.Attributes[key]
	return v, ok
}

// ExpandChunks fills in the Attributes of the chunk events that ChunkEvent made, so that the
// event reads like any other. It is idempotent.
func (e *Event) ExpandChunks() {
	if !e.compact {
		return
	}
	if e.Attributes == nil {
		e.Attributes = make(map[string]any, 1)
	}
	e.Attributes[spantypes.KeyChunkValue] = e.chunk
	e.chunk, e.compact = "", false
}

// expanded returns a copy of a compact event with its chunk among copied attributes, for the
// rare compact event that was given other attributes too.
func (e *Event) expanded() Event {
	x := Event{Name: e.Name, TimeUnixNano: e.TimeUnixNano, Attributes: make(map[string]any, len(e.Attributes)+1)}
	for k, v := range e.Attributes {
		x.Attributes[k] = v
	}
	x.Attributes[spantypes.KeyChunkValue] = e.chunk
	return x
}

// ExpandChunks fills in the Attributes of the span's compact chunk events (see Event).
func (s *Span) ExpandChunks() {
	for i := range s.Events {
		s.Events[i].ExpandChunks()
	}
}

// ExpandChunks fills in the Attributes of every compact chunk event of the trace (see Event).
func (t *Trace) ExpandChunks() {
	for i := range t.Spans {
		t.Spans[i].ExpandChunks()
	}
}
