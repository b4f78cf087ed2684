package mlflow_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/mlflow"
	"github.com/agentlens/agentlens/internal/defaulttransport"
)

type counting struct {
	base http.RoundTripper
	n    *atomic.Int64
}

func (c counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}
func (counting) Off() {}

// The REST calls and the OTLP upload never go through http.DefaultTransport, which the
// HTTP adapters wrap.
func TestExportTrafficBypassesDefaultTransport(t *testing.T) {
	var n atomic.Int64
	undo := defaulttransport.Install("counting", func(base http.RoundTripper) defaulttransport.Layer { return counting{base, &n} })
	defer undo()
	srv := newFakeMLflow()
	defer srv.Close()
	e, err := mlflow.New(mlflow.WithTrackingURI(srv.URL), mlflow.WithExperimentName("new"))
	require.NoError(t, err)
	restore, err := sdk.Override(sdk.WithDestinations(e))
	require.NoError(t, err)
	runAgent()
	require.NoError(t, sdk.Flush(context.Background()))
	restore()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Len(t, srv.calls, 4)
	assert.Zero(t, n.Load())
}
