package httptap

import (
	"encoding/json"
	"net/http"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
)

// Call is the span of one traced HTTP call: the adapter's own, or the model span a
// framework adapter opened for the call, which the adapter only enriches.
type Call struct {
	Span    *core.Span
	Own     bool // the span is the adapter's to end (not a framework's model span)
	Content bool // record prompts and completions
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
