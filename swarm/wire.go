package swarm

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/sashabaranov/go-openai"
	"github.com/tidwall/gjson"
)

// NewClientWithConfig returns a Client that calls the chat completions API with a go-openai
// client made from cfg, whose requests it corrects where go-openai's JSON differs from what
// the API requires: go-openai leaves out an empty "content", and the API rejects a tool
// message without one, so a function that returns "" would fail the run at the next request.
// Requests of this client carry `"content":""` on such tool messages, as Swarm sends them.
func NewClientWithConfig(cfg openai.ClientConfig) *Client {
	next := cfg.HTTPClient
	if next == nil {
		next = &http.Client{}
	}
	cfg.HTTPClient = toolContentDoer{next: next}
	return &Client{api: openai.NewClientWithConfig(cfg)}
}

// toolContentDoer adds the "content" go-openai left out of tool messages to the chat
// completion requests it sends.
type toolContentDoer struct {
	next openai.HTTPDoer
}

func (d toolContentDoer) Do(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil || req.Body == http.NoBody {
		return d.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	if fixed, ok := withToolContent(body); ok {
		body = fixed
		req = req.Clone(req.Context())
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return d.next.Do(req)
}

// withToolContent returns body with `"content":""` added to each tool message that has no
// content, and whether there was one; everything else stays byte for byte.
func withToolContent(body []byte) ([]byte, bool) {
	if !bytes.Contains(body, []byte(`"tool"`)) || !gjson.ValidBytes(body) {
		return body, false
	}
	var at []int // offsets just past the "{" of each message to correct
	gjson.GetBytes(body, "messages").ForEach(func(_, m gjson.Result) bool {
		if m.IsObject() && m.Get("role").String() == openai.ChatMessageRoleTool && !m.Get("content").Exists() && m.Index > 0 {
			at = append(at, m.Index+1)
		}
		return true
	})
	if len(at) == 0 {
		return body, false
	}
	out := make([]byte, 0, len(body)+len(at)*len(`"content":"",`))
	prev := 0
	for _, i := range at {
		out = append(out, body[prev:i]...)
		out = append(out, `"content":"",`...)
		prev = i
	}
	return append(out, body[prev:]...), true
}
