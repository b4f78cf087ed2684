package openai

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// requestBody is what the span keeps of a request body.
type requestBody struct {
	text      string // the body, or its first bytes when truncated
	truncated bool   // the body is longer than text: the rest is still in the original
}

// minRequestRead is the least of a request body read for the span whatever the payload cap,
// so that the model and tools of an ordinary request can be read.
const minRequestRead = 64 << 10

// requestReadLimit is how much of a request body is read for the span: the payload cap (at
// least minRequestRead), and never more than maxBufferedBody.
func requestReadLimit() int {
	if payloadCap := instrument.MaxPayloadBytes(); payloadCap > 0 {
		return min(max(payloadCap, minRequestRead), maxBufferedBody)
	}
	return maxBufferedBody
}

// readBody reads the request body, up to limit bytes. A body that fits is read whole and
// closed; of a longer one, limit+1 bytes are read and the rest is left to be sent. On a read
// error, what was read is returned with the error and the body is left open.
func readBody(req *http.Request, limit int) (requestBody, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return requestBody{}, nil
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
		return requestBody{text: b.String()}, err
	}
	if b.Len() > limit {
		return requestBody{text: b.String(), truncated: true}, nil
	}
	req.Body.Close()
	return requestBody{text: b.String()}, nil
}

// bodyCopier is what reading a request body needs besides the text.
type bodyCopier struct {
	buf []byte
	lr  io.LimitedReader
}

var copyBuffers = sync.Pool{New: func() any { return &bodyCopier{buf: make([]byte, 8<<10)} }}

// withBody gives out, a copy of req whose body was read into body, that body again: the
// bytes read, then (when truncated) the rest of the original.
func withBody(out, req *http.Request, body requestBody) *http.Request {
	if out.Body == nil || out.Body == http.NoBody {
		return out
	}
	if body.truncated {
		// The original's GetBody, which the copy keeps, still gives the whole body.
		out.Body = readCloser{io.MultiReader(strings.NewReader(body.text), req.Body), req.Body}
		return out
	}
	text := body.text
	out.Body = io.NopCloser(strings.NewReader(text))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
	return out
}

// withFailingBody returns a copy of req (req itself must not change: http.RoundTripper)
// whose body yields what was read of the original, then its error, and closes the original.
func withFailingBody(req *http.Request, read string, err error) *http.Request {
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

// requestHook reads the request body on the export goroutine: the model and the tools, and
// a body that is not JSON is recorded as text instead.
func (c *call) requestHook(rb requestBody) func(*instrument.FinishedSpan) {
	body := rb.text
	return func(s *instrument.FinishedSpan) {
		var model string
		var tools gjson.Result
		if rb.truncated {
			// Not JSON as a whole: the model is read where it stands in the first bytes.
			if m := gjson.Get(body, "model"); m.Type == gjson.String {
				model = m.Str
			}
		} else if req, ok := jsontext.Object(body); ok {
			req.ForEach(func(key, v gjson.Result) bool {
				switch key.Str {
				case "model":
					if v.Type == gjson.String {
						model = v.Str
					}
				case "tools":
					tools = v
				}
				return true
			})
		} else if c.own && c.content && len(body) > 0 && !jsontext.Valid(body) {
			s.SetAttribute(spantypes.KeySpanInputs, body)
		}
		if model == "" {
			model = azureDeployment(c.path)
		}
		if model != "" {
			s.SetAttribute(spantypes.KeyGenAIRequestModel, model)
			if _, set := s.Attribute(spantypes.KeyLLMModel); !set {
				s.SetAttribute(spantypes.KeyLLMModel, model)
			}
		}
		if tools.Exists() && tools.Type != gjson.Null && c.ep != embeddings {
			var b bytes.Buffer
			if json.Compact(&b, []byte(tools.Raw)) == nil {
				s.SetRawAttribute(spantypes.KeyChatTools, b.String())
			}
		}
	}
}

// truncatedInputs is the recorded inputs of a request body longer than what was read of
// it (limit bytes): the first bytes, as a JSON string of at most the payload cap (or limit)
// that ends in the truncation marker.
func truncatedInputs(text string, limit int, contentLength int64) string {
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
