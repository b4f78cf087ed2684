package core

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

// Destination receives finished traces.
//
// Export is called from one goroutine per destination, one trace at a time, in the order the
// traces completed; it may block (the traced code never waits for it) but should honour ctx,
// which is cancelled by Shutdown. The trace is shared with other destinations and must not be
// modified. A destination may also implement Shutdown(ctx) error, called once by
// core.Shutdown, and TraceReader, used by GetTrace.
type Destination interface {
	Export(ctx context.Context, t *tracedata.Trace) error
}

// BatchDestination is a Destination that can also take several traces in one call. When
// traces queue up for it, the pipeline hands them over together (up to 256 at a time), which
// lets a store write them in one transaction. ExportBatch has Export's contract; a failure
// counts every trace of the batch as failed.
type BatchDestination interface {
	Destination
	ExportBatch(ctx context.Context, traces []*tracedata.Trace) error
}

// MemoryDestination keeps finished traces in memory, for tests and small tools.
// It is safe for concurrent use.
type MemoryDestination struct {
	mu     sync.Mutex
	traces []*tracedata.Trace
}

// NewMemoryDestination returns an empty MemoryDestination.
func NewMemoryDestination() *MemoryDestination { return &MemoryDestination{} }

// Export stores t.
func (m *MemoryDestination) Export(_ context.Context, t *tracedata.Trace) error {
	m.mu.Lock()
	m.traces = append(m.traces, t)
	m.mu.Unlock()
	return nil
}

// Traces returns the stored traces in the order they completed.
func (m *MemoryDestination) Traces() []*tracedata.Trace {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*tracedata.Trace(nil), m.traces...)
}

// Reset forgets the stored traces.
func (m *MemoryDestination) Reset() {
	m.mu.Lock()
	m.traces = nil
	m.mu.Unlock()
}

// GetTrace returns a stored trace by id.
func (m *MemoryDestination) GetTrace(_ context.Context, traceID string) (*tracedata.Trace, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.traces) - 1; i >= 0; i-- {
		if m.traces[i].Info.TraceID == traceID {
			return m.traces[i], nil
		}
	}
	return nil, fmt.Errorf("agentlens: trace %q: %w", traceID, ErrTraceNotFound)
}

// ConsoleDestination prints each finished trace as a tree of spans. Span names and previews
// are printed with control characters escaped, so model output cannot drive the terminal.
type ConsoleDestination struct {
	mu sync.Mutex
	w  io.Writer
}

// NewConsoleDestination returns a destination printing to w (os.Stderr when nil).
func NewConsoleDestination(w io.Writer) *ConsoleDestination {
	if w == nil {
		w = os.Stderr
	}
	return &ConsoleDestination{w: w}
}

// Export prints t.
func (c *ConsoleDestination) Export(_ context.Context, t *tracedata.Trace) error {
	text := FormatTree(t)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := io.WriteString(c.w, text)
	return err
}

// FormatTree renders a trace for people: a header line, then one line per span with its
// type, name, status, duration and token usage, indented under its parent.
//
//	trace tr-3f2a... "pipeline" OK 12ms tokens=42
//	└─ CHAIN pipeline OK 12ms
//	   ├─ RETRIEVER retrieve OK 3ms
//	   └─ CHAT_MODEL generate OK 8ms tokens=42
func FormatTree(t *tracedata.Trace) string {
	var b strings.Builder
	took := t.Info.ExecutionDuration()
	if root := t.RootSpan(); root != nil {
		took = root.Duration().Round(time.Microsecond)
	}
	fmt.Fprintf(&b, "trace %s \"%s\" %s %s", t.Info.TraceID, termtext.Clean(t.Info.Tags["mlflow.traceName"]),
		t.Info.State, took)
	if u, ok := t.TokenUsage(); ok {
		fmt.Fprintf(&b, " tokens=%d", u.TotalTokens)
	}
	b.WriteByte('\n')
	type line struct {
		span  *tracedata.Span
		depth int
	}
	var lines []line
	t.Walk(func(s *tracedata.Span, depth int) { lines = append(lines, line{s, depth}) })
	// last[d] tells whether the most recent span at depth d is the last of its siblings.
	last := make([]bool, 0, 8)
	for i, l := range lines {
		isLast := true
		for _, next := range lines[i+1:] {
			if next.depth < l.depth {
				break
			}
			if next.depth == l.depth {
				isLast = false
				break
			}
		}
		last = append(last[:l.depth], isLast)
		for d := 0; d < l.depth; d++ {
			if last[d] {
				b.WriteString("   ")
			} else {
				b.WriteString("│  ")
			}
		}
		if isLast {
			b.WriteString("└─ ")
		} else {
			b.WriteString("├─ ")
		}
		s := l.span
		fmt.Fprintf(&b, "%s %s %s %s", termtext.Clean(s.SpanType()), termtext.Clean(s.Name), s.Status.Code,
			s.Duration().Round(time.Microsecond))
		if u, ok := s.TokenUsage(); ok {
			fmt.Fprintf(&b, " tokens=%d", u.TotalTokens)
		}
		if s.Status.Code == tracedata.StatusError && s.Status.Message != "" {
			fmt.Fprintf(&b, " (%s)", termtext.Truncate(termtext.Clean(s.Status.Message), 120))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
