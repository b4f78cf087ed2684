package openai

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

// sink receives the bytes of a response body as the caller reads them.
type sink interface {
	data(p []byte)
	// end is called once: err is nil at the end of the body, the read error otherwise;
	// closed is true when the caller closed the body before its end.
	end(err error, closed bool)
}

func (c *call) wrap(resp *http.Response, s sink) {
	if resp.Body == nil || resp.Body == http.NoBody {
		safely(func() { s.end(nil, false) })
		return
	}
	resp.Body = &tracedBody{rc: resp.Body, sink: s}
}

// tracedBody passes a response body through, feeding its bytes to a sink and ending the
// sink once: at EOF, on a read error, or when closed.
type tracedBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex // serialises the sink: Read and Close may race
	sink sink
	done atomic.Bool
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && !b.done.Load() {
		b.mu.Lock()
		if !b.done.Load() {
			safely(func() { b.sink.data(p[:n]) })
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
		safely(func() { b.sink.end(err, closed) })
	}
}

// safely runs fn, reporting a panic instead of passing it to the caller.
func safely(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			instrument.ReportError("autolog/openai: response panic", fmt.Errorf("panic while tracing a response: %v", r))
		}
	}()
	fn()
}

// maxBufferedBody bounds how much of a non-streamed response is kept for the span.
const maxBufferedBody = 32 << 20

// bufferSink keeps a non-streamed body (up to maxBufferedBody) for onEnd, in a
// strings.Builder so that the span records it without another copy.
type bufferSink struct {
	buf      strings.Builder
	overflow bool
	onEnd    func(body string, complete bool, err error)
}

func newBufferSink(resp *http.Response, onEnd func(body string, complete bool, err error)) *bufferSink {
	s := &bufferSink{onEnd: onEnd}
	// Sized for the body when its length is known and ordinary: a wrong or huge
	// Content-Length must not make a caller that reads little pay for a big buffer.
	if n := resp.ContentLength; n > 0 && n <= 1<<20 {
		s.buf.Grow(int(n))
	}
	return s
}

func (s *bufferSink) data(p []byte) {
	if s.overflow || s.buf.Len()+len(p) > maxBufferedBody {
		s.overflow = true
		return
	}
	s.buf.Write(p)
}

func (s *bufferSink) end(err error, closed bool) {
	complete := err == nil && !closed && !s.overflow
	if closed && err == nil && !s.overflow {
		// Closed without reading to EOF: what was read may still be the whole body.
		complete = jsontext.Valid(s.buf.String())
	}
	s.onEnd(s.buf.String(), complete, err)
}
