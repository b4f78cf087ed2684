// Package defaulttransport lets several adapters wrap http.DefaultTransport at once and undo
// their wrapping in any order: each undo takes exactly its own layer out of the chain, so that
// when every adapter is undone http.DefaultTransport is what it was before (the original
// *http.Transport, which some programs type-assert).
//
// A layer can only be taken out while the chain is still http.DefaultTransport. When someone
// else has wrapped it since (or replaced it), the chain is no longer ours to rebuild: undoing
// a layer then switches it off, a pass-through to what it wraps, and leaves it in place.
package defaulttransport

import (
	"net/http"
	"sync"
)

// Layer is a transport one adapter put on http.DefaultTransport.
type Layer interface {
	http.RoundTripper
	// Off makes the layer pass every request to the transport it wraps, untouched. It is
	// called when the layer is undone or replaced, and must be safe to call concurrently
	// with RoundTrip.
	Off()
}

// Wrap makes an adapter's layer over base.
type Wrap func(base http.RoundTripper) Layer

type entry struct {
	name  string
	wrap  Wrap
	layer Layer
	chain *chain // nil once undone
}

// chain is the layers installed over base, innermost first, and the transport made of them
// that http.DefaultTransport was set to.
type chain struct {
	base   http.RoundTripper
	layers []*entry
	top    http.RoundTripper
}

var (
	mu      sync.Mutex
	current *chain
)

// Install puts the layer wrap makes on http.DefaultTransport under name and returns the
// function that takes it off again (idempotent). Installing a name that is installed replaces
// its layer in place: the layers installed after it stay outside it.
func Install(name string, wrap Wrap) (undo func()) {
	mu.Lock()
	defer mu.Unlock()
	c := owned()
	if c == nil {
		c = &chain{base: http.DefaultTransport}
		current = c
	}
	e := &entry{name: name, wrap: wrap, chain: c}
	replaced := false
	for i, old := range c.layers {
		if old.name == name {
			old.layer.Off()
			old.chain = nil
			c.layers[i] = e
			replaced = true
			c.rebuild(i)
			break
		}
	}
	if !replaced {
		c.layers = append(c.layers, e)
		c.rebuild(len(c.layers) - 1)
	}
	return func() { uninstall(e) }
}

// owned returns the current chain if it is still http.DefaultTransport, nil otherwise. A
// chain someone wrapped since is forgotten: its layers can only be switched off now.
func owned() *chain {
	if current == nil {
		return nil
	}
	if current.top != http.DefaultTransport {
		for _, e := range current.layers {
			e.chain = nil
		}
		current = nil
		return nil
	}
	return current
}

func uninstall(e *entry) {
	mu.Lock()
	defer mu.Unlock()
	c := e.chain
	if c == nil {
		return // undone already, or replaced
	}
	e.layer.Off()
	e.chain = nil
	if owned() != c {
		// Wrapped by someone else since: the layer stays in place, switched off.
		return
	}
	i := 0
	for c.layers[i] != e {
		i++
	}
	c.layers = append(c.layers[:i], c.layers[i+1:]...)
	if len(c.layers) == 0 {
		http.DefaultTransport = c.base
		current = nil
		return
	}
	c.rebuild(i)
}

// rebuild makes the layers from index from outwards anew over what lies below them and sets
// http.DefaultTransport to the result. Layers below from keep the transports they are.
func (c *chain) rebuild(from int) {
	below := c.base
	if from > 0 {
		below = c.layers[from-1].layer
	}
	for _, e := range c.layers[from:] {
		e.layer = e.wrap(below)
		below = e.layer
	}
	c.top = below
	http.DefaultTransport = below
}
