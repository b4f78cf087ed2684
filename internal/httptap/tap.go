package httptap

import (
	"net/http"
	"sync/atomic"
)

// Tap is the part of an adapter's http.RoundTripper that is the same for every adapter: it
// sends a request through the adapter's trace function over its base transport
// (http.DefaultTransport when nil), until switched off. It is safe for concurrent use.
type Tap struct {
	base  http.RoundTripper
	trace TraceFunc
	off   atomic.Bool // set when Autolog is undone but the transport stays wrapped by another
}

// TraceFunc traces req, sending it with next.
type TraceFunc func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// NewTap returns a Tap over base that traces with trace.
func NewTap(base http.RoundTripper, trace TraceFunc) *Tap { return &Tap{base: base, trace: trace} }

// RoundTrip traces req and sends it on; switched off, it only sends it on.
func (t *Tap) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.off.Load() {
		return base.RoundTrip(req)
	}
	return t.trace(req, base.RoundTrip)
}

// Off makes the tap pass every request to its base untouched, for good.
func (t *Tap) Off() { t.off.Store(true) }
