package otlp

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// outcome is what the HTTP client's transport saw of an upload's last attempt: the status
// and the Retry-After the endpoint sent. The official client keeps both to itself when its
// own retries are off, so the transport reports them through the request context.
type outcome struct {
	mu         sync.Mutex
	status     int
	retryAfter time.Duration
}

type outcomeKey struct{}

// observer records the outcome of each request whose context carries one.
type observer struct{ base http.RoundTripper }

func (o observer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.base.RoundTrip(req)
	if out, ok := req.Context().Value(outcomeKey{}).(*outcome); ok {
		out.mu.Lock()
		out.status, out.retryAfter = 0, 0
		if err == nil {
			out.status = resp.StatusCode
			out.retryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		out.mu.Unlock()
	}
	return resp, err
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
