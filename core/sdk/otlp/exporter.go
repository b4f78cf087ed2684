package otlp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
)

// Exporter is an sdk.Destination that sends traces to an OTLP endpoint (a collector,
// Jaeger, Grafana Tempo, a vendor's intake) through the official OpenTelemetry clients.
// Failures that may pass (no connection, 429, 5xx, gRPC UNAVAILABLE...) are returned as
// sdk.RetryableError, with the endpoint's Retry-After, so that the SDK retries them; the
// clients' own retries are off so that one policy rules. It is safe for concurrent use.
type Exporter struct {
	name     string
	client   otlptrace.Client
	resource *resourcepb.Resource
	observe  bool // the HTTP client reports statuses through the request context

	stopOnce sync.Once
}

var (
	_ sdk.Destination      = (*Exporter)(nil)
	_ sdk.BatchDestination = (*Exporter)(nil)
)

// New returns an Exporter configured by opts over the environment (the OTEL_EXPORTER_OTLP_*
// variables, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES). It does not connect: the first
// export does.
func New(opts ...Option) (*Exporter, error) {
	return newExporter(append([]Option{withGetenv(os.Getenv)}, opts...))
}

func newExporter(opts []Option) (*Exporter, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	getenv := c.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	e := &Exporter{name: c.name, resource: newResource(&c, getenv)}
	switch {
	case c.client != nil:
		e.client = c.client
	case c.protocol == ProtocolGRPC:
		e.client = newGRPCClient(&c)
	default:
		e.client, err = newHTTPClient(&c, getenv)
		if err != nil {
			return nil, err
		}
		e.observe = true
	}
	// Start connects nothing for either official client (gRPC dials lazily).
	if err := e.client.Start(context.Background()); err != nil {
		return nil, fmt.Errorf("agentlens: OTLP client: %w", err)
	}
	return e, nil
}

func newGRPCClient(c *config) otlptrace.Client {
	opts := []otlptracegrpc.Option{
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
		otlptracegrpc.WithTimeout(c.timeout),
	}
	if c.endpointURL != "" {
		opts = append(opts, otlptracegrpc.WithEndpointURL(c.endpointURL))
	}
	if c.insecure {
		opts = append(opts, otlptracegrpc.WithInsecure())
	}
	if len(c.headers) > 0 {
		opts = append(opts, otlptracegrpc.WithHeaders(c.headers))
	}
	if c.gzip != nil {
		if *c.gzip {
			opts = append(opts, otlptracegrpc.WithCompressor("gzip"))
		} else {
			opts = append(opts, otlptracegrpc.WithCompressor("none"))
		}
	}
	return otlptracegrpc.NewClient(opts...)
}

func newHTTPClient(c *config, getenv func(string) string) (otlptrace.Client, error) {
	rt := c.transport
	if rt == nil {
		tr := exportTransport()
		tlsCfg, err := tlsFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = tlsCfg
		rt = tr
	}
	opts := []otlptracehttp.Option{
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}),
		otlptracehttp.WithTimeout(c.timeout),
		// Our own client, so that statuses and Retry-After reach the retry policy.
		otlptracehttp.WithHTTPClient(&http.Client{Transport: observer{rt}, Timeout: c.timeout}),
	}
	if c.endpointURL != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(c.endpointURL))
	}
	if c.insecure {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	if len(c.headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(c.headers))
	}
	if c.gzip != nil {
		if *c.gzip {
			opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		} else {
			opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.NoCompression))
		}
	}
	return otlptracehttp.NewClient(opts...), nil
}

// exportTransport is a transport of the exporter's own, as net/http's default one is made:
// never http.DefaultTransport, which HTTP instrumentation may wrap.
func exportTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// tlsFromEnv reads the certificate variables the official client would read had it made
// the HTTP client itself.
func tlsFromEnv(getenv func(string) string) (*tls.Config, error) {
	ca := firstEnv(getenv, EnvTracesCertificate, EnvCertificate)
	cert := firstEnv(getenv, EnvTracesClientCert, EnvClientCertificate)
	key := firstEnv(getenv, EnvTracesClientKey, EnvClientKey)
	if ca == "" && cert == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("agentlens: OTLP certificate: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("agentlens: OTLP certificate %s holds no PEM certificate", ca)
		}
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("agentlens: OTLP client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// Name names the exporter in logs and sdk.Stats.
func (e *Exporter) Name() string { return e.name }

// Export sends one trace.
func (e *Exporter) Export(ctx context.Context, t *tracedata.Trace) error {
	return e.ExportBatch(ctx, []*tracedata.Trace{t})
}

// ExportBatch sends the spans of several traces in one request.
func (e *Exporter) ExportBatch(ctx context.Context, traces []*tracedata.Trace) error {
	return e.Upload(ctx, ResourceSpans(e.resource, traces...))
}

// HTTPStatusError is an OTLP/HTTP export the endpoint refused for good (a 4xx other than
// 429), with its status code.
type HTTPStatusError struct {
	Code int
	Err  error
}

func (e *HTTPStatusError) Error() string { return e.Err.Error() }
func (e *HTTPStatusError) Unwrap() error { return e.Err }

// Upload sends OTLP spans as they are, classifying failures for the retry policy.
func (e *Exporter) Upload(ctx context.Context, rs []*tracepb.ResourceSpans) error {
	var out *outcome
	if e.observe {
		out = &outcome{}
		ctx = context.WithValue(ctx, outcomeKey{}, out)
	}
	err := e.client.UploadTraces(ctx, rs)
	if err == nil || ctx.Err() != nil {
		return err
	}
	var re *sdk.RetryableError
	if errors.As(err, &re) {
		return err
	}
	if out != nil {
		out.mu.Lock()
		code, after := out.status, out.retryAfter
		out.mu.Unlock()
		switch {
		case code == 0: // no answer: refused, reset, closed mid-request
			return sdk.Retryable(err, 0)
		case code == http.StatusTooManyRequests || code >= 500:
			return sdk.Retryable(err, after)
		}
		return &HTTPStatusError{Code: code, Err: err}
	}
	if s, ok := status.FromError(err); ok {
		return classifyGRPC(s, err)
	}
	return err
}

func classifyGRPC(s *status.Status, err error) error {
	var after time.Duration
	hinted := false
	for _, d := range s.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			after, hinted = ri.RetryDelay.AsDuration(), true
		}
	}
	switch s.Code() {
	case codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.OutOfRange, codes.Unavailable, codes.DataLoss:
		return sdk.Retryable(err, after)
	case codes.ResourceExhausted:
		if hinted {
			return sdk.Retryable(err, after)
		}
	}
	return err
}

// Shutdown stops the client.
func (e *Exporter) Shutdown(ctx context.Context) error {
	var err error
	e.stopOnce.Do(func() { err = e.client.Stop(ctx) })
	return err
}

// DefaultBatchDelay is how long a batch waits for more traces before it is sent.
const DefaultBatchDelay = 200 * time.Millisecond

// BatchDelay tells the SDK to gather traces for up to DefaultBatchDelay into one request.
func (e *Exporter) BatchDelay() time.Duration { return DefaultBatchDelay }
