package openai

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/internal/sse"
	"github.com/agentlens/agentlens/spantypes"
)

// streamSink keeps the bytes of a streamed response as the caller reads them, with the time
// they arrived, and leaves everything else to the export goroutine: there the bytes are split
// into server-sent events, each event becomes a chunk event at the time its last byte
// arrived, and the chunks are assembled into the response a non-streamed call returns.
//
// Arrival times are marked only where an event can end (a read holding a line break) and at
// most once per markGranularity, so that a caller reading in tiny pieces does not make the
// bookkeeping grow with its reads: the marks are bounded by the events and by the duration
// of the stream, and memory follows the recorded bytes.
type streamSink struct {
	c *call
	*streamBuffer
	limit    int  // how many bytes to keep: maxStreamBytes when the stream began
	overflow bool // the stream outgrew limit; the rest was not kept
	// anyRead marks every read instead of the reads holding a line break, for a body
	// whose bytes are not the events' (a compressed one).
	anyRead bool
	window  time.Duration // when the last mark's window opened, since the call started
	endAt   time.Duration // when the stream ended, since the call started
}

// markGranularity is the resolution of chunk arrival times: the reads within it share one
// mark, the time of the last of them.
const markGranularity = time.Millisecond

// streamBuffer holds the bytes of a stream and when they arrived.
type streamBuffer struct {
	buf   []byte
	reads []streamRead
}

// streamRead marks the offset in buf that the reads had reached by time at (since the call
// started).
type streamRead struct {
	end int
	at  time.Duration
}

// streamBuffers keeps a few stream buffers for the next streams once theirs is exported. A
// sync.Pool would let them go at every garbage collection, which a streaming program with
// little else on its heap runs every few streams; so at most cap(streamBuffers) buffers of
// up to maxPooledStream bytes each stay allocated between streams.
var streamBuffers = make(chan *streamBuffer, 4)

// maxPooledStream is the largest stream buffer kept for reuse.
const maxPooledStream = 1 << 20

func getStreamBuffer() *streamBuffer {
	select {
	case b := <-streamBuffers:
		return b
	default:
		return new(streamBuffer)
	}
}

// maxStreamBytes bounds how much of a stream is kept for its span (a variable for tests).
var maxStreamBytes = 64 << 20

// blankLine ends a server-sent event (in a stream whose lines end with "\n").
var blankLine = []byte("\n\n")

// maxEventBytes bounds one server-sent event.
const maxEventBytes = 8 << 20

func (c *call) newStreamSink() *streamSink {
	return &streamSink{c: c, streamBuffer: getStreamBuffer(), limit: maxStreamBytes, anyRead: c.enc != identity}
}

func (s *streamSink) data(p []byte) {
	if s.overflow {
		return
	}
	if len(s.buf)+len(p) > s.limit {
		s.overflow = true
		return
	}
	s.buf = append(s.buf, p...)
	if !s.anyRead && bytes.IndexByte(p, '\n') < 0 && bytes.IndexByte(p, '\r') < 0 {
		return // no event ends in p: its bytes go with the next mark
	}
	at := time.Since(s.c.started)
	if n := len(s.reads); n > 0 && at-s.window < markGranularity {
		s.reads[n-1] = streamRead{end: len(s.buf), at: at}
		return
	}
	s.window = at
	s.reads = append(s.reads, streamRead{end: len(s.buf), at: at})
}

func (s *streamSink) end(err error, closed bool) {
	c := s.c
	s.endAt = time.Since(c.started)
	defer c.end()
	if err != nil && !s.sentAPIError() {
		// A read error ends the stream; an error the server sent in it, recorded on
		// export, tells more (and comes first).
		c.recordError(err)
	}
	instrument.OnExport(c.span, func(sp *instrument.FinishedSpan) { s.export(sp, err, closed) })
}

