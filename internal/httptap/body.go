package httptap

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
)

// Sink receives the bytes of a response body as the caller reads them. Its methods are
// called one at a time, never concurrently.
type Sink interface {
	Data(p []byte)
	// End is called once: err is nil at the end of the body, the read error otherwise;
	// closed is true when the caller closed the body before its end.
	End(err error, closed bool)
}

// Wrap makes resp's body feed s. A response without a body ends s at once. A panic in s is
// reported to instrument.ReportError as a failure of kind panicKind ("<adapter>: response
// panic"), never passed to the caller.
func Wrap(resp *http.Response, s Sink, panicKind string) {
	if resp.Body == nil || resp.Body == http.NoBody {
		Safely(panicKind, func() { s.End(nil, false) })
		return
	}
	resp.Body = &tracedBody{rc: resp.Body, sink: s, kind: panicKind}
}

// tracedBody passes a response body through, feeding its bytes to a sink and ending the
// sink once: at EOF, on a read error, or when closed.
type tracedBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex // serialises the sink: Read and Close may race
	sink Sink
	kind string // of a panic in the sink
	done atomic.Bool
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && !b.done.Load() {
		b.mu.Lock()
		if !b.done.Load() {
			Safely(b.kind, func() { b.sink.Data(p[:n]) })
		}
		b.mu.Unlock()
	}
	switch {
	case err == io.EOF:
		b.finish(nil, false)
	case err != nil:
		b.finish(err, false)
	}
	return n, err
}

func (b *tracedBody) Close() error {
	err := b.rc.Close()
	b.finish(nil, true)
	return err
}

func (b *tracedBody) finish(err error, closed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done.CompareAndSwap(false, true) {
		Safely(b.kind, func() { b.sink.End(err, closed) })
	}
}

// Safely runs fn, reporting a panic to instrument.ReportError as a failure of the given kind
// instead of passing it to the caller.
func Safely(kind string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			instrument.ReportError(kind, fmt.Errorf("panic while tracing a response: %v", r))
		}
	}()
	fn()
}

// MaxBufferedBody bounds how much of a non-streamed body is kept for a span.
const MaxBufferedBody = 32 << 20

// BufferSink keeps a non-streamed body (up to MaxBufferedBody) for its onEnd function, in a
// strings.Builder so that the span records it without another copy.
type BufferSink struct {
	buf      strings.Builder
	overflow bool
	onEnd    func(body string, complete bool, err error)
}

// NewBufferSink returns a sink for resp's body that calls onEnd with what was read, whether
// that is the whole body, and the read error.
func NewBufferSink(resp *http.Response, onEnd func(body string, complete bool, err error)) *BufferSink {
	s := &BufferSink{onEnd: onEnd}
	// Sized for the body when its length is known and ordinary: a wrong or huge
	// Content-Length must not make a caller that reads little pay for a big buffer.
	if n := resp.ContentLength; n > 0 && n <= 1<<20 {
		s.buf.Grow(int(n))
	}
	return s
}

// Data keeps p, unless the body outgrew MaxBufferedBody.
func (s *BufferSink) Data(p []byte) {
	if s.overflow || s.buf.Len()+len(p) > MaxBufferedBody {
		s.overflow = true
		return
	}
	s.buf.Write(p)
}

// End calls onEnd. A body closed before its end still counts as complete when what was read
// is one JSON value.
func (s *BufferSink) End(err error, closed bool) {
	complete := err == nil && !closed && !s.overflow
	if closed && err == nil && !s.overflow {
		complete = jsontext.Valid(s.buf.String())
	}
	s.onEnd(s.buf.String(), complete, err)
}
