package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// fakeKey is the key the generator sends; scrubbing must keep it out of the cassette.
const fakeKey = "sk-ant-api03-examplesFAKEanthropicKey0123456789abcdef"

// TestGenerateAnthropicCassette rewrites recordings/cassettes/examples/anthropic.yaml by
// running the program against a fake Messages API (answers generated in Anthropic's wire
// format: headers, framing and field order as in langchaingo's real recordings) through the
// real recording path, with a fake key. It runs only when asked:
//
//	AGENTLENS_REGEN_ANTHROPIC=1 go test ./examples/anthropic -run TestGenerateAnthropicCassette
func TestGenerateAnthropicCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_ANTHROPIC") != "1" {
		t.Skip("set AGENTLENS_REGEN_ANTHROPIC=1 to rewrite recordings/cassettes/examples/anthropic.yaml")
	}
	for k, v := range map[string]string{keyEnv: fakeKey, "ANTHROPIC_BASE_URL": "", "AGENTLENS_RECORD": "1"} {
		t.Setenv(k, v)
	}
	tracetest.Capture(t) // the run's trace goes nowhere
	api := httptest.NewServer(http.HandlerFunc(fakeAnthropic(t)))
	t.Cleanup(api.Close)
	var out bytes.Buffer
	require.NoError(t, runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, api)}))
	t.Logf("program output:\n%s", out.String())
	saved, err := os.ReadFile(recordings.Path(cassette))
	require.NoError(t, err)
	assert.NotContains(t, string(saved), fakeKey)
	assert.NotContains(t, string(saved), fakeOrg)
}

// The fake model's answer, streamed in these pieces.
var fakeAnswer = []string{"It's 18 °C", " and partly cloudy", " in Paris right now."}

const fakeOrg = "5f0e1c2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"

// fakeAnthropic answers as Claude would: a tool call first, then, given its result, a
// streamed answer.
func fakeAnthropic(t *testing.T) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// anthropic-sdk-go v2 sends the key as a bearer token; the API takes x-api-key too.
		if r.Header.Get("Authorization") != "Bearer "+fakeKey && r.Header.Get("X-Api-Key") != fakeKey {
			t.Errorf("fake Anthropic: request without the key")
		}
		h := w.Header()
		h.Set("Anthropic-Organization-Id", fakeOrg)
		h.Set("Request-Id", "req_011ExamplesFakeAnthropic01")
		h.Set("Via", "1.1 google")
		h.Set("X-Robots-Tag", "none")
		switch {
		case r.Method != http.MethodPost || r.URL.Path != "/v1/messages":
			t.Errorf("fake Anthropic: unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusNotFound)
		case !strings.Contains(string(body), `"tool_result"`):
			h.Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"msg_01ExamplesToolUse0000000001","type":"message","role":"assistant","model":"`+model+`",`+
				`"content":[{"type":"text","text":"I'll check the weather in Paris."},{"type":"tool_use","id":"toolu_01ExamplesWeather000001","name":"get_weather","input":{"city":"Paris"}}],`+
				`"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":412,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,`+
				`"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":67,"service_tier":"standard"}}`)
		default:
			h.Set("Content-Type", "text/event-stream; charset=utf-8")
			h.Set("Cache-Control", "no-cache")
			ev := func(typ, data string) { _, _ = io.WriteString(w, "event: "+typ+"\ndata: "+data+"\n\n") }
			ev("message_start", `{"type":"message_start","message":{"id":"msg_01ExamplesAnswer000000001","type":"message","role":"assistant","model":"`+model+`",`+
				`"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":521,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,`+
				`"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}}}`)
			ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
			ev("ping", `{"type": "ping"}`)
			for _, p := range fakeAnswer {
				ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+p+`"}}`)
			}
			ev("content_block_stop", `{"type":"content_block_stop","index":0}`)
			ev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":521,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":17}}`)
			ev("message_stop", `{"type":"message_stop"}`)
		}
	}
}