// export splits the stream into events, records them and assembles the response, on the
// export goroutine. err and closed tell how the stream ended (see sink.end).
func (s *streamSink) export(sp *instrument.FinishedSpan, err error, closed bool) {
	defer s.release()
	c := s.c
	var (
		asm      streamAssembler
		at       time.Time // when the piece being split arrived
		firstAt  time.Time
		sawDone  bool
		terminal bool // the Responses API's terminal event came
		// apiErr holds an error the server sent inside the stream ({"error": {...}}).
		apiErr apiErrorBody
	)
	switch c.ep {
	case chatCompletions:
		asm = new(chatStream)
	case completions:
		asm = new(completionStream)
	default:
		asm = new(responsesStream)
	}
	parser := sse.NewParser(maxEventBytes, func(ev sse.Event) {
		if firstAt.IsZero() {
			firstAt = at
		}
		if ev.Data == "[DONE]" {
			sawDone = true
			return
		}
		if c.ep == responses {
			switch ev.Event {
			case "response.completed", "response.incomplete", "response.failed", "error":
				terminal = true
			}
		} else if e := streamAPIError(ev.Data); e.found {
			if !apiErr.found {
				apiErr = e
			}
			return
		}
		var value string
		if c.content {
			value = ev.Data
		}
		if err := asm.add(ev.Event, ev.Data); err != nil {
			instrument.ReportError("autolog/openai: stream chunk", fmt.Errorf("parsing a stream chunk: %w", err))
			if c.content && !jsontext.Valid(ev.Data) {
				value = jsonenc.String(ev.Data) // recorded as a JSON string
			}
		}
		sp.AddChunk(at, value)
	})
	clean := err == nil && !closed && !s.overflow // the body reached its end
	switch c.enc {
	case identity:
		// Server-sent events end with a blank line: counting them sizes the chunk list once.
		sp.ExpectChunks(bytes.Count(s.buf, blankLine) + 1)
		start := 0
		for _, r := range s.reads {
			at = c.started.Add(r.at)
			parser.Write(s.buf[start:r.end])
			start = r.end
		}
		// Bytes after the last mark hold no line break: they can only end an event that
		// the end of the body ends.
		at = c.started.Add(s.endAt)
		parser.Write(s.buf[start:])
	case unreadable:
		instrument.ReportError("autolog/openai: unreadable encoding", fmt.Errorf("a stream in Content-Encoding %q cannot be read: its chunks are not recorded", c.encName))
		return
	default:
		ok, decErr := s.writeDecoded(parser, &at)
		if decErr != nil && clean {
			instrument.ReportError("autolog/openai: decoding", fmt.Errorf("decoding a %s stream: %w", c.encName, decErr))
		}
		clean = clean && ok
	}
	if clean {
		// A clean end of the body: an event the server did not finish with a blank line
		// still counts. After a read error or an early close, a partial event does not.
		parser.Close()
	}

	if !firstAt.IsZero() {
		sp.SetAttribute(spantypes.KeyTimeToFirstTokenMS, firstAt.Sub(c.started).Milliseconds())
	}
	// A stream is complete when the server said so ([DONE], which Perplexity never sends,
	// or the Responses API's terminal event), or when the body ended cleanly once every
	// choice had finished.
	complete := sawDone || (clean && asm.finished())
	if c.ep == responses {
		complete = terminal
	}
	switch {
	case apiErr.found:
		if c.own {
			sp.RecordException(apiErr.name(), apiErr.message)
			if apiErr.typ != "" {
				sp.SetAttribute(spantypes.KeyAPIErrorType, apiErr.typ)
			}
			if apiErr.code != "" {
				sp.SetRawAttribute(spantypes.KeyAPIErrorCode, compactJSON(apiErr.code))
			}
		}
	case err != nil:
		// Recorded as the caller met it.
	case s.overflow:
		instrument.ReportError("autolog/openai: stream too large", fmt.Errorf("a stream outgrew %d bytes: chunks after that are not recorded", s.limit))
	case closed && !complete:
		sp.SetAttribute(spantypes.KeyStreamCancelled, true)
	case !complete && c.own:
		sp.RecordException("IncompleteStream", "the stream ended before the model finished ("+strconv.Itoa(sp.Chunks())+" chunks)")
	}

	assembled := asm.response()
	if r, ok := asm.(*responsesStream); ok {
		if typ, msg, failed := r.failed(); failed && c.own {
			sp.RecordException(typ, msg)
		}
	}
	if c.own && c.content && sp.Chunks() > 0 {
		sp.SetAttribute(spantypes.KeySpanOutputs, assembled)
	}
	model, _ := assembled["model"].(string)
	id, _ := assembled["id"].(string)
	setResponse(sp, model, id, finishReasons(assembled))
	if up, ok := assembled["provider"].(string); ok && c.ep != responses {
		setUpstream(sp, up)
	}
	usage, _ := assembled["usage"].(map[string]any)
	if in, out, total, ok := usageCounts(usage); ok {
		sp.SetTokenUsage(core.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
	}
}

// sentAPIError reports whether the stream so far holds an error the server sent in it. It
// splits the events on the caller's goroutine, so it is only for the path of a failed read.
func (s *streamSink) sentAPIError() bool {
	if s.c.ep == responses || s.c.enc != identity {
		return false
	}
	found := false
	parser := sse.NewParser(maxEventBytes, func(ev sse.Event) {
		if streamAPIError(ev.Data).found {
			found = true
		}
	})
	_, _ = parser.Write(s.buf)
	return found
}

// streamAPIError reads an error the server sent as a stream event ({"error": {...}}).
func streamAPIError(data string) apiErrorBody {
	if !strings.HasPrefix(data, `{"error"`) {
		return apiErrorBody{}
	}
	return apiError(data)
}

// release hands the stream's buffer back for reuse, unless it grew too big to keep.
func (s *streamSink) release() {
	b := s.streamBuffer
	s.streamBuffer = nil
	if cap(b.buf) > maxPooledStream || cap(b.reads) > 1<<14 {
		return
	}
	b.buf, b.reads = b.buf[:0], b.reads[:0]
	select {
	case streamBuffers <- b:
	default:
	}
}
