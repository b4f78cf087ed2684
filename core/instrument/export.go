package instrument

import (
	"slices"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/live"
)

// OnExport registers fn to run on the export goroutine when the span's trace is assembled,
// with the span as it will be exported, before redaction and before the trace's info is
// computed. Adapters use it to move costly work (reading a response body for its usage, say)
// off the caller's path. A panic in fn is reported and leaves the span as it was; fn must not
// keep the FinishedSpan after it returns.
func OnExport(s *core.Span, fn func(*FinishedSpan)) {
	if fn == nil {
		return
	}
	r := rec(s)
	r.OnExport(func(d *tracedata.Span) {
		f := FinishedSpan{d: d, s: r}
		defer f.flushChunks()
		fn(&f)
	})
}

// FinishedSpan is a span as it is exported, handed to OnExport functions. Its attributes are
// JSON text, as MLflow stores them. It is not safe for concurrent use.
type FinishedSpan struct {
	d      *tracedata.Span
	s      *live.Span
	chunks []tracedata.Event
}

// Attribute returns the JSON text of attribute key and whether the span has it.
func (f *FinishedSpan) Attribute(key string) (string, bool) {
	v, ok := f.d.Attributes[key]
	return v, ok
}

// SetAttribute sets attribute key to the JSON encoding of v.
func (f *FinishedSpan) SetAttribute(key string, v any) { f.set(key, jsonenc.String(v)) }

// SetRawAttribute sets attribute key to json, which must be JSON text.
func (f *FinishedSpan) SetRawAttribute(key, json string) { f.set(key, json) }

func (f *FinishedSpan) set(key, json string) {
	if f.d.Attributes == nil {
		f.d.Attributes = map[string]string{}
	}
	f.d.Attributes[key] = json
}

// Name returns the span's name.
func (f *FinishedSpan) Name() string { return f.d.Name }

// SetName renames the span. Adapters that learn what a span stands for only after it
// started (a langchaingo chain that turns out to be an agent executor) name it here; a root
// span's new name is also the trace's name.
func (f *FinishedSpan) SetName(name string) { f.d.Name = name }

// SetTokenUsage records u as mlflow.chat.tokenUsage and the GenAI usage keys; a zero total is
// filled in as input + output.
func (f *FinishedSpan) SetTokenUsage(u core.TokenUsage) { f.d.SetTokenUsage(u) }

// SetCost records c, in US dollars, as mlflow.llm.cost; a zero total is filled in as
// input + output. Adapters whose provider reports what a call cost record it here; the SDK
// then keeps it instead of pricing the span from its own table.
func (f *FinishedSpan) SetCost(c core.Cost) { f.d.SetCost(c) }

// RecordException marks the span ERROR with "<typ>: <message>" and adds an exception event at
// the span's end.
func (f *FinishedSpan) RecordException(typ, message string) {
	f.d.RecordException(typ, message, f.d.EndTimeUnixNano)
}

// StartTime returns when the span started.
func (f *FinishedSpan) StartTime() time.Time { return f.d.StartTime() }

// EndTime returns when the span ended.
func (f *FinishedSpan) EndTime() time.Time { return f.d.EndTime() }

// AddChunk adds the next chunk event of a stream ("mlflow.chunk.item.<n>", n counting the
// chunks added so far) for item, the chunk as JSON text, as it arrived at the given time;
// an empty item, or content capture off, gives an event without a value. Chunks are placed
// among the span's other events by time when the function returns.
func (f *FinishedSpan) AddChunk(at time.Time, item string) {
	f.chunks = append(f.chunks, f.s.ChunkEvent(len(f.chunks), at, item))
}

// ExpectChunks tells AddChunk that about n more chunks are coming, so that room for them is
// made once; a wrong guess costs only that.
func (f *FinishedSpan) ExpectChunks(n int) {
	if n > 0 {
		f.chunks = slices.Grow(f.chunks, n)
	}
}

// Chunks returns how many chunks AddChunk added.
func (f *FinishedSpan) Chunks() int { return len(f.chunks) }

func (f *FinishedSpan) flushChunks() {
	f.d.InsertEvents(f.chunks)
	f.chunks = nil
}
