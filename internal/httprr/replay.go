package httprr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"
)

// Replay is an http.RoundTripper that answers requests from recorded exchanges: a request
// gets the response of the first exchange not yet used whose method, URL and body (compared
// as JSON when both are JSON) match. Requests that run concurrently may arrive in any order.
// A request with no match fails with an error that names it. It is safe for concurrent use.
type Replay struct {
	mu   sync.Mutex
	exs  []Exchange
	used []bool
}

var _ http.RoundTripper = (*Replay)(nil)

// NewReplay returns a Replay over exs.
func NewReplay(exs []Exchange) *Replay {
	return &Replay{exs: exs, used: make([]bool, len(exs))}
}

// Unused returns how many exchanges no request has used yet.
func (r *Replay) Unused() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, u := range r.used {
		if !u {
			n++
		}
	}
	return n
}

// RoundTrip answers req from the recording.
func (r *Replay) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, ex := range r.exs {
		if r.used[i] || ex.Request.Method != req.Method || ex.Request.URL.String() != req.URL.String() || !sameBody(ex.RequestBody, body) {
			continue
		}
		r.used[i] = true
		resp := *ex.Response
		resp.Header = ex.Response.Header.Clone()
		resp.Body = io.NopCloser(bytes.NewReader(ex.ResponseBody))
		resp.ContentLength = int64(len(ex.ResponseBody))
		resp.TransferEncoding = nil
		resp.Request = req
		return &resp, nil
	}
	return nil, fmt.Errorf("httprr: no recorded exchange left for %s %s with body %.300s", req.Method, req.URL, body)
}

func sameBody(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
