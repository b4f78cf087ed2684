package defaulttransport

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// base answers every request with the names of the layers it went through.
type base struct{}

func (base) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(r.Header.Get("X-Layers")))}, nil
}

type layer struct {
	name string
	next http.RoundTripper
	off  atomic.Bool
}

func (l *layer) RoundTrip(r *http.Request) (*http.Response, error) {
	if !l.off.Load() {
		r = r.Clone(r.Context())
		r.Header.Set("X-Layers", r.Header.Get("X-Layers")+l.name)
	}
	return l.next.RoundTrip(r)
}

func (l *layer) Off() { l.off.Store(true) }

func wrapAs(name string) Wrap {
	return func(next http.RoundTripper) Layer { return &layer{name: name, next: next} }
}

// through returns the layers a request through http.DefaultTransport passes, outermost first.
func through(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func withBase(t *testing.T) http.RoundTripper {
	orig := http.DefaultTransport
	b := base{}
	http.DefaultTransport = b
	t.Cleanup(func() { http.DefaultTransport = orig; current = nil })
	return b
}

func TestUndoInEitherOrderRestoresTheOriginal(t *testing.T) {
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		b := withBase(t)
		undos := []func(){Install("a", wrapAs("a")), Install("b", wrapAs("b"))}
		if got := through(t); got != "ba" {
			t.Fatalf("through %q, want b then a", got)
		}
		undos[order[0]]()
		want := map[int]string{0: "b", 1: "a"}[order[0]]
		if got := through(t); got != want {
			t.Errorf("after undoing %d: through %q, want %q", order[0], got, want)
		}
		undos[order[0]]() // idempotent
		undos[order[1]]()
		if http.DefaultTransport != b {
			t.Errorf("after both undos http.DefaultTransport is %T, not the original", http.DefaultTransport)
		}
		if got := through(t); got != "" {
			t.Errorf("after both undos: through %q", got)
		}
	}
}

func TestInstallAgainReplacesInPlace(t *testing.T) {
	b := withBase(t)
	undoA := Install("a", wrapAs("a"))
	undoB := Install("b", wrapAs("b"))
	undoA2 := Install("a", wrapAs("A"))
	if got := through(t); got != "bA" {
		t.Fatalf("through %q, want b outside the new a", got)
	}
	undoA() // the replaced layer's undo does nothing
	if got := through(t); got != "bA" {
		t.Errorf("the first a's undo changed the chain: %q", got)
	}
	undoB()
	undoA2()
	if http.DefaultTransport != b {
		t.Errorf("http.DefaultTransport is %T, not the original", http.DefaultTransport)
	}
}

func TestWrappedBySomeoneElseSwitchesOff(t *testing.T) {
	withBase(t)
	undoA := Install("a", wrapAs("a"))
	foreign := &layer{name: "f", next: http.DefaultTransport}
	http.DefaultTransport = foreign
	undoA()
	if http.DefaultTransport != foreign {
		t.Fatalf("undo replaced the foreign wrapper with %T", http.DefaultTransport)
	}
	if got := through(t); got != "f" {
		t.Errorf("through %q: the undone layer still works", got)
	}
	// Installing again wraps the foreign wrapper; undoing it restores the wrapper.
	undoB := Install("b", wrapAs("b"))
	if got := through(t); got != "bf" {
		t.Errorf("through %q, want b then f", got)
	}
	undoB()
	if http.DefaultTransport != foreign {
		t.Errorf("http.DefaultTransport is %T, want the foreign wrapper", http.DefaultTransport)
	}
}
