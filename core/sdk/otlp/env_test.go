package otlp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

// resourceAttr returns a resource attribute of the first request, "" when absent.
func resourceAttr(r otlpreceiver.Request, key string) string {
	for _, kv := range r.Body.ResourceSpans[0].Resource.Attributes {
		if kv.Key == key {
			return kv.Value.GetStringValue()
		}
	}
	return ""
}

// TestEnvironmentVariables shows that each variable changes what is sent: the program
// configures tracing from the environment alone (sdk.Configure) and runs one trace.
func TestEnvironmentVariables(t *testing.T) {
	h := otlpreceiver.NewHTTP()
	defer h.Close()
	g, err := otlpreceiver.NewGRPC()
	require.NoError(t, err)
	defer g.Close()
	slow := otlpreceiver.NewHTTP()
	defer slow.Close()
	slow.SetBehavior(func(n int) otlpreceiver.Answer { return otlpreceiver.Answer{Hang: n == 0} })

	base := map[string]string{otlp.EnvEndpoint: h.URL}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		store *otlpreceiver.Store
		check func(t *testing.T, r otlpreceiver.Request)
	}{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", base, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "/v1/traces", h.Paths()[len(h.Paths())-1])
		}},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", map[string]string{otlp.EnvTracesEndpoint: h.URL + "/custom/path"}, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "/custom/path", h.Paths()[len(h.Paths())-1])
		}},
		{"OTEL_EXPORTER_OTLP_PROTOCOL", map[string]string{otlp.EnvEndpoint: "http://" + g.Addr, otlp.EnvProtocol: "grpc"}, &g.Store, nil},
		{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", map[string]string{otlp.EnvEndpoint: "http://" + g.Addr, otlp.EnvProtocol: "http/protobuf", otlp.EnvTracesProtocol: "grpc"}, &g.Store, nil},
		{"OTEL_EXPORTER_OTLP_HEADERS", map[string]string{otlp.EnvEndpoint: h.URL, "OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=secret%20one,x-team=ml"}, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "secret one", r.Header.Get("X-Api-Key"))
			assert.Equal(t, "ml", r.Header.Get("X-Team"))
		}},
		{"OTEL_EXPORTER_OTLP_COMPRESSION", map[string]string{otlp.EnvEndpoint: h.URL, "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"}, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "gzip", r.ContentEncoding)
		}},
		{"OTEL_EXPORTER_OTLP_INSECURE", map[string]string{otlp.EnvEndpoint: "grpc://" + g.Addr, otlp.EnvProtocol: "grpc", "OTEL_EXPORTER_OTLP_INSECURE": "true"}, &g.Store, nil},
		{"OTEL_EXPORTER_OTLP_TIMEOUT", map[string]string{otlp.EnvEndpoint: slow.URL, otlp.EnvTimeout: "200"}, &slow.Store, func(t *testing.T, r otlpreceiver.Request) {
			// The first upload hung past 200ms, was cut off and retried.
			assert.Equal(t, 2, slow.Attempts())
		}},
		{"OTEL_SERVICE_NAME", map[string]string{otlp.EnvEndpoint: h.URL, otlp.EnvServiceName: "checkout"}, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "checkout", resourceAttr(r, "service.name"))
		}},
		{"OTEL_RESOURCE_ATTRIBUTES", map[string]string{otlp.EnvEndpoint: h.URL, otlp.EnvResourceAttributes: "service.name=billing,deployment.environment=staging%2Feu"}, &h.Store, func(t *testing.T, r otlpreceiver.Request) {
			assert.Equal(t, "billing", resourceAttr(r, "service.name"))
			assert.Equal(t, "staging/eu", resourceAttr(r, "deployment.environment"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			before := len(tc.store.Requests())
			require.NoError(t, sdk.Configure(sdk.WithRetry(sdk.RetryPolicy{Initial: 10 * time.Millisecond, MaxElapsed: 20 * time.Second})))
			defer sdk.Shutdown(context.Background())
			_, span := core.StartSpan(context.Background(), "env run")
			span.End()
			require.NoError(t, sdk.Flush(context.Background()))

			reqs := tc.store.Requests()
			require.Len(t, reqs, before+1, "nothing arrived at the receiver the variable names")
			r := reqs[len(reqs)-1]
			spans := r.Body.ResourceSpans[0].ScopeSpans[0].Spans
			require.Len(t, spans, 1)
			assert.Equal(t, "env run", spans[0].Name)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestEnvironmentErrors(t *testing.T) {
	t.Setenv(otlp.EnvEndpoint, "http://127.0.0.1:1")
	t.Setenv(otlp.EnvProtocol, "http/json")
	err := sdk.Configure()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "http/json")
	t.Setenv(otlp.EnvProtocol, "")
	t.Setenv(otlp.EnvTimeout, "soon")
	err = sdk.Configure()
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `"soon"`), err.Error())
}
