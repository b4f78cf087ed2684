package otlp

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
)

// Protocol is an OTLP transport, named as OTEL_EXPORTER_OTLP_PROTOCOL names it.
type Protocol string

// Protocols the exporter speaks.
const (
	ProtocolHTTP Protocol = "http/protobuf"
	ProtocolGRPC Protocol = "grpc"
)

// Environment variables the exporter reads besides the ones the official OTLP clients read
// themselves (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _COMPRESSION, _INSECURE).
const (
	EnvEndpoint           = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvTracesEndpoint     = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	EnvProtocol           = "OTEL_EXPORTER_OTLP_PROTOCOL"
	EnvTracesProtocol     = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	EnvTimeout            = "OTEL_EXPORTER_OTLP_TIMEOUT"
	EnvTracesTimeout      = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"
	EnvCertificate        = "OTEL_EXPORTER_OTLP_CERTIFICATE"
	EnvTracesCertificate  = "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE"
	EnvClientCertificate  = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"
	EnvTracesClientCert   = "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE"
	EnvClientKey          = "OTEL_EXPORTER_OTLP_CLIENT_KEY"
	EnvTracesClientKey    = "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY"
	EnvServiceName        = "OTEL_SERVICE_NAME"
	EnvResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES"
)

// DefaultTimeout bounds one upload, as the OTLP specification's default.
const DefaultTimeout = 10 * time.Second

type config struct {
	name        string
	protocol    Protocol
	endpointURL string
	headers     map[string]string
	insecure    bool
	gzip        *bool
	timeout     time.Duration
	service     string
	resource    map[string]string
	client      otlptrace.Client
	transport   http.RoundTripper
	getenv      func(string) string
}

// Option configures an Exporter. Options win over the environment.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithProtocol sets the transport (default: $OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else
// $OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf, the OpenTelemetry default; note that
// MLflow's Python SDK defaults to grpc).
func WithProtocol(p Protocol) Option { return optionFunc(func(c *config) { c.protocol = p }) }

// WithEndpointURL sets where spans go: for http/protobuf the full URL of the traces endpoint
// (http://localhost:4318/v1/traces), for grpc the collector's URL (http://localhost:4317).
// An http:// URL sends in plain text.
func WithEndpointURL(u string) Option { return optionFunc(func(c *config) { c.endpointURL = u }) }

// WithHeaders adds headers to every upload (for example an API key of a hosted backend).
func WithHeaders(h map[string]string) Option {
	return optionFunc(func(c *config) {
		if c.headers == nil {
			c.headers = map[string]string{}
		}
		for k, v := range h {
			c.headers[k] = v
		}
	})
}

// WithInsecure sends without TLS to an endpoint given without a scheme.
func WithInsecure() Option { return optionFunc(func(c *config) { c.insecure = true }) }

// WithGzip turns gzip compression of uploads on or off (default: $OTEL_EXPORTER_OTLP_COMPRESSION).
func WithGzip(on bool) Option { return optionFunc(func(c *config) { c.gzip = &on }) }

// WithTimeout bounds one upload (default: $OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT in
// milliseconds, else 10s).
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	})
}

// WithServiceName sets the service.name of the resource (default: $OTEL_SERVICE_NAME, else
// service.name in $OTEL_RESOURCE_ATTRIBUTES, else "unknown_service:<program>").
func WithServiceName(name string) Option { return optionFunc(func(c *config) { c.service = name }) }

// WithResourceAttributes adds attributes to the resource, over $OTEL_RESOURCE_ATTRIBUTES.
func WithResourceAttributes(attrs map[string]string) Option {
	return optionFunc(func(c *config) {
		if c.resource == nil {
			c.resource = map[string]string{}
		}
		for k, v := range attrs {
			c.resource[k] = v
		}
	})
}

// WithName names the exporter in logs and sdk.Stats (default "otlp <protocol>").
func WithName(name string) Option { return optionFunc(func(c *config) { c.name = name }) }

// WithClient sends through an otlptrace.Client of your own instead of the official
// http/protobuf or grpc client this package makes. Its errors are retried when they wrap
// sdk.RetryableError.
func WithClient(client otlptrace.Client) Option {
	return optionFunc(func(c *config) { c.client = client })
}

// WithTransport sets the HTTP transport of the http/protobuf client (default: a transport
// of the exporter's own, never http.DefaultTransport, so that HTTP instrumentation that
// wraps the default transport never sees export traffic).
func WithTransport(rt http.RoundTripper) Option {
	return optionFunc(func(c *config) { c.transport = rt })
}

// withGetenv reads the environment through getenv (tests, the SDK's registration).
func withGetenv(getenv func(string) string) Option {
	return optionFunc(func(c *config) { c.getenv = getenv })
}

func newConfig(opts []Option) (config, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	getenv := c.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if c.protocol == "" {
		c.protocol = Protocol(firstEnv(getenv, EnvTracesProtocol, EnvProtocol))
		if c.protocol == "" {
			c.protocol = ProtocolHTTP
		}
	}
	switch c.protocol {
	case ProtocolHTTP, ProtocolGRPC:
	case "http/json":
		return c, fmt.Errorf("agentlens: OTLP protocol http/json is not supported by the official Go exporters; use http/protobuf or grpc")
	default:
		return c, fmt.Errorf("agentlens: OTLP protocol %q: want http/protobuf or grpc", c.protocol)
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
		if v := firstEnv(getenv, EnvTracesTimeout, EnvTimeout); v != "" {
			ms, err := strconv.Atoi(v)
			if err != nil || ms <= 0 {
				return c, fmt.Errorf("agentlens: OTLP timeout %q: want a positive number of milliseconds", v)
			}
			c.timeout = time.Duration(ms) * time.Millisecond
		}
	}
	if c.name == "" {
		c.name = "otlp " + string(c.protocol)
	}
	return c, nil
}

// firstEnv returns the first of the variables that is set.
func firstEnv(getenv func(string) string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
	}
	return ""
}
