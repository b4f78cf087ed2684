package tracetest

import (
	"strings"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

// Tree renders a trace as one line per span, "TYPE name STATUS", indented two spaces per
// level under its parent, siblings in start order. It leaves out ids and timings, so the
// same program always renders the same tree:
//
//	CHAIN pipeline OK
//	  RETRIEVER retrieve OK
//	  CHAT_MODEL generate ERROR
func Tree(t *tracedata.Trace) string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	t.Walk(func(s *tracedata.Span, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(termtext.Clean(s.SpanType()))
		b.WriteByte(' ')
		b.WriteString(termtext.Clean(s.Name))
		b.WriteByte(' ')
		b.WriteString(string(s.Status.Code))
		b.WriteByte('\n')
	})
	return b.String()
}
