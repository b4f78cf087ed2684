package openai

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/httptap"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/internal/sse"
	"github.com/agentlens/agentlens/spantypes"
)

// streamSink keeps the bytes of a streamed response as the caller reads them, with the time
// they arrived, and leaves everything else to the export goroutine: there the bytes are split
// into server-sent events, each event becomes a chunk event at the time its last byte
// arrived, and the chunks are assembled into the response a non-streamed call returns.
// httptap.Stream keeps the bytes and their arrival marks, bounded however the caller reads.
type streamSink struct {
	c *call
	*httptap.Stream
}

// maxStreamBytes bounds how much of a stream is kept for its span (a variable for tests).
var maxStreamBytes = 64 << 20

// maxEventBytes bounds one server-sent event.
const maxEventBytes = 8 << 20

func (c *call) newStreamSink() *streamSink {
	// A compressed stream's bytes are not its events': every read gets a mark.
	return &streamSink{c: c, Stream: httptap.NewStream(maxStreamBytes, c.started, c.enc != identity)}
}

// End ends the span (see httptap.Sink); the rest happens on export.
func (s *streamSink) End(err error, closed bool) {
	c := s.c
	s.MarkEnd()
	defer c.End()
	if err != nil && !s.sentAPIError() {
		// A read error ends the stream; an error the server sent in it, recorded on
		// export, tells more (and comes first).
		c.RecordError(err)
	}
	instrument.OnExport(c.Span, func(sp *instrument.FinishedSpan) { s.export(sp, err, closed) })
}

// export splits the stream into events, records them and assembles the response, on the
// export goroutine. err and closed tell how the stream ended (see httptap.Sink).
func (s *streamSink) export(sp *instrument.FinishedSpan, err error, closed bool) {
	defer s.Release()
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
		if c.Content {
			value = ev.Data
		}
		if err := asm.add(ev.Event, ev.Data); err != nil {
			instrument.ReportError("autolog/openai: stream chunk", fmt.Errorf("parsing a stream chunk: %w", err))
			if c.Content && !jsontext.Valid(ev.Data) {
				value = jsonenc.String(ev.Data) // recorded as a JSON string
			}
		}
		sp.AddChunk(at, value)
	})
	clean := err == nil && !closed && !s.Overflow() // the body reached its end
	switch c.enc {
	case identity:
		// Server-sent events end with a blank line: counting them sizes the chunk list once.
		sp.ExpectChunks(s.Events())
		// Bytes after the last mark hold no line break: they can only end an event that
		// the end of the body ends, and come at the time it ended.
		s.Pieces(func(p []byte, t time.Time) {
			at = t
			parser.Write(p)
		})
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
		if c.Own {
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
	case s.Overflow():
		instrument.ReportError("autolog/openai: stream too large", fmt.Errorf("a stream outgrew %d bytes: chunks after that are not recorded", s.Limit()))
	case closed && !complete:
		sp.SetAttribute(spantypes.KeyStreamCancelled, true)
	case !complete && c.Own:
		sp.RecordException("IncompleteStream", "the stream ended before the model finished ("+strconv.Itoa(sp.Chunks())+" chunks)")
	}

	assembled := asm.response()
	if r, ok := asm.(*responsesStream); ok {
		if typ, msg, failed := r.failed(); failed && c.Own {
			sp.RecordException(typ, msg)
		}
	}
	if c.Own && c.Content && sp.Chunks() > 0 {
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
	_, _ = parser.Write(s.Bytes())
	return found
}

// streamAPIError reads an error the server sent as a stream event ({"error": {...}}).
func streamAPIError(data string) apiErrorBody {
	if !strings.HasPrefix(data, `{"error"`) {
		return apiErrorBody{}
	}
	return apiError(data)
}
