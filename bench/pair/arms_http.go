package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// The ways an HTTP case's client is set up. Every batch gets a fresh *http.Transport (so a
// fresh keep-alive connection, opened by the warm-up call) under whatever the arm adds.
const (
	modeUntraced  = "untraced"
	modeAgentlens = "agentlens"
	modeStore     = "agentlens + local store"
	modeDisabled  = "agentlens, sdk.Disable()"
	modeOTelHTTP  = "otelhttp + batch processor"
)

// env is what the cases share: the loopback server's URL and where local stores go.
type env struct {
	url      string
	storeDir string
}

// httpArm is an arm of an HTTP case. wrap is the agentlens side (the adapter's transport);
// call makes the operation for a client; traces is how many traces one operation makes.
// name, when not "", replaces the mode as the arm's name.
func (e *env) httpArm(mode, name string, wrap func(http.RoundTripper) http.RoundTripper,
	call func(*http.Client) (func() error, error), traces int) arm {
	if name == "" {
		name = mode
	}
	return arm{name: name, open: func() (*batch, error) {
		base := &http.Transport{MaxIdleConnsPerHost: 4}
		var rt http.RoundTripper = base
		var tr tracing = untraced{}
		switch mode {
		case modeAgentlens, modeStore, modeDisabled:
			store := ""
			if mode == modeStore {
				store = e.newStorePath()
			}
			want := perOp(traces)
			if mode == modeDisabled {
				want = perOp(0)
			}
			t, err := installAgentlens(store, want)
			if err != nil {
				return nil, err
			}
			if mode == modeDisabled {
				t.disable()
			}
			tr, rt = t, wrap(base)
		case modeOTelHTTP:
			t := newOTel(perOp(1))
			tr, rt = t, otelhttp.NewTransport(base, otelhttp.WithTracerProvider(t.tp))
		}
		op, err := call(&http.Client{Transport: rt})
		if err != nil {
			_ = tr.close(0)
			return nil, err
		}
		return &batch{op: op, drain: tr.drain, close: func(ops int) error {
			base.CloseIdleConnections()
			return tr.close(ops)
		}}, nil
	}}
}

var stores atomic.Int64

// newStorePath is the path of a new local store: each batch writes a fresh one, so that the
// figure does not depend on how much earlier batches stored. removeStores deletes them.
func (e *env) newStorePath() string {
	return filepath.Join(e.storeDir, fmt.Sprintf("batch-%d.db", stores.Add(1)))
}

// removeStores deletes the stores of finished batches.
func (e *env) removeStores() {
	files, _ := filepath.Glob(filepath.Join(e.storeDir, "batch-*"))
	for _, f := range files {
		_ = os.Remove(f)
	}
}
