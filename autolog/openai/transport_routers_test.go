package openai_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// jsonResponder answers with a 200 JSON body and the given extra headers.
func jsonResponder(body string, header http.Header) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := header.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Type", "application/json")
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body)),
			Request: r, ContentLength: int64(len(body))}, nil
	})
}

// TestRouterProviders (issue 15, point 7): Hugging Face's router is provider "huggingface",
// and the upstream a router reports (Hugging Face's X-Inference-Provider header, OpenRouter's
// provider field, streamed or not) is recorded as agentlens.llm.upstream_provider.
func TestRouterProviders(t *testing.T) {
	const hfReq = `{"model":"deepseek-ai/DeepSeek-R1","messages":[{"role":"user","content":"2+2?"}]}`
	const hfResp = `{"id":"chatcmpl-hf1","object":"chat.completion","created":1757930400,"model":"deepseek-ai/DeepSeek-R1",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"Two plus two is four."},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}`
	const orReq = `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	const orResp = `{"id":"gen-1757930400-abc","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion","created":1757930400,` +
		`"choices":[{"logprobs":null,"finish_reason":"stop","native_finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Hello!","refusal":null,"reasoning":null}}],` +
		`"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}`
	orChunk := func(delta, finish string) string {
		return `data: {"id":"gen-1757930400-xyz","provider":"Azure","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1757930400,` +
			`"choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + finish + `,"native_finish_reason":` + finish + `,"logprobs":null}]}` + "\n\n"
	}
	orStream := ": OPENROUTER PROCESSING\n\n" + orChunk(`{"role":"assistant","content":"Hel"}`, "null") + orChunk(`{"role":"assistant","content":"lo!"}`, "null") +
		orChunk(`{"role":"assistant","content":""}`, `"stop"`) +
		`data: {"id":"gen-1757930400-xyz","provider":"Azure","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1757930400,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}` + "\n\n" +
		"data: [DONE]\n\n"
	const orStreamReq = `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}`

	for _, tc := range []struct {
		name, url, req string
		rt             http.RoundTripper
		want           modelSpan
		upstream       string
	}{
		{name: "Hugging Face router", url: "https://router.huggingface.co/v1/chat/completions", req: hfReq,
			rt: jsonResponder(hfResp, http.Header{"X-Inference-Provider": {"novita"}}),
			want: modelSpan{inputs: hfReq, outputs: hfResp, usage: usage(9, 12, 21), model: "deepseek-ai/DeepSeek-R1",
				provider: "huggingface", responseModel: "deepseek-ai/DeepSeek-R1", responseID: "chatcmpl-hf1", finishReasons: []string{"stop"}},
			upstream: "novita"},
		{name: "OpenRouter", url: "https://openrouter.ai/api/v1/chat/completions", req: orReq,
			rt: jsonResponder(orResp, nil),
			want: modelSpan{inputs: orReq, outputs: orResp, usage: usage(8, 2, 10), model: "openai/gpt-4o-mini",
				provider: "openrouter", responseModel: "openai/gpt-4o-mini", responseID: "gen-1757930400-abc", finishReasons: []string{"stop"}},
			upstream: "OpenAI"},
		{name: "OpenRouter stream", url: "https://openrouter.ai/api/v1/chat/completions", req: orStreamReq,
			rt: sseResponder(orStream),
			want: modelSpan{inputs: orStreamReq,
				outputs: `{"id":"gen-1757930400-xyz","object":"chat.completion","created":1757930400,"model":"openai/gpt-4o-mini","provider":"Azure",` +
					`"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}`,
				usage: usage(8, 2, 10), model: "openai/gpt-4o-mini", provider: "openrouter", responseModel: "openai/gpt-4o-mini",
				responseID: "gen-1757930400-xyz", finishReasons: []string{"stop"}, stream: true, chunks: sseData(orStream)},
			upstream: "Azure"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			traces := tracetest.Capture(t)
			r, _ := http.NewRequest(http.MethodPost, tc.url, strings.NewReader(tc.req))
			resp, err := openai.NewTransport(tc.rt).RoundTrip(r)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			span := traces.LastTrace().RootSpan()
			if got := span.StringAttribute(spantypes.KeyUpstreamProvider); got != tc.upstream {
				t.Errorf("%s = %q, want %q", spantypes.KeyUpstreamProvider, got, tc.upstream)
			}
			delete(span.Attributes, spantypes.KeyUpstreamProvider) // checked; check the rest
			want := tc.want
			want.spanType, want.name, want.operation = spantypes.ChatModel, "Completions", "chat"
			want.check(t, span)
		})
	}
}
