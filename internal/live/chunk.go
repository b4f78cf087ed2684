package live

import (
	"strconv"
	"sync"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// chunk is a stream chunk event, kept on the span itself rather than among its events:
// streams have many, and this is a plain append.
type chunk struct {
	index    int
	at       time.Time
	value    string // JSON text
	hasValue bool
}

// AddChunk records item i of a stream as event "mlflow.chunk.item.<i>", with the item as
// JSON when content is captured and item is not nil.
func (s *Span) AddChunk(i int, item any) {
	if !s.Recording() {
		return
	}
	c := chunk{index: i, at: time.Now()}
	if s.rt.CaptureContent && item != nil {
		c.value, c.hasValue = s.rt.encode(item), true
	}
	s.mu.Lock()
	s.chunks = append(s.chunks, c)
	s.mu.Unlock()
}

// ChunkEvent returns the event AddChunk records for item i given as JSON text, at the given
// time; an empty item, or content capture off, gives an event without a value. Export hooks
// use it to rebuild a stream's chunk events from its raw bytes. It is safe to call after the
// span has ended.
func (s *Span) ChunkEvent(i int, at time.Time, item string) tracedata.Event {
	c := chunk{index: i, at: at}
	if s != nil && s.rt != nil && s.rt.CaptureContent && item != "" {
		c.value, c.hasValue = s.rt.capJSON(item), true
	}
	return c.event()
}

// event returns the chunk as a compact tracedata event (see tracedata.ChunkEvent): the SDK
// fills its attribute map in only for the destinations that read it. A value is never empty
// JSON text, so ChunkEvent's "no value" is only ever a chunk recorded without one.
func (c *chunk) event() tracedata.Event {
	value := ""
	if c.hasValue {
		value = compactPretty(c.value)
	}
	return tracedata.ChunkEvent(chunkEventName(c.index), c.at.UnixNano(), value)
}

// chunkEventNames holds the names of the first chunk events, made once: a stream has hundreds
// of chunks and each trace of it would build the same names again.
var chunkEventNames = sync.OnceValue(func() []string {
	names := make([]string, 1024)
	for i := range names {
		names[i] = spantypes.ChunkEventPrefix + strconv.Itoa(i)
	}
	return names
})

// chunkEventName returns "mlflow.chunk.item.<i>".
func chunkEventName(i int) string {
	if names := chunkEventNames(); i >= 0 && i < len(names) {
		return names[i]
	}
	return spantypes.ChunkEventPrefix + strconv.Itoa(i)
}
