// Package lcgdefault lets an HTTP adapter reach langchaingo's LLMs that were given no HTTP
// client of the program's. They send through langchaingo's httputil.DefaultClient, whose
// transport (httputil.DefaultTransport) sends through an inner transport that is the
// http.DefaultTransport of when the program started: wrapping http.DefaultTransport later,
// as the adapters' Autolog does, does not reach them. Install wraps that inner transport.
//
// autolog/langchaingo's Autolog puts a bridge there that runs the HTTP adapters itself,
// under the framework's spans (one model call, one model span): Install leaves a Bridge that
// traces the adapter alone, and a bridge installed over an adapter's layer is outside it,
// where it belongs (the layer below then passes the bridged calls through).
package lcgdefault

import (
	"net/http"
	"sync"

	lcghttp "github.com/tmc/langchaingo/httputil"

	"github.com/agentlens/agentlens/internal/defaulttransport"
)

// Bridge is a framework adapter's inner transport that runs HTTP adapters itself.
type Bridge interface {
	http.RoundTripper
	// TracesHTTP reports whether the bridge runs the HTTP adapter of that name ("openai",
	// "anthropic") under its spans.
	TracesHTTP(adapter string) bool
}

type installed struct {
	layer defaulttransport.Layer
	prev  http.RoundTripper // the inner transport it wraps
}

var (
	mu     sync.Mutex
	layers = map[string]*installed{}
)

// Install wraps the inner transport of langchaingo's httputil.DefaultTransport with the
// layer wrap makes, under name, and returns the function that undoes it (idempotent):
// the inner transport is put back if it is still the layer, and the layer is switched off
// (a pass-through) otherwise. Installing a name again replaces its layer when it is still
// the inner transport. Nothing is installed when httputil.DefaultTransport is not
// langchaingo's own (the program replaced it: ok is false), or when the inner transport is
// a Bridge that runs this adapter already.
func Install(name string, wrap defaulttransport.Wrap) (undo func(), ok bool) {
	t, ok := lcghttp.DefaultTransport.(*lcghttp.Transport)
	if !ok {
		return func() {}, false
	}
	mu.Lock()
	defer mu.Unlock()
	prev := t.Transport
	if old := layers[name]; old != nil {
		old.layer.Off()
		delete(layers, name)
		if prev == http.RoundTripper(old.layer) {
			prev = old.prev
		}
	}
	if b, isBridge := prev.(Bridge); isBridge && b.TracesHTTP(name) {
		return func() {}, true
	}
	in := &installed{layer: wrap(prev), prev: prev}
	t.Transport = in.layer
	layers[name] = in
	return func() { uninstall(t, name, in) }, true
}

func uninstall(t *lcghttp.Transport, name string, in *installed) {
	mu.Lock()
	defer mu.Unlock()
	if layers[name] != in {
		return // undone already, or replaced
	}
	delete(layers, name)
	in.layer.Off()
	if t.Transport == http.RoundTripper(in.layer) {
		t.Transport = in.prev
	}
}
