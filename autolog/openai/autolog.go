package openai

import (
	"net/http"
	"sync"

	"github.com/agentlens/agentlens/autolog"
)

func init() {
	autolog.Register("openai", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// global is the transport Autolog installed as http.DefaultTransport, and what it replaced.
var global struct {
	mu        sync.Mutex
	installed *Transport
	orig      http.RoundTripper
}

// Autolog traces OpenAI API calls made through http.DefaultTransport, which go-openai's and
// openai-go's default clients (and any *http.Client without a transport of its own) use. It
// returns a function that undoes it. Calling it again changes the options without wrapping
// twice; undo restores the original transport. Call it at start-up, before requests run.
func Autolog(opts ...Option) (undo func()) {
	global.mu.Lock()
	defer global.mu.Unlock()
	if global.installed != nil && http.DefaultTransport == global.installed {
		global.installed.off.Store(true)
		global.installed = NewTransport(global.orig, opts...)
	} else {
		if global.installed != nil {
			// Something wrapped our transport since: leave it in place, switched off.
			global.installed.off.Store(true)
		}
		global.orig = http.DefaultTransport
		global.installed = NewTransport(global.orig, opts...)
	}
	http.DefaultTransport = global.installed
	return unautolog
}

// unautolog undoes Autolog; it is idempotent.
func unautolog() {
	global.mu.Lock()
	defer global.mu.Unlock()
	if global.installed == nil {
		return
	}
	global.installed.off.Store(true)
	if http.DefaultTransport == global.installed {
		http.DefaultTransport = global.orig
	}
	global.installed, global.orig = nil, nil
}

// Middleware returns an openai-go middleware (option.WithMiddleware(openai.Middleware()))
// that traces the client's calls.
func Middleware(opts ...Option) func(*http.Request, func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	cfg := newConfig(opts)
	return func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return roundTrip(&cfg, req, next)
	}
}
