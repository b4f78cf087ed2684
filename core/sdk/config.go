package sdk

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
)

// Environment variables read when tracing is configured.
const (
	EnvCaptureContent  = "AGENTLENS_CAPTURE_CONTENT"
	EnvMaxPayloadBytes = "AGENTLENS_MAX_PAYLOAD_BYTES"
	EnvSamplingRatio   = "MLFLOW_TRACE_SAMPLING_RATIO"
	EnvTraceTimeout    = "MLFLOW_TRACE_TIMEOUT_SECONDS"
	EnvExperimentID    = "MLFLOW_EXPERIMENT_ID"
	EnvExperimentName  = "MLFLOW_EXPERIMENT_NAME"
	EnvStore           = "AGENTLENS_STORE"
)

// Defaults of the bounded buffers.
const (
	DefaultQueueSize        = 2048
	DefaultMaxOpenTraces    = 10000
	DefaultMaxSpansPerTrace = 10000
	// DefaultTraceTimeout ends a trace left open this long (MLflow keeps unfinished traces
	// in memory for an hour too); MLFLOW_TRACE_TIMEOUT_SECONDS or WithTraceTimeout changes it.
	DefaultTraceTimeout = time.Hour
)

type config struct {
	destinations     []Destination
	samplingRatio    float64
	traceTimeout     time.Duration
	captureContent   bool
	maxPayloadBytes  int
	redact           func(*tracedata.Span)
	prices           *priceTable // nil: no span is priced
	experimentID     string
	experimentName   string
	storePath        string // "" when the local store is off
	queueSize        int
	maxOpenTraces    int
	maxSpansPerTrace int
	logger           *slog.Logger
	onError          func(kind string, err error)
	retry            RetryPolicy
	exportTimeout    time.Duration
	shutdownTimeout  time.Duration
	// envDestinations are the destinations the environment asks for (OTLP, MLflow),
	// made by the packages that registered with RegisterEnvDestination.
	envDestinations []Destination
	envWarnings     []string
}

// Option configures tracing; see Configure.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithDestinations sets where finished traces go besides the local store (see WithStore).
// Nil destinations are ignored.
func WithDestinations(ds ...Destination) Option {
	return optionFunc(func(c *config) {
		c.destinations = c.destinations[:0:0]
		for _, d := range ds {
			if d != nil {
				c.destinations = append(c.destinations, d)
			}
		}
	})
}

// WithSamplingRatio keeps each new trace with probability ratio (0 to 1; default 1).
// The decision is made once per trace: a trace is kept or dropped whole.
func WithSamplingRatio(ratio float64) Option {
	return optionFunc(func(c *config) { c.samplingRatio = ratio })
}

// WithTraceTimeout ends a trace that is still open after d: its open spans end with status
// ERROR ("timed out ...") and the trace is exported. Zero or less turns the timeout off.
func WithTraceTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.traceTimeout = d })
}

// WithCaptureContent turns the recording of inputs, outputs and stream chunk values on or off
// (default on). With it off, spans keep their names, types, timings, statuses and token usage.
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *config) { c.captureContent = on })
}

// WithMaxPayloadBytes caps every recorded value at n bytes as it is stored (JSON text, so a
// string's quotes and escapes count); longer values are cut and end with a visible
// "...[truncated, N bytes total]" marker, where N counts the bytes of the whole value's JSON
// encoding. Zero or less means no cap. Below about 64 bytes the marker alone may exceed n.
func WithMaxPayloadBytes(n int) Option {
	return optionFunc(func(c *config) { c.maxPayloadBytes = n })
}

// WithRedaction installs a hook that sees every span before export and may rewrite or delete
// anything it holds: its attributes (inputs, outputs, ...), its events (an exception event's
// message, a stream chunk's value), its name and its status, whose message carries the text
// of errors. It runs on the export goroutine, before previews are computed, so redacted
// content reaches no destination. If the hook panics, the trace is dropped rather than
// exported unredacted.
func WithRedaction(hook func(span *tracedata.Span)) Option {
	return optionFunc(func(c *config) {
		if hook != nil {
			c.redact = hook
		}
	})
}

// WithStore sets the path of the local trace store, the default destination of every trace
// (default: $AGENTLENS_STORE, else ./agentlens.db). "" or "off" turns the store off; traces
// then go only to the other destinations. A program built with -tags agentlens_nostore has no
// local store: its default is off, and a path is an error.
func WithStore(path string) Option {
	return optionFunc(func(c *config) {
		if path == "off" {
			path = ""
		}
		c.storePath = path
	})
}

// WithExperimentName makes traces belong to the experiment of that name in the local store,
// creating it if needed (default: $MLFLOW_EXPERIMENT_NAME). It needs the local store.
func WithExperimentName(name string) Option {
	return optionFunc(func(c *config) { c.experimentName = name })
}

// WithExperimentID sets the MLflow experiment traces belong to (default "0").
func WithExperimentID(id string) Option {
	return optionFunc(func(c *config) {
		if id != "" {
			c.experimentID = id
		}
	})
}

// WithQueueSize bounds the number of finished traces waiting for export (default 2048).
// When the queue is full, traces are dropped and counted, never waited for.
func WithQueueSize(n int) Option {
	return optionFunc(func(c *config) { c.queueSize = n })
}

