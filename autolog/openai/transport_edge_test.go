package openai_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	openaigo "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// sseResponder answers every request with a 200 text/event-stream body.
func sseResponder(body string) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:  http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}},
			Body:    io.NopCloser(strings.NewReader(body)),
			Request: r, ContentLength: -1,
		}, nil
	})
}

// TestChatStreamErrorEvent: OpenAI reports a failure in the middle of a chat stream as a
// data event {"error": {...}} (go-openai and the official SDKs turn it into an API error).
// The span must end in error with the API's error type and message, whether the stream
// then just ends or (as some OpenAI-compatible gateways do) still sends [DONE].
func TestChatStreamErrorEvent(t *testing.T) {
	errEvent := `data: {"error":{"message":"` + serverErrorMessage + `","type":"server_error","param":null,"code":null}}` + "\n\n"
	for _, tc := range []struct{ name, body string }{
		{"stream ends after the error", chatStreamChunks[0] + chatStreamChunks[1] + errEvent},
		{"[DONE] after the error", chatStreamChunks[0] + chatStreamChunks[1] + errEvent + "data: [DONE]\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, plainErr := drainChatStream(goClient("k", sseResponder(tc.body)).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
			traces := tracetest.Capture(t)
			chunks, err := drainChatStream(goClient("k", openai.NewTransport(sseResponder(tc.body))).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
			var apiErr *goopenai.APIError
			if !errors.As(err, &apiErr) || apiErr.Type != "server_error" || len(chunks) != 2 || plainErr == nil || err.Error() != plainErr.Error() {
				t.Fatalf("caller got %d chunks, error %v (untraced %v)", len(chunks), err, plainErr)
			}
			span := traces.LastTrace().RootSpan()
			want := "server_error: " + serverErrorMessage
			if span.Status.Code != tracedata.StatusError || span.Status.Message != want {
				t.Errorf("status %+v, want ERROR %q", span.Status, want)
			}
			if ex := exceptions(span); len(ex) != 1 || ex[0] != want {
				t.Errorf("exceptions %q", ex)
			}
		})
	}
}

// TestAzureChatStream: Azure OpenAI opens a stream with a prompt-filter chunk whose id,
// model and object are "" and created is 0; the assembled response takes them from the
// real chunks, and keeps the prompt filter results, as the non-streamed response does.
func TestAzureChatStream(t *testing.T) {
	const id = "chatcmpl-C7L5hR2xNq8VbT4mWk0PzYd6FsJ1a"
	filters := `{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}`
	chunk := func(choice string) string {
		return `data: {"choices":[` + choice + `],"created":1755866200,"id":"` + id + `","model":"gpt-4o-2024-11-20","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}` + "\n\n"
	}
	body := `data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":` + filters + `}]}` + "\n\n" +
		chunk(`{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}`) +
		chunk(`{"content_filter_results":`+filters+`,"delta":{"content":"Sweden"},"finish_reason":null,"index":0,"logprobs":null}`) +
		chunk(`{"content_filter_results":`+filters+`,"delta":{"content":" Central"},"finish_reason":null,"index":0,"logprobs":null}`) +
		chunk(`{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}`) +
		"data: [DONE]\n\n"
	traces := tracetest.Capture(t)
	req := azureChatRequest()
	chunks, err := drainChatStream(azureClient("k", openai.NewTransport(sseResponder(body))).CreateChatCompletionStream(context.Background(), req))
	if err != nil || len(chunks) != 5 {
		t.Fatalf("%d chunks, %v", len(chunks), err)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	span := tr.RootSpan()
	assembled := `{"id":"` + id + `","object":"chat.completion","created":1755866200,"model":"gpt-4o-2024-11-20",` +
		`"system_fingerprint":"fp_ee1d74bde0","choices":[{"index":0,"message":{"role":"assistant","content":"Sweden Central"},"finish_reason":"stop"}],` +
		`"prompt_filter_results":[{"prompt_index":0,"content_filter_results":` + filters + `}]}`
	want := modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		inputs:  `{"model":"gpt-4o","messages":[{"role":"user","content":"Name one Azure region in Europe."}],"stream":true}`,
		outputs: assembled, model: "gpt-4o", provider: "azure.ai.openai", operation: "chat",
		responseModel: "gpt-4o-2024-11-20", responseID: id, finishReasons: []string{"stop"},
		stream: true, chunks: sseData(body),
	}
	want.check(t, span)
}

// TestFrameworkSpanRetriedCall: openai-go retries a 429 and the retry succeeds, under a
// framework's open model span. The call succeeded: the span must not end in error.
func TestFrameworkSpanRetriedCall(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After-Ms", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, error429Body)
			return
		}
		_, _ = io.WriteString(w, chatResponse)
	}))
	defer srv.Close()
	traces := tracetest.Capture(t)
	client := openaigo.NewClient(
		option.WithHTTPClient(srv.Client()), option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("k"),
		option.WithMaxRetries(1), option.WithMiddleware(openai.Middleware()),
	)
	ctx, span := core.StartSpan(context.Background(), "llm", core.WithSpanType(spantypes.ChatModel))
	got, err := client.Chat.Completions.New(ctx, openaigo.ChatCompletionNewParams{
		Model:    openaigo.ChatModelGPT4oMini,
		Messages: []openaigo.ChatCompletionMessageParamUnion{openaigo.UserMessage("In one sentence, what is a goroutine?")},
	})
	span.End()
	if err != nil || calls.Load() != 2 || got.ID != "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ" {
		t.Fatalf("%d calls, %v", calls.Load(), err)
	}
	tr := traces.LastTrace()
	s := tr.RootSpan()
	if u, ok := s.TokenUsage(); !ok || u != *usage(27, 22, 49) {
		t.Errorf("usage %+v %v", u, ok)
	}
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL llm OK\n" {
		t.Errorf("tree:\n%s", tree)
	}
}

