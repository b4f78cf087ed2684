package gemini

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/internal/sse"
	"github.com/agentlens/agentlens/spantypes"
)

// maxStreamBytes bounds how much of a stream is kept for its span (a variable for tests).
var maxStreamBytes = 64 << 20

// maxChunkBytes bounds one chunk (a server-sent event or an array element).
const maxChunkBytes = 8 << 20

// streamSink keeps the bytes of a streamed response as the caller reads them, with the time
// each piece arrived, and leaves everything else to the export goroutine: there the bytes are
// split into chunks (server-sent events for genai, the elements of one JSON array for
// generative-ai-go), each chunk becomes a chunk event at the time its last byte arrived, and
// the chunks are assembled into the response a non-streamed call returns.
type streamSink struct {
	c   *call
	sse bool
	*httptap.Stream
}

func (c *call) newStreamSink(sse bool) *streamSink {
	return &streamSink{c: c, sse: sse, Stream: httptap.NewStream(maxStreamBytes, c.started, false)}
}

// End ends the span (see httptap.Sink); the rest happens on export.
func (s *streamSink) End(err error, closed bool) {
	c := s.c
	s.MarkEnd()
	defer c.End()
	if err != nil {
		c.RecordError(err)
	}
	instrument.OnExport(c.Span, func(sp *instrument.FinishedSpan) { s.export(sp, err, closed) })
}

// chunkSplitter is what both stream formats are split with.
type chunkSplitter interface {
	Write(p []byte)
	close() (complete bool) // the stream ended cleanly; false when it was cut off
}

type sseSplitter struct{ p *sse.Parser }

func (s sseSplitter) Write(p []byte) { _, _ = s.p.Write(p) }
func (s sseSplitter) close() bool    { s.p.Close(); return true }

type arraySplitterCloser struct{ *arraySplitter }

func (a arraySplitterCloser) close() bool { return a.complete() }

// export splits the stream into chunks, records them and assembles the response, on the
// export goroutine. err and closed tell how the stream ended (see httptap.Sink).
func (s *streamSink) export(sp *instrument.FinishedSpan, err error, closed bool) {
	defer s.Release()
	c := s.c
	var (
		asm                   streamAssembler
		at, firstAt           time.Time
		finished              bool // a candidate gave a finishReason, or the prompt was blocked
		apiErrType, apiErrMsg string
		apiErr                bool
	)
	onChunk := func(data string) {
		if firstAt.IsZero() {
			firstAt = at
		}
		if jsontext.Valid(data) {
			if typ, msg := errorObject(gjson.Parse(data)); typ != "" || msg != "" {
				if !apiErr {
					apiErr, apiErrType, apiErrMsg = true, typ, msg
				}
				return
			}
		}
		value := ""
		if c.Content {
			value = data
		}
		if err := asm.add(data); err != nil {
			instrument.ReportError(chunkKind, fmt.Errorf("parsing a stream chunk: %w", err))
			if c.Content {
				value = jsonenc.String(data) // recorded as a JSON string
			}
		} else if !finished {
			h := readResponse(gjson.Parse(data))
			finished = len(h.reasons) > 0 || h.blockReason != ""
		}
		sp.AddChunk(at, value)
	}
	var split chunkSplitter
	if s.sse {
		// Server-sent events end with a blank line: counting them sizes the chunk list once.
		sp.ExpectChunks(s.Events())
		split = sseSplitter{sse.NewParser(maxChunkBytes, func(ev sse.Event) { onChunk(ev.Data) })}
	} else {
		split = arraySplitterCloser{newArraySplitter(maxChunkBytes, onChunk)}
	}
	s.Pieces(func(p []byte, t time.Time) {
		at = t
		split.Write(p)
	})
	whole := true
	if err == nil && !closed && !s.Overflow() {
		// A clean end of the body: an event the server did not end with a blank line still
		// counts. After a read error or an early close, a partial one does not.
		whole = split.close()
	}

	if !firstAt.IsZero() {
		sp.SetAttribute(spantypes.KeyTimeToFirstTokenMS, firstAt.Sub(c.started).Milliseconds())
	}
	switch {
	case apiErr:
		if c.Own {
			sp.RecordException(apiErrType, apiErrMsg)
		}
	case err != nil:
		// Recorded as the caller met it.
	case s.Overflow():
		instrument.ReportError(tooLargeKind, fmt.Errorf("a stream outgrew %d bytes: chunks after that are not recorded", s.Limit()))
	case closed && !finished:
		sp.SetAttribute(spantypes.KeyStreamCancelled, true)
	case (!finished || !whole) && c.Own:
		sp.RecordException("IncompleteStream", "the stream ended before the model finished ("+strconv.Itoa(sp.Chunks())+" chunks)")
	}
	assembled := asm.response()
	if c.Own && c.Content && asm.n > 0 {
		sp.SetAttribute(spantypes.KeySpanOutputs, assembled)
	}
	if asm.n > 0 {
		setResponse(sp, readResponse(gjson.Parse(jsonenc.String(assembled))))
	}
}
