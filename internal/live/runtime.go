package live

import (
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Settings are what a configuration fixes about recording.
type Settings struct {
	// CaptureContent records inputs, outputs and chunk values.
	CaptureContent bool
	// MaxPayloadBytes caps every attribute value (0: no cap).
	MaxPayloadBytes int
	// SamplingRatio is the share of new traces recorded, decided per trace.
	SamplingRatio float64
	// MaxOpenTraces and MaxSpansPerTrace bound memory; beyond them spans are not recorded.
	MaxOpenTraces    int
	MaxSpansPerTrace int
	// TraceTimeout ends a trace still open after it (0: never).
	TraceTimeout time.Duration
	// Logger receives internal failures, rate-limited per kind (see Fail).
	Logger *slog.Logger
	// OnError, when set, receives every internal failure, on the goroutine where it
	// happened: it must be quick and safe for concurrent use.
	OnError func(kind string, err error)
}

// Runtime is one configuration of recording: its settings, the traces it has open, and
// where completed traces go. Spans keep the runtime they started in, so a reconfiguration
// never moves a trace half-way.
type Runtime struct {
	Settings
	// Owner is the SDK's own value for this configuration.
	Owner any
	// Stats counts what happened to traces and spans.
	Stats Counters

	complete func(*Trace)

	mu   sync.Mutex
	open map[string]*Trace

	sweepOnce sync.Once
	sweepStop chan struct{}
	sweepDone chan struct{}
	stopOnce  sync.Once
}

// NewRuntime returns a runtime with settings s. complete receives each trace whose root span
// ended, on the goroutine that ended it: it must not block.
func NewRuntime(s Settings, complete func(*Trace)) *Runtime {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	return &Runtime{
		Settings:  s,
		complete:  complete,
		open:      make(map[string]*Trace),
		sweepStop: make(chan struct{}),
		sweepDone: make(chan struct{}),
	}
}

var (
	active   atomic.Pointer[Runtime]
	disabled atomic.Bool
	defaults atomic.Pointer[func() *Runtime]
	// installMu makes the first use's configuration happen once.
	installMu sync.Mutex
	// lastActive holds the id of the trace whose root span ended last.
	lastActive atomic.Pointer[string]
)

// SetDefault registers how the first span configures recording when nothing is installed
// yet (the SDK configures from the environment). Without it nothing is ever recorded.
func SetDefault(configure func() *Runtime) { defaults.Store(&configure) }

// Install makes rt the runtime new traces start in and returns the previous one. A nil rt
// leaves recording to the default configuration again.
func Install(rt *Runtime) (previous *Runtime) {
	installMu.Lock()
	defer installMu.Unlock()
	return active.Swap(rt)
}

// Installed returns the runtime new traces start in, nil when none is installed yet.
func Installed() *Runtime { return active.Load() }

// Current returns the runtime new traces start in, configuring the default one on first
// use; nil when no SDK registered a default.
func Current() *Runtime {
	if rt := active.Load(); rt != nil {
		return rt
	}
	f := defaults.Load()
	if f == nil {
		return nil
	}
	installMu.Lock()
	defer installMu.Unlock()
	if rt := active.Load(); rt != nil {
		return rt
	}
	rt := (*f)()
	active.Store(rt)
	return rt
}

// HasSDK reports whether an SDK registered itself, so that spans can be recorded at all.
func HasSDK() bool { return defaults.Load() != nil || active.Load() != nil }

// SetEnabled switches recording on or off for every runtime. Spans already started still end
// and export normally.
func SetEnabled(on bool) { disabled.Store(!on) }

// Enabled reports whether recording is on.
func Enabled() bool { return !disabled.Load() }

// LastActiveTraceID returns the id of the trace that completed last, "" when none has.
func LastActiveTraceID() string {
	if p := lastActive.Load(); p != nil {
		return *p
	}
	return ""
}

// sample decides whether a new trace is recorded.
func (rt *Runtime) sample() bool {
	r := rt.SamplingRatio
	return r >= 1 || (r > 0 && rand.Float64() < r)
}

// Lookup returns the open trace with the given id, or nil.
func (rt *Runtime) Lookup(traceID string) *Trace {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.open[traceID]
}
