package sdk

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/treeview"
)

// Destination receives finished traces.
//
// Export is called from one goroutine per destination, one trace at a time, in the order the
// traces completed; it may block (the traced code never waits for it) but should honour ctx,
// which is cancelled by Shutdown. The trace is shared with other destinations and must not be
// modified. A destination may also implement Shutdown(ctx) error, called once by Shutdown,
// and TraceReader, used by GetTrace.
type Destination interface {
	Export(ctx context.Context, t *tracedata.Trace) error
}

// BatchDestination is a Destination that can also take several traces in one call. When
// traces queue up for it, the pipeline hands them over together (up to 256 at a time), which
// lets a store write them in one transaction. ExportBatch has Export's contract; a failure
// counts every trace of the batch as failed. A BatchDestination that also has a method
// BatchDelay() time.Duration gets batches that wait that long for more traces (Flush and
// Shutdown do not wait for it), as network destinations want.
type BatchDestination interface {
	Destination
	ExportBatch(ctx context.Context, traces []*tracedata.Trace) error
}

// AssessmentDestination is a Destination that also takes the assessments logged on its
// traces afterwards (sdk.LogFeedback, LogExpectation, UpdateAssessment, DeleteAssessment),
// as the MLflow destination does. The pipeline calls it off the caller's goroutine, after
// the traces finished before the call have reached the destination, with Export's retries
// and timeout; failures are counted and logged, never returned to the caller.
type AssessmentDestination interface {
	Destination
	// LogAssessment sends a new assessment (an update that overrides another is one too:
	// its Overrides names the assessment it replaces).
	LogAssessment(ctx context.Context, a tracedata.Assessment) error
	// DeleteAssessment removes an assessment the destination was sent.
	DeleteAssessment(ctx context.Context, traceID, assessmentID string) error
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
	b.WriteString(treeview.Header(t))
	b.WriteByte('\n')
	for _, r := range treeview.Rows(t) {
		b.WriteString(r.Prefix)
		b.WriteString(treeview.SpanLine(r.Span, 120))
		b.WriteByte('\n')
	}
	return b.String()
}
