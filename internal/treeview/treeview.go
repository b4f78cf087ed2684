// Package treeview lays out a trace as a box-drawn tree of one line per span, for the
// console destination and the CLI. Untrusted text (names, messages) is escaped.
package treeview

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/spantypes"
)

// Guides drawn left of a span.
const (
	guideBranch = "├─ "
	guideLast   = "└─ "
	guideDown   = "│  "
	guideNone   = "   "
)

// Row is one span of a trace laid out as a tree.
type Row struct {
	Span *tracedata.Span
	// Prefix draws the guides and the branch before the span's line, e.g. "│  ├─ ".
	Prefix string
	// Detail draws the guides for extra lines under the span's line: its own guide goes on
	// while it has later siblings, and a second one leads down to its children.
	Detail string
}

// Rows lays out the spans of t in tree order (see tracedata.Trace.Walk).
func Rows(t *tracedata.Trace) []Row {
	type item struct {
		span  *tracedata.Span
		depth int
	}
	var items []item
	t.Walk(func(s *tracedata.Span, depth int) { items = append(items, item{s, depth}) })
	rows := make([]Row, len(items))
	// last[d] tells whether the current span at depth d is the last of its siblings.
	last := make([]bool, 0, 8)
	for i, it := range items {
		isLast := true
		for _, next := range items[i+1:] {
			if next.depth < it.depth {
				break
			}
			if next.depth == it.depth {
				isLast = false
				break
			}
		}
		hasChildren := i+1 < len(items) && items[i+1].depth == it.depth+1
		last = append(last[:it.depth], isLast)
		var guides strings.Builder
		for d := 0; d < it.depth; d++ {
			guides.WriteString(pick(last[d], guideNone, guideDown))
		}
		rows[i] = Row{
			Span:   it.span,
			Prefix: guides.String() + pick(isLast, guideLast, guideBranch),
			Detail: guides.String() + pick(isLast, guideNone, guideDown) + pick(hasChildren, guideDown, guideNone),
		}
	}
	return rows
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// maxName is how many characters of a name (of a trace, span, span type or status) a line
// shows: names are untrusted and may be huge.
const maxName = 200

// cut escapes untrusted text and cuts it to n characters.
func cut(s string, n int) string { return termtext.Truncate(termtext.Clean(s), n) }

// Header renders the first line of a trace:
// `trace <id> "<name>" <STATE> <duration> [tokens=N] [cost=$X]`.
func Header(t *tracedata.Trace) string {
	took := t.Info.ExecutionDuration()
	if root := t.RootSpan(); root != nil {
		took = root.Duration().Round(time.Microsecond)
	}
	line := fmt.Sprintf("trace %s \"%s\" %s %s", cut(t.Info.TraceID, maxName),
		cut(t.Info.Tags[spantypes.TagTraceName], maxName), cut(string(t.Info.State), maxName), took)
	if u, ok := t.TokenUsage(); ok {
		line += fmt.Sprintf(" tokens=%d", u.TotalTokens)
	}
	if c, ok := t.Cost(); ok {
		line += " cost=$" + Dollars(c.TotalCost)
	}
	return line
}

// Dollars renders a cost rounded to a millionth of a dollar, without trailing zeros.
func Dollars(v float64) string {
	r := math.Round(v*1e6) / 1e6
	if r == 0 || math.IsNaN(r) {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// SpanLine renders a span: `TYPE name STATUS duration [tokens=N] [cost=$X] [(error message)]`, the
// message cut to maxMessage characters.
func SpanLine(s *tracedata.Span, maxMessage int) string {
	line := fmt.Sprintf("%s %s %s %s", cut(s.SpanType(), maxName), cut(s.Name, maxName),
		cut(string(s.Status.Code), maxName), s.Duration().Round(time.Microsecond))
	if u, ok := s.TokenUsage(); ok {
		line += fmt.Sprintf(" tokens=%d", u.TotalTokens)
	}
	if c, ok := s.Cost(); ok {
		line += " cost=$" + Dollars(c.TotalCost)
	}
	if s.Status.Code == tracedata.StatusError && s.Status.Message != "" {
		line += " (" + termtext.Truncate(termtext.Clean(s.Status.Message), maxMessage) + ")"
	}
	return line
}
