package otlp_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

// BenchmarkCallWithFailingEndpoint measures what the program feels: one call to a local
// HTTP service (the stand-in for a model call), untraced, traced with a healthy OTLP
// endpoint, and traced while the endpoint is down, answers 500 or never answers. The traced
// figures should stay within 1.05x of the untraced one.
func BenchmarkCallWithFailingEndpoint(b *testing.B) {
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"answer":"42"}`)
	}))
	defer svc.Close()
	client := svc.Client()
	call := func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, svc.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}

	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String() + "/v1/traces"
	dead.Close()
	failing := otlpreceiver.NewHTTP()
	defer failing.Close()
	failing.SetBehavior(func(int) otlpreceiver.Answer { return otlpreceiver.Answer{Status: 500} })
	hanging := otlpreceiver.NewHTTP()
	defer hanging.Close()
	hanging.SetBehavior(func(int) otlpreceiver.Answer { return otlpreceiver.Answer{Hang: true} })
	healthy := otlpreceiver.NewHTTP()
	defer healthy.Close()

	b.Run("untraced", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if err := call(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, ep := range []struct{ name, url string }{
		{"healthy", healthy.URL + "/v1/traces"},
		{"down", deadURL},
		{"500", failing.URL + "/v1/traces"},
		{"never-answers", hanging.URL + "/v1/traces"},
	} {
		b.Run("traced/"+ep.name, func(b *testing.B) {
			exp, err := otlp.New(otlp.WithEndpointURL(ep.url), otlp.WithTimeout(100*time.Millisecond))
			if err != nil {
				b.Fatal(err)
			}
			restore, err := sdk.Override(sdk.WithDestinations(exp), sdk.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
				sdk.WithRetry(sdk.RetryPolicy{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond, MaxElapsed: time.Hour}))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_, err := core.Trace(context.Background(), "call", func(ctx context.Context) (struct{}, error) {
					return struct{}{}, call(ctx)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			restoreFast(restore)
		})
	}
}

// restoreFast shuts the override down without waiting out a failing endpoint's retries.
func restoreFast(restore func()) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = sdk.Shutdown(ctx)
	restore()
}