// WithMaxOpenTraces bounds the traces open at once (default 10000); new traces beyond it are
// not recorded and are counted as dropped.
func WithMaxOpenTraces(n int) Option {
	return optionFunc(func(c *config) { c.maxOpenTraces = n })
}

// WithMaxSpansPerTrace bounds the spans of one trace (default 10000); spans beyond it are
// not recorded and are counted as dropped.
func WithMaxSpansPerTrace(n int) Option {
	return optionFunc(func(c *config) { c.maxSpansPerTrace = n })
}

// WithLogger sets where internal failures are logged (default slog.Default()). The first
// failure of each kind is logged at once, later ones at most once a minute per kind, with the
// number only counted since; all are counted in Stats.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithErrorHandler sets a function that receives every internal failure, as
// OpenTelemetry's otel.SetErrorHandler does, besides the rate-limited log: kind names what
// failed ("export *sdk.MemoryDestination", "autolog/openai: stream chunk", ...). It is called
// on the goroutine where the failure happened, traced code's included, so it must be quick
// and safe for concurrent use; a panic in it is logged and goes no further.
func WithErrorHandler(h func(kind string, err error)) Option {
	return optionFunc(func(c *config) { c.onError = h })
}

// newConfig builds a configuration from the environment (looked up with getenv) and then
// the options, which win. A malformed environment value is an error naming the variable.
// A nil getenv reads no environment at all (Override): the local store is then off.
func newConfig(getenv func(string) string, opts []Option) (config, error) {
	c := config{
		samplingRatio:    1,
		traceTimeout:     DefaultTraceTimeout,
		captureContent:   true,
		experimentID:     "0",
		queueSize:        DefaultQueueSize,
		maxOpenTraces:    DefaultMaxOpenTraces,
		maxSpansPerTrace: DefaultMaxSpansPerTrace,
		logger:           slog.Default(),
		retry:            DefaultRetryPolicy,
		exportTimeout:    DefaultExportTimeout,
		shutdownTimeout:  DefaultShutdownTimeout,
	}
	if getenv != nil {
		if err := c.fromEnv(getenv); err != nil {
			return c, err
		}
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c, c.validate()
}

func (c *config) fromEnv(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv(EnvCaptureContent)); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("agentlens: %s=%q: want true or false", EnvCaptureContent, v)
		}
		c.captureContent = on
	}
	if v := strings.TrimSpace(getenv(EnvMaxPayloadBytes)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("agentlens: %s=%q: want a number of bytes (0 for no cap)", EnvMaxPayloadBytes, v)
		}
		c.maxPayloadBytes = n
	}
	if v := strings.TrimSpace(getenv(EnvSamplingRatio)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != f || f < 0 || f > 1 {
			return fmt.Errorf("agentlens: %s=%q: want a number between 0 and 1", EnvSamplingRatio, v)
		}
		c.samplingRatio = f
	}
	if v := strings.TrimSpace(getenv(EnvTraceTimeout)); v != "" {
		// Only a finite number of seconds that a Duration holds: NaN, infinities, negative
		// or huge values would otherwise turn the timeout off without a word. 0 turns it off.
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != f || f < 0 || f > maxTimeoutSeconds {
			return fmt.Errorf("agentlens: %s=%q: want a number of seconds from 0 (no timeout) to %g", EnvTraceTimeout, v, maxTimeoutSeconds)
		}
		c.traceTimeout = time.Duration(f * float64(time.Second))
	}
	if v := strings.TrimSpace(getenv(EnvExperimentID)); v != "" {
		c.experimentID = v
	}
	if v := strings.TrimSpace(getenv(EnvExperimentName)); v != "" {
		c.experimentName = v
	}
	if err := c.destinationsFromEnv(getenv); err != nil {
		return err
	}
	switch v := strings.TrimSpace(getenv(EnvStore)); v {
	case "":
		c.storePath = defaultStorePath
	case "off":
		c.storePath = ""
	default:
		c.storePath = v
	}
	return nil
}

// maxTimeoutSeconds is the largest MLFLOW_TRACE_TIMEOUT_SECONDS taken: about 290 years, the
// most a time.Duration holds, rounded down.
const maxTimeoutSeconds = 9e9

func (c *config) validate() error {
	if c.samplingRatio < 0 || c.samplingRatio > 1 || c.samplingRatio != c.samplingRatio {
		return fmt.Errorf("agentlens: sampling ratio %v is outside [0, 1]", c.samplingRatio)
	}
	if c.queueSize <= 0 {
		return fmt.Errorf("agentlens: queue size %d must be positive", c.queueSize)
	}
	if c.maxOpenTraces <= 0 {
		return fmt.Errorf("agentlens: max open traces %d must be positive", c.maxOpenTraces)
	}
	if c.maxSpansPerTrace <= 0 {
		return fmt.Errorf("agentlens: max spans per trace %d must be positive", c.maxSpansPerTrace)
	}
	return c.prices.validate()
}

// settings is what the configuration fixes about recording.
func (c *config) settings() live.Settings {
	return live.Settings{
		CaptureContent:   c.captureContent,
		MaxPayloadBytes:  c.maxPayloadBytes,
		SamplingRatio:    c.samplingRatio,
		MaxOpenTraces:    c.maxOpenTraces,
		MaxSpansPerTrace: c.maxSpansPerTrace,
		TraceTimeout:     c.traceTimeout,
		Logger:           c.logger,
		OnError:          c.onError,
	}
}

var osGetenv = os.Getenv
