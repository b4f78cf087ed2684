package openai

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// readBody reads and closes the request body, returning what was read.
func readBody(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return "", nil
	}
	defer req.Body.Close()
	var b strings.Builder
	if n := req.ContentLength; n > 0 && n <= maxBufferedBody {
		b.Grow(int(n))
	}
	// Bodies made from a bytes or strings reader (as go-openai's are) copy themselves in
	// whole; others go through a pooled buffer.
	bp := copyBuffers.Get().(*[]byte)
	_, err := io.CopyBuffer(&b, req.Body, *bp)
	copyBuffers.Put(bp)
	return b.String(), err
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

// withBody gives out, a copy of a request whose body was read into body, that body again.
func withBody(out *http.Request, body string) *http.Request {
	if out.Body != nil && out.Body != http.NoBody {
		out.Body = io.NopCloser(strings.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	}
	return out
}

// withFailingBody gives req a body that yields what was read of the original, then its error.
func withFailingBody(req *http.Request, read string, err error) *http.Request {
	req.Body = io.NopCloser(io.MultiReader(strings.NewReader(read), errReader{err}))
	return req
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// requestHook reads the request body on the export goroutine: the model and the tools, and
// a body that is not JSON is recorded as text instead.
func (c *call) requestHook(body string) func(*instrument.FinishedSpan) {
	return func(s *instrument.FinishedSpan) {
		var model string
		var tools gjson.Result
		if req, ok := jsontext.Object(body); ok {
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
