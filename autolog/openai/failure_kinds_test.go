package openai_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/tracetest"
)

// Distinct failures of the adapter are distinct kinds, so that logging one does not hide
// the others.
func TestFailureKinds(t *testing.T) {
	var mu sync.Mutex
	var kinds []string
	tracetest.Capture(t, sdk.WithErrorHandler(func(kind string, _ error) {
		mu.Lock()
		defer mu.Unlock()
		kinds = append(kinds, kind)
	}))
	// A stream with a chunk that is not JSON.
	stream := chatStreamChunks[0] + "data: {not json\n\n" + "data: [DONE]\n\n"
	_, _ = drainChatStream(goClient("k", openai.NewTransport(sseResponder(stream))).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
	// A successful response that is not a JSON object.
	text := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`["not","an","object"]`)),
			Request: r, ContentLength: -1}, nil
	})
	req, _ := http.NewRequest(http.MethodPost, "https://api.openai.com/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[]}`))
	if resp, err := openai.NewTransport(text).RoundTrip(req); err == nil {
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err := sdk.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(kinds, "|")
	for _, want := range []string{"autolog/openai: stream chunk", "autolog/openai: response not JSON"} {
		if !strings.Contains(got, want) {
			t.Errorf("kinds %q lack %q", kinds, want)
		}
	}
}
