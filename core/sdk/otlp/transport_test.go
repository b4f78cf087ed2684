package otlp_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/internal/defaulttransport"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

// counting is a layer on http.DefaultTransport, as the HTTP adapters install theirs.
type counting struct {
	base http.RoundTripper
	n    *atomic.Int64
}

func (c counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}
func (counting) Off() {}

// TestExportTrafficBypassesDefaultTransport: HTTP adapters wrap http.DefaultTransport, so
// export traffic must not go through it, or exports would be traced and exported in turn.
func TestExportTrafficBypassesDefaultTransport(t *testing.T) {
	var n atomic.Int64
	undo := defaulttransport.Install("counting", func(base http.RoundTripper) defaulttransport.Layer { return counting{base, &n} })
	defer undo()
	recv := otlpreceiver.NewHTTP()
	defer recv.Close()

	// The check sees a request that does use the default transport.
	resp, err := http.Get(recv.URL + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, int64(1), n.Load())

	e, err := otlp.New(otlp.WithEndpointURL(recv.URL + "/v1/traces"))
	require.NoError(t, err)
	defer e.Shutdown(context.Background())
	require.NoError(t, e.Export(context.Background(), sampleTrace()))
	assert.Len(t, recv.Requests(), 1)
	assert.Equal(t, int64(1), n.Load(), "the export went through http.DefaultTransport")
}
