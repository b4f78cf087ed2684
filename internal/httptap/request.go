package httptap

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// ReadRequestBody reads and closes the request body, returning what was read.
func ReadRequestBody(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return "", nil
	}
	defer req.Body.Close()
	var b strings.Builder
	if n := req.ContentLength; n > 0 && n <= MaxBufferedBody {
		b.Grow(int(n))
	}
	// Bodies made from a bytes or strings reader (as most clients' are) copy themselves in
	// whole; others go through a pooled buffer.
	bp := copyBuffers.Get().(*[]byte)
	_, err := io.CopyBuffer(&b, req.Body, *bp)
	copyBuffers.Put(bp)
	return b.String(), err
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

// WithBody gives out, a copy of a request whose body was read into body, that body again.
func WithBody(out *http.Request, body string) *http.Request {
	if out.Body != nil && out.Body != http.NoBody {
		out.Body = io.NopCloser(strings.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	}
	return out
}

// WithFailingBody gives req a body that yields what was read of the original, then its error.
func WithFailingBody(req *http.Request, read string, err error) *http.Request {
	req.Body = io.NopCloser(io.MultiReader(strings.NewReader(read), errReader{err}))
	return req
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
