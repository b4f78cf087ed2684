package anthropic_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/agentlens/agentlens/autolog/anthropic"
	"github.com/agentlens/agentlens/internal/benchhttp"
)

// The benchmarks time one anthropic-sdk-go call against a loopback server, untraced,
// through anthropic.NewTransport (each call a whole one-span trace, assembled, handed to no
// destination) and through otelhttp (see internal/benchhttp):
//
//	go test ./autolog/anthropic -run '^$' -bench . -count 5

const benchMessage = `{"id":"msg_01BenchAgentlensAbCdEfGhIj","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",` +
	`"content":[{"type":"text","text":"Go's error values make failure paths explicit: every call site decides what to do, and nothing unwinds the stack behind your back."}],` +
	`"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":24,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,` +
	`"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":27,"service_tier":"standard"}}`

// benchDeltas is the number of text deltas of the streamed answer (which has 6 events more:
// message_start, content_block_start, a ping, content_block_stop, message_delta,
// message_stop).
const benchDeltas = 200

// benchStream is the streamed answer as the API frames it.
var benchStream = func() string {
	words := strings.Fields("Go treats errors as ordinary values so that every failure stays visible in the control flow of the program")
	var b strings.Builder
	ev := func(typ, data string) { b.WriteString("event: " + typ + "\ndata: " + data + "\n\n") }
	ev("message_start", messageStart("msg_01BenchStreamAgentlensAbC", 24, 0, 0))
	ev("content_block_start", blockStart(0, `{"type":"text","text":""}`))
	ev("ping", ping)
	for i := 0; i < benchDeltas; i++ {
		ev("content_block_delta", textDelta(0, " "+words[i%len(words)]))
	}
	ev("content_block_stop", blockStop(0))
	ev("message_delta", messageDelta("end_turn", 24, 0, 0, benchDeltas))
	ev("message_stop", messageStop)
	return b.String()
}()

func benchAPI(b *testing.B) *httptest.Server {
	events := strings.SplitAfter(benchStream, "\n\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), `"stream":true`) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(benchMessage)))
			_, _ = io.WriteString(w, benchMessage)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		for _, e := range events {
			_, _ = io.WriteString(w, e)
			w.(http.Flusher).Flush() // each event on its own, as the API sends them
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, mode string) sdk.Client {
	rt := benchhttp.Transport(b, mode, func(base http.RoundTripper) http.RoundTripper { return anthropic.NewTransport(base) })
	return sdk.NewClient(option.WithAPIKey("bench"), option.WithBaseURL(benchAPI(b).URL), option.WithMaxRetries(0),
		option.WithHTTPClient(&http.Client{Transport: rt}))
}

var benchParams = sdk.MessageNewParams{
	Model:     "claude-sonnet-4-5-20250929",
	MaxTokens: 256,
	Messages:  []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock("In one sentence, why does Go treat errors as values?"))},
}

func BenchmarkMessage(b *testing.B) {
	for _, mode := range benchhttp.Modes {
		b.Run(mode, func(b *testing.B) {
			client := benchClient(b, mode)
			ctx := context.Background()
			benchhttp.Loop(b, func() {
				msg, err := client.Messages.New(ctx, benchParams)
				if err != nil {
					b.Fatal(err)
				}
				if msg.Usage.OutputTokens != 27 {
					b.Fatalf("usage %+v", msg.Usage)
				}
			})
		})
	}
}

func BenchmarkMessageStream(b *testing.B) {
	for _, mode := range benchhttp.Modes {
		b.Run(mode, func(b *testing.B) {
			client := benchClient(b, mode)
			ctx := context.Background()
			benchhttp.Loop(b, func() {
				s := client.Messages.NewStreaming(ctx, benchParams)
				n := 0
				for s.Next() {
					n++
				}
				if err := s.Err(); err != nil || n != benchDeltas+5 { // the SDK hands out every event but the ping
					b.Fatalf("%d events, %v", n, err)
				}
				_ = s.Close()
			})
		})
	}
}
