package httptap

import (
	"bytes"
	"io"
	"time"
)

// Stream keeps the bytes of a streamed response as the caller reads them, with the time they
// arrived, up to a limit; the export goroutine splits them into chunks later. It is not safe
// for concurrent use.
//
// Arrival times are marked only where a chunk can end (a read holding a line break) and at
// most once per markGranularity, so that a caller reading in tiny pieces does not make the
// bookkeeping grow with its reads: the marks are bounded by the chunks and by the duration
// of the stream, and memory follows the kept bytes.
type Stream struct {
	*streamBuffer
	limit    int  // how many bytes to keep
	overflow bool // the stream outgrew limit; the rest was not kept
	started  time.Time
	// anyRead marks every read instead of the reads holding a line break, for a body
	// whose bytes are not the chunks' (a compressed one).
	anyRead bool
	window  time.Duration // when the last mark's window opened, since started
	endAt   time.Duration // when the stream ended, since started
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

// NewStream returns a Stream that keeps up to limit bytes of a call that started at
// started. anyRead marks the arrival of every read, not only of those holding a line break:
// for a body whose bytes are not the chunks' own (a compressed one).
func NewStream(limit int, started time.Time, anyRead bool) *Stream {
	var b *streamBuffer
	select {
	case b = <-streamBuffers:
	default:
		b = new(streamBuffer)
	}
	return &Stream{streamBuffer: b, limit: limit, started: started, anyRead: anyRead}
}

// Data keeps p and marks when it arrived, unless the stream outgrew its limit.
func (s *Stream) Data(p []byte) {
	if s.overflow {
		return
	}
	if len(s.buf)+len(p) > s.limit {
		s.overflow = true
		return
	}
	s.buf = append(s.buf, p...)
	if !s.anyRead && bytes.IndexByte(p, '\n') < 0 && bytes.IndexByte(p, '\r') < 0 {
		return // no chunk ends in p: its bytes go with the next mark
	}
	at := time.Since(s.started)
	if n := len(s.reads); n > 0 && at-s.window < markGranularity {
		s.reads[n-1] = streamRead{end: len(s.buf), at: at}
		return
	}
	s.window = at
	s.reads = append(s.reads, streamRead{end: len(s.buf), at: at})
}

// MarkEnd notes when the stream ended: the arrival of the bytes after the last mark.
func (s *Stream) MarkEnd() { s.endAt = time.Since(s.started) }

// Overflow reports whether the stream outgrew its limit (what came after is not kept).
func (s *Stream) Overflow() bool { return s.overflow }

// SetOverflow marks the stream as one that outgrew its limit (its decoded bytes did, say).
func (s *Stream) SetOverflow() { s.overflow = true }

// Limit returns how many bytes the stream keeps.
func (s *Stream) Limit() int { return s.limit }

// Bytes returns what was kept.
func (s *Stream) Bytes() []byte { return s.buf }

// blankLine ends a server-sent event (in a stream whose lines end with "\n").
var blankLine = []byte("\n\n")

// Events estimates how many server-sent events the kept bytes hold, to size a chunk list
// once (instrument.FinishedSpan.ExpectChunks).
func (s *Stream) Events() int { return bytes.Count(s.buf, blankLine) + 1 }

// Pieces calls fn for the kept bytes in order, piece by piece, with the time each piece
// arrived; the bytes after the last mark (which hold no line break, and may be none) come
// last, at the time the stream ended, so that a chunk the end of the body ends gets that time.
func (s *Stream) Pieces(fn func(p []byte, at time.Time)) {
	start := 0
	for _, r := range s.reads {
		fn(s.buf[start:r.end], s.started.Add(r.at))
		start = r.end
	}
	fn(s.buf[start:], s.started.Add(s.endAt))
}

// Reader returns a reader of the kept bytes, for a decoder (see MarkedReader).
func (s *Stream) Reader(at *time.Time) *MarkedReader {
	return &MarkedReader{buf: s.buf, reads: s.reads, started: s.started, endAt: s.endAt, at: at}
}

// MarkedReader reads the kept bytes of a stream (for a decoder of a compressed one), one
// byte at a time when asked (so that the decoder reads no further than it needs), and tells
// when the byte it read last arrived: the time of the first mark at or after it.
type MarkedReader struct {
	buf     []byte
	reads   []streamRead
	off     int // bytes read
	mark    int // the first mark whose end is at or after off
	started time.Time
	endAt   time.Duration // when the stream ended, for bytes after the last mark
	at      *time.Time    // set to the arrival of the last byte read
}

// ReadByte reads the next byte.
func (r *MarkedReader) ReadByte() (byte, error) {
	if r.off >= len(r.buf) {
		return 0, io.EOF
	}
	b := r.buf[r.off]
	r.off++
	r.stamp()
	return b, nil
}

// Read reads up to the next mark.
func (r *MarkedReader) Read(p []byte) (int, error) {
	if r.off >= len(r.buf) {
		return 0, io.EOF
	}
	// Stop at the next mark, so that the bytes read get their own time; a mark that ends
	// where the last read stopped is behind.
	end := len(r.buf)
	for m := r.mark; m < len(r.reads); m++ {
		if e := r.reads[m].end; e > r.off {
			end = min(e, end)
			break
		}
	}
	n := copy(p, r.buf[r.off:end])
	r.off += n
	r.stamp()
	return n, nil
}

func (r *MarkedReader) stamp() {
	for r.mark < len(r.reads) && r.reads[r.mark].end < r.off {
		r.mark++
	}
	if r.mark < len(r.reads) {
		*r.at = r.started.Add(r.reads[r.mark].at)
	} else {
		*r.at = r.started.Add(r.endAt)
	}
}

// Release hands the stream's buffer back for reuse, unless it grew too big to keep. The
// Stream must not be used after.
func (s *Stream) Release() {
	b := s.streamBuffer
	s.streamBuffer = nil
	if b == nil || cap(b.buf) > maxPooledStream || cap(b.reads) > 1<<14 {
		return
	}
	b.buf, b.reads = b.buf[:0], b.reads[:0]
	select {
	case streamBuffers <- b:
	default:
	}
}
