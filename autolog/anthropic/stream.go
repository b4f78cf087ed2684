package anthropic

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

// streamSink keeps the bytes of a streamed response as the caller reads them, with the time
// they arrived, and leaves everything else to the export goroutine: there the bytes are split
// into server-sent events (named events: message_start, content_block_delta, ...), each
// event becomes a chunk event at the time its last byte arrived, and the events are
// assembled into the Message a non-streamed call returns.
type streamSink struct {
	c *call
	*httptap.Stream
}

func (c *call) newStreamSink() *streamSink {
	return &streamSink{c: c, Stream: httptap.NewStream(httptap.StreamLimit, c.started, false)}
}

// End ends the span (see httptap.Sink); the rest happens on export.
func (s *streamSink) End(err error, closed bool) { s.c.EndStream(s.Stream, err, closed, s.export) }

// export splits the stream into events, records them and assembles the message, on the
// export goroutine. err and closed tell how the stream ended (see httptap.Sink).
func (s *streamSink) export(sp *instrument.FinishedSpan, err error, closed bool) {
	defer s.Release()
	c := s.c
	var (
		asm         messageAssembler
		at, firstAt time.Time // when the piece being split arrived; when the first event did
		apiErr      apiError  // the first error event
	)
	parser := sse.NewParser(httptap.MaxEventBytes, func(ev sse.Event) {
		if firstAt.IsZero() {
			firstAt = at
		}
		value := ""
		if c.Content {
			value = ev.Data
		}
		if ev.Event == "error" || (ev.Event == "" && gjson.Get(ev.Data, "type").Str == "error") {
			if e := readAPIError(ev.Data); !apiErr.found {
				apiErr = e
				apiErr.found = true
			}
		} else if err := asm.add(ev.Event, ev.Data); err != nil {
			instrument.ReportError(chunkKind, fmt.Errorf("parsing a stream event: %w", err))
		}
		if c.Content && !jsontext.Valid(ev.Data) {
			value = jsonenc.String(ev.Data) // recorded as a JSON string
		}
		sp.AddChunk(at, value)
	})
	// Server-sent events end with a blank line: counting them sizes the chunk list once.
	sp.ExpectChunks(s.Events())
	s.Pieces(func(p []byte, t time.Time) {
		at = t
		_, _ = parser.Write(p)
	})
	if err == nil && !closed && !s.Overflow() {
		// A clean end of the body: an event the server did not end with a blank line still
		// counts. After a read error or an early close, a partial one does not.
		parser.Close()
	}

	if !firstAt.IsZero() {
		sp.SetAttribute(spantypes.KeyTimeToFirstTokenMS, firstAt.Sub(c.started).Milliseconds())
	}
	switch {
	case apiErr.found:
		if c.Own {
			typ := apiErr.typ
			if typ == "" {
				typ = "APIError"
			} else {
				sp.SetAttribute(spantypes.KeyAPIErrorType, typ)
			}
			sp.RecordException(typ, apiErr.message)
		}
	case err != nil:
		// Recorded as the caller met it.
	case s.Overflow():
		instrument.ReportError(tooLargeKind, fmt.Errorf("a stream outgrew %d bytes: events after that are not recorded", s.Limit()))
	case closed && !asm.stopped:
		sp.SetAttribute(spantypes.KeyStreamCancelled, true)
	case !asm.stopped && c.Own:
		sp.RecordException("IncompleteStream", "the stream ended before message_stop ("+strconv.Itoa(sp.Chunks())+" events)")
	}
	if asm.n == 0 {
		return
	}
	assembled := asm.response()
	if c.Own && c.Content {
		sp.SetAttribute(spantypes.KeySpanOutputs, assembled)
	}
	readMessage(gjson.Parse(jsonenc.String(assembled))).set(sp)
}
