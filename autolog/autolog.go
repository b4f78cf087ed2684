// Package autolog turns on automatic tracing for every instrumentation adapter the program
// imports, in one line:
//
//	import (
//		"github.com/agentlens/agentlens/autolog"
//		_ "github.com/agentlens/agentlens/autolog/openai"
//		"github.com/agentlens/agentlens/core/sdk"
//	)
//
//	func main() {
//		defer sdk.Shutdown(context.Background()) // flushes; at most 30s without a deadline
//		undo := autolog.Enable()
//		defer undo()
//		...
//	}
//
// Adapters register themselves in their init, as database/sql drivers do; each also has a
// one-liner of its own (openai.Autolog()). Options given to Enable apply to every adapter.
// Enable turns adapters on in the order of their names and its undo turns them off in
// reverse.
package autolog

import (
	"slices"
	"sync"
)

// Config is what Enable's options set, handed to every adapter.
type Config struct {
	// CaptureContent, when set, overrides the SDK's content capture for the adapters' spans:
	// false records no prompts, completions or payloads.
	CaptureContent *bool
}

// Option configures Enable.
type Option interface {
	apply(*Config)
}

type optionFunc func(*Config)

func (f optionFunc) apply(c *Config) { f(c) }

// WithCaptureContent turns the recording of prompts, completions and other payloads on or
// off for every adapter (default: the SDK's setting, AGENTLENS_CAPTURE_CONTENT).
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *Config) { c.CaptureContent = &on })
}

// EnableFunc turns an adapter on with cfg and returns the function that turns it off.
// It must be safe to call more than once (the adapter is then on once).
type EnableFunc func(cfg Config) (undo func())

var (
	mu       sync.Mutex
	adapters = map[string]EnableFunc{}
	// undos undo what Enable turned on, in the order it did.
	undos []func()
)

// Register makes an adapter known under name. Adapters call it from init; registering a
// name twice panics, as it is a programming error.
func Register(name string, enable EnableFunc) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := adapters[name]; dup {
		panic("autolog: adapter " + name + " registered twice")
	}
	adapters[name] = enable
}

// Registered lists the registered adapters, sorted: the order Enable turns them on in.
func Registered() []string {
	mu.Lock()
	defer mu.Unlock()
	return registered()
}

func registered() []string {
	names := make([]string, 0, len(adapters))
	for n := range adapters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Enable turns on every registered adapter, in the order of their names, and returns a
// function that turns them off again (as Disable does). Enabling again first undoes what the
// previous Enable did, then enables with the new options.
func Enable(opts ...Option) (undo func()) {
	var cfg Config
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	disable()
	for _, name := range registered() {
		undos = append(undos, adapters[name](cfg))
	}
	return Disable
}

// Disable turns off every adapter Enable turned on, in the reverse of the order it turned
// them on.
func Disable() {
	mu.Lock()
	defer mu.Unlock()
	disable()
}

func disable() {
	for i := len(undos) - 1; i >= 0; i-- {
		undos[i]()
	}
	undos = nil
}