// TestBodyClosedUnread: the caller closes a response body without reading it; the span
// still ends (a stream as cancelled), with nothing learnt from the body.
func TestBodyClosedUnread(t *testing.T) {
	for _, tc := range []struct {
		name, cassette string
		cancelled      bool
	}{
		{"chat", cassChat, false},
		{"stream", cassChatStream, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := replay(t, tc.cassette)
			traces := tracetest.Capture(t)
			ix := interactions(t, tc.cassette)[0]
			req, _ := http.NewRequest(http.MethodPost, ix.Request.URL, strings.NewReader(ix.Request.Body))
			resp, err := (&http.Client{Transport: openai.NewTransport(rec)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			m := modelSpan{
				spanType: spantypes.ChatModel, name: "Completions", inputs: ix.Request.Body,
				model: "gpt-4o-mini", provider: "openai", operation: "chat", cancelled: tc.cancelled,
			}
			if tc.cancelled {
				m.chunks = []string{}
			}
			m.check(t, tr.RootSpan())
		})
	}
}

// piecewise returns one piece per Read, as a server that flushes each event does.
type piecewise struct{ pieces []string }

func (p *piecewise) Read(b []byte) (int, error) {
	if len(p.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.pieces[0])
	if p.pieces[0] = p.pieces[0][n:]; p.pieces[0] == "" {
		p.pieces = p.pieces[1:]
	}
	return n, nil
}

// TestStreamBeyondBound: a stream longer than the bound on what is kept reaches the caller
// whole; the span records the chunks that fit, ends OK (it did not see the end, so it does not
// claim the stream was cut off), and the overflow is reported as an internal failure.
func TestStreamBeyondBound(t *testing.T) {
	const kept = 5
	bound := 0
	for _, c := range chatStreamChunks[:kept] {
		bound += len(c)
	}
	defer openai.SetMaxStreamBytes(bound)()
	traces := tracetest.Capture(t)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:  http.Header{"Content-Type": {"text/event-stream"}},
			Body:    io.NopCloser(&piecewise{pieces: append([]string(nil), chatStreamChunks...)}),
			Request: r, ContentLength: -1,
		}, nil
	})
	before := sdk.GetStats().InternalErrors
	chunks, err := drainChatStream(goClient("k", openai.NewTransport(rt)).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
	if err != nil || len(chunks) != len(chatStreamChunks)-1 { // all but [DONE]
		t.Fatalf("caller got %d chunks, error %v", len(chunks), err)
	}
	span := traces.LastTrace().RootSpan()
	if got := len(chunkEvents(t, span)); got != kept {
		t.Errorf("%d chunk events, want the %d that fit", got, kept)
	}
	if span.Status.Code != tracedata.StatusOK || len(exceptions(span)) != 0 {
		t.Errorf("status %+v, exceptions %q", span.Status, exceptions(span))
	}
	if sdk.GetStats().InternalErrors == before {
		t.Error("the overflow was not reported")
	}
}

// TestSampledOutTwoLayers: a call traced by two stacked transports (Autolog under an explicit
// NewTransport, say) is sampled once. A layer whose call is sampled out passes the decision
// down in the request's context, so the layer below does not sample again.
func TestSampledOutTwoLayers(t *testing.T) {
	const calls = 400
	traces := tracetest.Capture(t, sdk.WithSamplingRatio(0.5))
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(benchCompletion)), Request: r, ContentLength: -1,
		}, nil
	})
	client := goClient("k", openai.NewTransport(openai.NewTransport(rt)))
	for range calls {
		if _, err := runChat(context.Background(), client); err != nil {
			t.Fatal(err)
		}
	}
	// Half of 400 give or take six standard deviations (10 each); sampling twice would
	// keep three quarters (300).
	if n := len(traces.Traces()); n < 140 || n > 260 {
		t.Errorf("%d of %d calls traced with sampling ratio 0.5", n, calls)
	}
	for _, tr := range traces.Traces() {
		if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
			t.Fatalf("tree:\n%s", tree)
		}
	}
}

// failAfter returns its pieces, then err.
type failAfter struct {
	piecewise
	err error
}

func (f *failAfter) Read(b []byte) (int, error) {
	if n, err := f.piecewise.Read(b); err == nil {
		return n, nil
	}
	return 0, f.err
}

// TestChatStreamErrorEventThenReadError: when the server sends an error in the stream and the
// connection then fails, the span records the server's error, as the more telling one, alone.
func TestChatStreamErrorEventThenReadError(t *testing.T) {
	errEvent := `data: {"error":{"message":"` + serverErrorMessage + `","type":"server_error","param":null,"code":null}}` + "\n\n"
	traces := tracetest.Capture(t)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body: io.NopCloser(&failAfter{piecewise{[]string{chatStreamChunks[0], errEvent}},
				errors.New("connection reset by peer")}),
			Request: r, ContentLength: -1,
		}, nil
	})
	_, err := drainChatStream(goClient("k", openai.NewTransport(rt)).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
	if err == nil {
		t.Fatal("the caller saw no error")
	}
	span := traces.LastTrace().RootSpan()
	want := "server_error: " + serverErrorMessage
	if ex := exceptions(span); len(ex) != 1 || ex[0] != want {
		t.Errorf("exceptions %q, want just %q", ex, want)
	}
	if span.Status.Code != tracedata.StatusError || span.Status.Message != want {
		t.Errorf("status %+v", span.Status)
	}
}
