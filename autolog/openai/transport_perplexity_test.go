package openai_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// Perplexity's chat stream, as api.perplexity.ai sends it: no "data: [DONE]" at the end,
// usage (growing) in every chunk, and the response-level citations and search_results in
// every chunk; each choice carries the message so far besides the delta.
const (
	pplxID        = "6d0b5a7c-3f0e-4a55-9b8e-1c2d3e4f5a6b"
	pplxCitations = `["https://go.dev/doc/effective_go#errors","https://go.dev/blog/errors-are-values"]`
	pplxResults   = `[{"title":"Effective Go - The Go Programming Language","url":"https://go.dev/doc/effective_go#errors","date":null},` +
		`{"title":"Errors are values - The Go Programming Language","url":"https://go.dev/blog/errors-are-values","date":"2015-01-12"}]`
)

func pplxChunk(content, sofar, finish string, completionTokens int) string {
	c, _ := json.Marshal(content)
	s, _ := json.Marshal(sofar)
	fin := "null"
	if finish != "" {
		fin = `"` + finish + `"`
	}
	return `{"id":"` + pplxID + `","model":"sonar","created":1757930400,"usage":{"prompt_tokens":11,"completion_tokens":` +
		itoa(completionTokens) + `,"total_tokens":` + itoa(11+completionTokens) + `,"search_context_size":"low"},` +
		`"citations":` + pplxCitations + `,"search_results":` + pplxResults + `,"object":"chat.completion.chunk",` +
		`"choices":[{"index":0,"finish_reason":` + fin + `,"message":{"role":"assistant","content":` + string(s) + `},` +
		`"delta":{"role":"assistant","content":` + string(c) + `}}]}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// pplxChunks are the data payloads of the Perplexity stream.
var pplxChunks = []string{
	pplxChunk("Go treats errors", "Go treats errors", "", 3),
	pplxChunk(" as values [1][2].", "Go treats errors as values [1][2].", "", 9),
	pplxChunk("", "Go treats errors as values [1][2].", "stop", 9),
}

// pplxBody frames the chunks with the given event terminator, and no [DONE].
func pplxBody(sep string) string {
	var b strings.Builder
	for _, c := range pplxChunks {
		b.WriteString("data: " + c + sep)
	}
	return b.String()
}

func pplxRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model:    "sonar",
		Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "Why does Go treat errors as values?"}},
	}
}

// pplxClient is a go-openai client for api.perplexity.ai over rt.
func pplxClient(rt http.RoundTripper) *goopenai.Client {
	cfg := goopenai.DefaultConfig("pplx-test")
	cfg.BaseURL = "https://api.perplexity.ai"
	cfg.HTTPClient = &http.Client{Transport: rt}
	return goopenai.NewClientWithConfig(cfg)
}

// TestStreamWithoutDone (issue 15, points 1 and 2): a stream that ends cleanly at EOF once
// every choice has finished is complete without "data: [DONE]" (Perplexity never sends it):
// one OK span whose output keeps the response-level fields the chunks carry (citations,
// search_results) and whose usage is the last chunk's.
func TestStreamWithoutDone(t *testing.T) {
	assembled := `{"id":"` + pplxID + `","object":"chat.completion","created":1757930400,"model":"sonar",` +
		`"citations":` + pplxCitations + `,"search_results":` + pplxResults + `,` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"Go treats errors as values [1][2]."},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":11,"completion_tokens":9,"total_tokens":20,"search_context_size":"low"}}`
	for _, sep := range []string{"\n\n", "\r\n\r\n"} {
		t.Run(map[string]string{"\n\n": "LF", "\r\n\r\n": "CRLF"}[sep], func(t *testing.T) {
			body := pplxBody(sep)
			req := pplxRequest()
			plain, plainErr := drainChatStream(pplxClient(sseResponder(body)).CreateChatCompletionStream(context.Background(), req))
			traces := tracetest.Capture(t)
			got, err := drainChatStream(pplxClient(openai.NewTransport(sseResponder(body))).CreateChatCompletionStream(context.Background(), req))
			if err != nil || plainErr != nil || len(got) != 3 || !reflect.DeepEqual(got, plain) {
				t.Fatalf("caller got %d chunks, %v (untraced %v)", len(got), err, plainErr)
			}
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			in, _ := json.Marshal(func() goopenai.ChatCompletionRequest { r := req; r.Stream = true; return r }())
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				inputs: string(in), outputs: assembled,
				usage: usage(11, 9, 20), model: "sonar", provider: "perplexity", operation: "chat",
				responseModel: "sonar", responseID: pplxID, finishReasons: []string{"stop"},
				stream: true, chunks: pplxChunks,
			}.check(t, tr.RootSpan())
		})
	}
}

// TestStreamCutBeforeFinish: a stream that ends cleanly at EOF before any choice has
// finished stays ERROR, with or without [DONE] being the only thing missing.
func TestStreamCutBeforeFinish(t *testing.T) {
	body := "data: " + pplxChunks[0] + "\n\n" + "data: " + pplxChunks[1] + "\n\n"
	traces := tracetest.Capture(t)
	got, err := drainChatStream(pplxClient(openai.NewTransport(sseResponder(body))).CreateChatCompletionStream(context.Background(), pplxRequest()))
	if err != nil || len(got) != 2 {
		t.Fatalf("caller got %d chunks, %v", len(got), err)
	}
	span := traces.LastTrace().RootSpan()
	want := "IncompleteStream: the stream ended before the model finished (2 chunks)"
	if span.Status.Code != tracedata.StatusError || span.Status.Message != want {
		t.Errorf("status %+v, want ERROR %q", span.Status, want)
	}
}
