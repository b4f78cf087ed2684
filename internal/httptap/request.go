package httptap

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsonenc"
)

// RequestBody is what a span keeps of a request body.
type RequestBody struct {
	Text      string // the body, or its first bytes when truncated
	Truncated bool   // the body is longer than Text: the rest is still in the original
}

// minRequestRead is the least of a request body read for a span whatever the payload cap,
// so that the model and tools of an ordinary request can be read.
const minRequestRead = 64 << 10

// RequestReadLimit is how much of a request body is read for a span: the payload cap (at
// least 64 KB), and never more than MaxBufferedBody.
func RequestReadLimit() int {
	if payloadCap := instrument.MaxPayloadBytes(); payloadCap > 0 {
		return min(max(payloadCap, minRequestRead), MaxBufferedBody)
	}
	return MaxBufferedBody
}

// ReadRequestBody reads the request body, up to limit bytes. A body that fits is read whole
// and closed; of a longer one, limit+1 bytes are read and the rest is left to be sent. On a
// read error, what was read is returned with the error and the body is left open. req itself
// is not changed: WithBody and WithFailingBody make the request to send.
func ReadRequestBody(req *http.Request, limit int) (RequestBody, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return RequestBody{}, nil
	}
	var b strings.Builder
	if n := req.ContentLength; n > 0 {
		b.Grow(int(min(n, int64(limit)+1)))
	}
	// The copy goes through a pooled buffer and limited reader, so that reading costs no
	// allocation besides the text.
	cp := copyBuffers.Get().(*bodyCopier)
	cp.lr = io.LimitedReader{R: req.Body, N: int64(limit) + 1}
	_, err := io.CopyBuffer(&b, &cp.lr, cp.buf)
	cp.lr.R = nil
	copyBuffers.Put(cp)
	if err != nil {
		return RequestBody{Text: b.String()}, err
	}
	if b.Len() > limit {
		return RequestBody{Text: b.String(), Truncated: true}, nil
	}
	req.Body.Close()
	return RequestBody{Text: b.String()}, nil
}

// bodyCopier is what reading a request body needs besides the text.
type bodyCopier struct {
	buf []byte
	lr  io.LimitedReader
}

var copyBuffers = sync.Pool{New: func() any { return &bodyCopier{buf: make([]byte, 8<<10)} }}

// WithBody gives out, a copy of req whose body was read into body, that body again: the
// bytes read, then (when truncated) the rest of the original.
func WithBody(out, req *http.Request, body RequestBody) *http.Request {
	if out.Body == nil || out.Body == http.NoBody {
		return out
	}
	if body.Truncated {
		// The original's GetBody, which the copy keeps, still gives the whole body.
		out.Body = readCloser{io.MultiReader(strings.NewReader(body.Text), req.Body), req.Body}
		return out
	}
	text := body.Text
	out.Body = io.NopCloser(strings.NewReader(text))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
	return out
}

// WithFailingBody returns a copy of req (req itself must not change: http.RoundTripper)
// whose body yields what was read of the original, then its error, and closes the original.
func WithFailingBody(req *http.Request, read string, err error) *http.Request {
	out := req.WithContext(req.Context())
	out.Body = readCloser{io.MultiReader(strings.NewReader(read), errReader{err}), req.Body}
	return out
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// TruncatedInputs is the recorded inputs of a request body longer than what was read of it
// (limit bytes): the first bytes, as a JSON string of at most the payload cap (or limit)
// that ends in the truncation marker.
func TruncatedInputs(text string, limit int, contentLength int64) string {
	size := limit
	if payloadCap := instrument.MaxPayloadBytes(); payloadCap > 0 && payloadCap < size {
		size = payloadCap
	}
	js := jsonenc.Truncate(text, size-16) // room for a longer total in the marker
	wrong := "[truncated, " + strconv.Itoa(len(text)) + " bytes total]\""
	right := "[truncated, more than " + strconv.Itoa(limit) + " bytes]\""
	if contentLength > 0 {
		right = "[truncated, " + strconv.FormatInt(contentLength, 10) + " bytes total]\""
	}
	if strings.HasSuffix(js, wrong) {
		js = js[:len(js)-len(wrong)] + right
	}
	return js
}

// SetInputs records body as an own span's inputs: as it is (JSON text, checked by the
// adapter's request hook), or cut with a marker when it was truncated.
func (c *Call) SetInputs(req *http.Request, body RequestBody) {
	switch {
	case !c.Own || !c.Content || len(body.Text) == 0:
	case body.Truncated:
		instrument.SetRawInputs(c.Span, TruncatedInputs(body.Text, RequestReadLimit(), req.ContentLength))
	default:
		instrument.SetRawInputs(c.Span, body.Text) // checked by the request hook
	}
}
