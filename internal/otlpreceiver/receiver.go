// Package otlpreceiver holds in-process OTLP receivers for tests: an OTLP/HTTP endpoint
// (protobuf, and JSON as newer collectors accept it) and an OTLP/gRPC server. Each decodes
// what it gets and keeps it, with the headers or metadata, for the test to assert on; a
// test can make it fail, throttle, hang or drop the connection.
package otlpreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/internal/otlpjson"
)

// Request is one export the receiver decoded.
type Request struct {
	// Header holds the HTTP headers, or the gRPC metadata.
	Header http.Header
	// ContentType and ContentEncoding are as sent (HTTP only).
	ContentType, ContentEncoding string
	Body                         *coltracepb.ExportTraceServiceRequest
}

// Behavior decides how the receiver answers the n-th request (0-based) before it is
// decoded: 0 accepts; an HTTP status refuses with it (and Retry-After when set); Hang waits
// until the client gives up; Drop closes the connection mid-request.
type Behavior func(n int) Answer

// Answer is what a Behavior decides.
type Answer struct {
	Status     int
	RetryAfter string
	Hang, Drop bool
}

// Store keeps decoded requests. It is safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	requests []Request
	n        int
	behavior Behavior
}

// SetBehavior changes how later requests are answered (nil accepts all).
func (s *Store) SetBehavior(b Behavior) {
	s.mu.Lock()
	s.behavior = b
	s.mu.Unlock()
}

func (s *Store) next() Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n
	s.n++
	if s.behavior == nil {
		return Answer{}
	}
	return s.behavior(n)
}

func (s *Store) add(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}

// Requests returns the accepted requests in arrival order.
func (s *Store) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Attempts counts every request that arrived, accepted or not.
func (s *Store) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Spans returns every accepted span, in arrival order.
func (s *Store) Spans() []*tracepb.Span {
	var out []*tracepb.Span
	for _, r := range s.Requests() {
		for _, rs := range r.Body.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				out = append(out, ss.Spans...)
			}
		}
	}
	return out
}

// HTTP is an OTLP/HTTP receiver at URL + "/v1/traces" (any path is accepted and recorded).
type HTTP struct {
	Store
	*httptest.Server
	// Paths lists the request paths, in arrival order.
	paths []string
}

// NewHTTP starts an OTLP/HTTP receiver; Close stops it.
func NewHTTP() *HTTP {
	h := &HTTP{}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

// Handler returns h's handler, for a server of the caller's making (h.Server stays nil).
func Handler(h *HTTP) http.Handler { return http.HandlerFunc(h.serve) }

// Paths returns the paths of the accepted requests.
func (h *HTTP) Paths() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.paths...)
}

func (h *HTTP) serve(w http.ResponseWriter, r *http.Request) {
	a := h.next()
	switch {
	case a.Hang:
		// The server notices a client that gave up only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return
	case a.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case a.Status != 0:
		if a.RetryAfter != "" {
			w.Header().Set("Retry-After", a.RetryAfter)
		}
		http.Error(w, "refused by the test", a.Status)
		return
	}
	body, err := readBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := &coltracepb.ExportTraceServiceRequest{}
	ct := r.Header.Get("Content-Type")
	switch {
	case ct == "application/x-protobuf":
		err = proto.Unmarshal(body, req)
	case strings.HasPrefix(ct, "application/json"):
		req, err = otlpjson.Decode(body)
	default:
		http.Error(w, "unsupported content type "+ct, http.StatusUnsupportedMediaType)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.add(Request{Header: r.Header.Clone(), ContentType: ct, ContentEncoding: r.Header.Get("Content-Encoding"), Body: req})
	h.mu.Lock()
	h.paths = append(h.paths, r.URL.Path)
	h.mu.Unlock()
	// The reply is in the request's encoding, as OTLP/HTTP requires.
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	if ct != "application/x-protobuf" {
		out, ct = []byte("{}"), "application/json"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(out)
}

func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Header.Get("Content-Encoding") != "gzip" {
		return body, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// GRPC is an OTLP/gRPC receiver listening on Addr.
type GRPC struct {
	Store
	coltracepb.UnimplementedTraceServiceServer
	Addr   string
	server *grpc.Server
	// Delay holds every export this long before it is answered.
	Delay time.Duration
}

// NewGRPC starts an OTLP/gRPC receiver on a local port; Close stops it.
func NewGRPC() (*GRPC, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	g := &GRPC{Addr: lis.Addr().String(), server: grpc.NewServer()}
	coltracepb.RegisterTraceServiceServer(g.server, g)
	go func() { _ = g.server.Serve(lis) }()
	return g, nil
}

// Close stops the server.
func (g *GRPC) Close() { g.server.Stop() }

// Export implements the OTLP trace service.
func (g *GRPC) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	a := g.next()
	if a.Hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if g.Delay > 0 {
		time.Sleep(g.Delay)
	}
	if a.Status != 0 {
		return nil, grpcStatus(a.Status)
	}
	md, _ := metadata.FromIncomingContext(ctx)
	g.add(Request{Header: http.Header(md), Body: req})
	return &coltracepb.ExportTraceServiceResponse{}, nil
}
