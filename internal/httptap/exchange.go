package httptap

import (
	"context"
	"net/http"

	"github.com/agentlens/agentlens/core/instrument"
)

// Send sends req through next, traced by the three steps of an adapter's call: start
// returns the request to send and whether the call is traced (when not, that request is
// sent as it is); fail records a request that got no response; respond makes the response's
// body end the span. The caller gets next's response and error unchanged.
func Send(req *http.Request, next func(*http.Request) (*http.Response, error),
	start func(*http.Request) (*http.Request, bool), fail func(error), respond func(*http.Response)) (*http.Response, error) {
	req, ok := start(req)
	if !ok {
		return next(req)
	}
	resp, err := next(req)
	if err != nil {
		fail(err)
		return resp, err
	}
	respond(resp)
	return resp, nil
}

// Begin reads req's body and opens the call's span (see Open), with content recorded when
// content says so. It returns the request to send, which carries the span in its context
// (and, when mark is not nil, mark as a context key, so that a second transport of the same
// adapter below knows the call is traced), the body read, and false when the call is not
// traced: its body could not be read (the request sent meets the same failure), or the span
// is sampled out.
func (c *Call) Begin(req *http.Request, name, spanType string, content bool, mark any) (*http.Request, RequestBody, bool) {
	ctx := req.Context()
	rb, err := ReadRequestBody(req, RequestReadLimit())
	if err != nil {
		return WithFailingBody(req, rb.Text, err), rb, false
	}
	c.Content = content && instrument.CaptureContent()
	if mark != nil {
		ctx = context.WithValue(ctx, mark, true)
	}
	ctx, ok := c.Open(ctx, name, spanType, req, rb)
	// A shallow copy is enough: only its context and body change.
	return WithBody(req.WithContext(ctx), req, rb), rb, ok
}
