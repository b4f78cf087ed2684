package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/agentlens/agentlens/core/store"
)

// Version is the server version the initialize handshake reports.
const Version = "0.1.0"

// DefaultMaxChars is how many characters of one string of a span payload get_trace returns
// before it truncates the string with a marker.
const DefaultMaxChars = 2000

// DefaultMaxEvents is how many events of one span get_trace returns before it leaves out
// the middle ones with a marker.
const DefaultMaxEvents = 20

// Options configure a Server.
type Options struct {
	// StorePath is the trace store, an existing SQLite file.
	StorePath string
	// ReadOnly refuses every writing tool (set_trace_tag, log_feedback, delete_traces).
	ReadOnly bool
	// MaxChars caps each string of a span payload in get_trace results; DefaultMaxChars
	// when <= 0.
	MaxChars int
	// MaxEvents caps the events of each span in get_trace results; DefaultMaxEvents when
	// <= 0.
	MaxEvents int
}

// Server serves the agentlens tools over MCP. It opens the store lazily: read-only for the
// reading tools, for writing the first time a writing tool is called, so that a server that
// only reads never changes the file and works on a store the user may not write.
type Server struct {
	opts Options
	mcp  *mcp.Server

	mu     sync.Mutex
	reader *store.Store // opened read-only, until a writer is opened
	writer *store.Store // opened for writing by the first writing tool; also serves reads
}

// New returns a server over opts.StorePath with the agentlens tools registered.
func New(opts Options) *Server {
	if opts.MaxChars <= 0 {
		opts.MaxChars = DefaultMaxChars
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultMaxEvents
	}
	s := &Server{opts: opts}
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: "agentlens", Title: "agentlens traces", Version: Version},
		&mcp.ServerOptions{Instructions: instructions})
	s.addTools()
	return s
}

const instructions = `Tools over an agentlens trace store (MLflow Tracing traces of Go agent programs).
search_traces finds traces with MLflow's filter grammar; get_trace reads one (long span
payloads are cut, with a marker that says how to read the rest); trace_stats counts traces,
errors, latency percentiles, tokens and cost by group; set_trace_tag, log_feedback and
delete_traces write to the store (delete_traces needs confirm: true).`

// MCP returns the underlying SDK server, to Run or Connect on a transport.
func (s *Server) MCP() *mcp.Server { return s.mcp }

// Run serves MCP on t until the client disconnects or ctx is done, then closes the store.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	defer s.Close()
	return s.mcp.Run(ctx, t)
}

// Close closes the store handles the server opened.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, st := range []*store.Store{s.reader, s.writer} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	s.reader, s.writer = nil, nil
	return errors.Join(errs...)
}

// readStore returns a store to read from: the writer when one is open, else the read-only one.
func (s *Server) readStore() (*store.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writer != nil {
		return s.writer, nil
	}
	if s.reader == nil {
		st, err := s.open(store.OpenReadOnly)
		if err != nil {
			return nil, err
		}
		s.reader = st
	}
	return s.reader, nil
}

// writeStore returns the store opened for writing, refusing under ReadOnly. The read-only
// handle stays open for calls already using it; Close closes both.
func (s *Server) writeStore(tool string) (*store.Store, error) {
	if s.opts.ReadOnly {
		return nil, fmt.Errorf("%s writes to the store; this server was started with --read-only", tool)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writer == nil {
		st, err := s.open(store.OpenExisting)
		if err != nil {
			return nil, err
		}
		s.writer = st
	}
	return s.writer, nil
}

func (s *Server) open(open func(string) (*store.Store, error)) (*store.Store, error) {
	if s.opts.StorePath == "" {
		return nil, errors.New("no store: start the server with --store PATH")
	}
	st, err := open(s.opts.StorePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no store at %s", s.opts.StorePath)
	}
	return st, err
}
