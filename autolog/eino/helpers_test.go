package eino_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/cloudwego/eino/components/tool"
	toolutils "github.com/cloudwego/eino/components/tool/utils"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core/tracedata"
)

// span returns the only span of tr named name.
func span(t *testing.T, tr *tracedata.Trace, name string) *tracedata.Span {
	t.Helper()
	got := tr.SearchSpans(tracedata.SpanQuery{Name: name})
	require.Len(t, got, 1, "spans named %q", name)
	return got[0]
}

// attr returns the attribute key of s as JSON text ("" when missing).
func attr(s *tracedata.Span, key string) string { return s.Attributes[key] }

// requireJSON checks that the JSON text got equals want.
func requireJSON(t *testing.T, want, got string) {
	t.Helper()
	require.JSONEq(t, want, got)
}

type weatherArgs struct {
	City string `json:"city" jsonschema:"description=The city name"`
}

type weather struct {
	City        string `json:"city"`
	Temperature int    `json:"temperature_c"`
	Conditions  string `json:"conditions"`
}

// weatherTool is a real eino tool.
func weatherTool(t *testing.T) tool.InvokableTool {
	t.Helper()
	tl, err := toolutils.InferTool("get_weather", "Get the current weather in a city.",
		func(_ context.Context, in weatherArgs) (weather, error) {
			return weather{City: in.City, Temperature: 24, Conditions: "sunny"}, nil
		})
	require.NoError(t, err)
	return tl
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// noLeaks fails the test when a goroutine it started outlives it: the handler's stream and
// event readers must all be done. Call it first, so that it runs after the other cleanups
// (the fake server's close among them).
func noLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		http.DefaultTransport.(interface{ CloseIdleConnections() }).CloseIdleConnections()
		goleak.VerifyNone(t, opt)
	})
}
