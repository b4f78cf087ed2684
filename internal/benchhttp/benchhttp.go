// Package benchhttp is what the HTTP adapters' benchmarks share: the transports a call is
// timed through, over the same kind of base transport (a plain *http.Transport with
// keep-alive connections to a loopback server), and the timing loop. Only benchmarks use it.
//
//   - untraced: the base transport alone;
//   - agentlens: the adapter's transport over it, tracing configured with sdk.Override and a
//     discarding logger, so each call is a whole trace, assembled and handed to no
//     destination;
//   - otelhttp: otelhttp.NewTransport over it, with an OpenTelemetry SDK TracerProvider that
//     has no exporter.
package benchhttp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/agentlens/agentlens/core/sdk"
)

// Modes are the ways a call is timed.
var Modes = []string{"untraced", "agentlens", "otelhttp"}

// Transport returns mode's transport over a fresh keep-alive *http.Transport; traced makes
// the adapter's transport over a base.
func Transport(b *testing.B, mode string, traced func(base http.RoundTripper) http.RoundTripper) http.RoundTripper {
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(base.CloseIdleConnections)
	switch mode {
	case "agentlens":
		restore, err := sdk.Override(sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(restore)
		if !sdk.Enabled() {
			sdk.Enable()
			b.Cleanup(sdk.Disable)
		}
		return traced(base)
	case "otelhttp":
		tp := sdktrace.NewTracerProvider()
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		return otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp))
	}
	return base
}

// Loop times call, after one untimed call that opens the connection, with allocations
// reported.
func Loop(b *testing.B, call func()) {
	call()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}
