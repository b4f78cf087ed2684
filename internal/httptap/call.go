package httptap

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// Call is the span of one traced HTTP call: the adapter's own, or the model span a
// framework adapter opened for the call, which the adapter only enriches.
type Call struct {
	Span    *core.Span
	Own     bool // the span is the adapter's to end (not a framework's model span)
	Content bool // record prompts and completions
}

// Open gives the call its span: the model span a framework adapter already opened in ctx
// for this call (one model call is one model span), else a new span of the given name and
// type, whose inputs are the request body. It returns the context the request carries on,
// and false when the new span is sampled out (the context still says so to any tracing
// below: a transport wrapped twice must not sample again).
func (c *Call) Open(ctx context.Context, name, spanType string, req *http.Request, body RequestBody) (context.Context, bool) {
	parent := core.SpanFromContext(ctx)
	switch parent.SpanType() {
	case spantypes.ChatModel, spantypes.LLM, spantypes.Embedding:
		c.Span = parent
		return ctx, true
	}
	ctx, c.Span = core.StartSpan(ctx, name, core.WithSpanType(spanType))
	if !c.Span.IsRecording() {
		return ctx, false
	}
	c.Own = true
	c.SetInputs(req, body)
	return ctx, true
}

// Fail ends the span of a request that got no response.
func (c *Call) Fail(err error) {
	c.RecordError(err)
	c.End()
}

// RecordError marks an own span failed. A framework's span is left alone: one HTTP attempt
// of its call failing (a retried 429, say) does not make the call fail; the framework
// records the outcome it sees.
func (c *Call) RecordError(err error) {
	if c.Own {
		c.Span.RecordError(err)
	}
}

// RecordException marks an own span failed with an error known by type and message.
func (c *Call) RecordException(typ, msg string) {
	if c.Own {
		instrument.RecordException(c.Span, typ, msg)
	}
}

// End ends an own span.
func (c *Call) End() {
	if c.Own {
		c.Span.End()
	}
}

// EndWithBody returns the BufferSink callback of a successful non-streamed response: it
// ends the span, recording a read error as the caller met it, and hands record the body
// when it was read whole.
func (c *Call) EndWithBody(record func(text string)) func(body string, complete bool, err error) {
	return func(text string, complete bool, err error) {
		defer c.End()
		if err != nil {
			c.RecordError(err)
			return
		}
		if complete {
			record(text)
		}
	}
}

// WrapError makes an HTTP error response's body end the span as EndWithError does, and
// records the status code.
func (c *Call) WrapError(resp *http.Response, read func(body string) (text, typ, msg string), panicKind string) {
	c.Span.SetAttribute(spantypes.KeyHTTPStatusCode, resp.StatusCode)
	Wrap(resp, NewBufferSink(resp, c.EndWithError(resp, read)), panicKind)
}

// EndWithError returns the BufferSink callback that records an HTTP error response and
// ends the span. read tells what the body says: text, the body as the span records it (as
// outputs, content capture on; decoded, say), and the exception's type and message; when
// both are "", the exception is "HTTPError: HTTP <status>".
func (c *Call) EndWithError(resp *http.Response, read func(body string) (text, typ, msg string)) func(body string, complete bool, err error) {
	status := resp.Status
	return func(body string, complete bool, err error) {
		defer c.End()
		body, typ, msg := read(body)
		if typ == "" && msg == "" {
			typ, msg = "HTTPError", "HTTP "+status
		}
		if c.Own && c.Content && len(body) > 0 {
			if jsontext.Valid(body) {
				c.Span.SetOutputs(json.RawMessage(body)) // compacted as it is recorded
			} else {
				c.Span.SetOutputs(body)
			}
		}
		c.RecordException(typ, msg)
		if err != nil {
			c.RecordError(err)
		}
	}
}
