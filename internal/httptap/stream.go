package httptap

import "time"

// Stream keeps the bytes of a streamed response as the caller reads them, with the time
// each piece arrived, up to a limit; the export goroutine splits them into chunks later. It
// is not safe for concurrent use.
type Stream struct {
	*streamBuffer
	limit    int  // how many bytes to keep
	overflow bool // the stream outgrew limit; the rest was not kept
}

// streamBuffer holds the bytes of a stream and when each piece arrived.
type streamBuffer struct {
	buf   []byte
	reads []streamRead
}

// streamRead marks one read: the offset in buf where it ended, and when it happened.
type streamRead struct {
	end int
	at  time.Time
}

// streamBuffers keeps a few stream buffers for the next streams once theirs is exported. A
// sync.Pool would let them go at every garbage collection, which a streaming program with
// little else on its heap runs every few streams; so at most cap(streamBuffers) buffers of
// up to maxPooledStream bytes each stay allocated between streams.
var streamBuffers = make(chan *streamBuffer, 4)

// maxPooledStream is the largest stream buffer kept for reuse.
const maxPooledStream = 1 << 20

// NewStream returns a Stream that keeps up to limit bytes.
func NewStream(limit int) *Stream {
	var b *streamBuffer
	select {
	case b = <-streamBuffers:
	default:
		b = new(streamBuffer)
	}
	return &Stream{streamBuffer: b, limit: limit}
}

// Data keeps p and the time it arrived, unless the stream outgrew its limit.
func (s *Stream) Data(p []byte) {
	if s.overflow {
		return
	}
	if len(s.buf)+len(p) > s.limit {
		s.overflow = true
		return
	}
	s.buf = append(s.buf, p...)
	s.reads = append(s.reads, streamRead{end: len(s.buf), at: time.Now()})
}

// Overflow reports whether the stream outgrew its limit (what came after is not kept).
func (s *Stream) Overflow() bool { return s.overflow }

// Limit returns how many bytes the stream keeps.
func (s *Stream) Limit() int { return s.limit }

// Bytes returns what was kept.
func (s *Stream) Bytes() []byte { return s.buf }

// Pieces calls fn for every piece kept, in order, with the time it arrived.
func (s *Stream) Pieces(fn func(p []byte, at time.Time)) {
	start := 0
	for _, r := range s.reads {
		fn(s.buf[start:r.end], r.at)
		start = r.end
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
