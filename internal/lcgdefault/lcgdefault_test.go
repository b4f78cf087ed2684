package lcgdefault

import (
	"net/http"
	"sync/atomic"
	"testing"

	lcghttp "github.com/tmc/langchaingo/httputil"

	"github.com/agentlens/agentlens/internal/defaulttransport"
)

type layer struct {
	next http.RoundTripper
	off  atomic.Bool
}

func (l *layer) RoundTrip(r *http.Request) (*http.Response, error) { return l.next.RoundTrip(r) }
func (l *layer) Off()                                              { l.off.Store(true) }

func wrap(base http.RoundTripper) defaulttransport.Layer { return &layer{next: base} }

type bridge struct{ http.RoundTripper }

func (bridge) TracesHTTP(name string) bool { return name == "anthropic" }

// The inner transport is wrapped and restored; a second install replaces the first; a layer
// covered since is switched off and stays; a bridge that runs the adapter is left alone.
func TestInstall(t *testing.T) {
	inner := lcghttp.DefaultTransport.(*lcghttp.Transport)
	orig := inner.Transport
	t.Cleanup(func() { inner.Transport = orig })

	undo1, ok := Install("anthropic", wrap)
	first, _ := inner.Transport.(*layer)
	if !ok || first == nil || first.next != orig {
		t.Fatalf("inner transport %T %v", inner.Transport, ok)
	}
	undo2, _ := Install("anthropic", wrap)
	second, _ := inner.Transport.(*layer)
	if second == first || second.next != orig || !first.off.Load() {
		t.Fatalf("a second install should replace the first over the original")
	}
	undo1() // replaced: changes nothing
	if inner.Transport != http.RoundTripper(second) {
		t.Fatal("the undo of a replaced install changed the inner transport")
	}
	undo2()
	undo2()
	if inner.Transport != orig || !second.off.Load() {
		t.Fatal("undo did not restore the inner transport")
	}

	// Covered by a bridge since: switched off, left in place.
	undo, _ := Install("anthropic", wrap)
	mine := inner.Transport.(*layer)
	inner.Transport = bridge{mine}
	undo()
	if _, still := inner.Transport.(bridge); !still || !mine.off.Load() {
		t.Fatal("a covered layer must stay, switched off")
	}
	// A bridge that runs the adapter is left alone.
	undo, _ = Install("anthropic", wrap)
	if _, still := inner.Transport.(bridge); !still {
		t.Fatalf("wrapped the bridge: %T", inner.Transport)
	}
	undo()
	inner.Transport = orig
}
