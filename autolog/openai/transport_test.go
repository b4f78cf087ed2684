package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

func TestChatCompletion(t *testing.T) {
	rec := replay(t, cassChat)
	traces := tracetest.Capture(t)
	got, err := runChat(context.Background(), goClient("replay", openai.NewTransport(rec)))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ" || got.Choices[0].Message.Content == "" || got.Usage.TotalTokens != 49 {
		t.Errorf("response %+v", got)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassChat)
	modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		inputs: ix[0].Request.Body, outputs: ix[0].Response.Body,
		usage: usage(27, 22, 49), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ",
		finishReasons: []string{"stop"},
	}.check(t, tr.RootSpan())
	// The recorded JSON is kept as it was sent and received, only compacted.
	s := tr.RootSpan()
	if string(s.Inputs()) != compact(t, []byte(ix[0].Request.Body)) {
		t.Errorf("inputs are not the request body compacted:\n%s", s.Inputs())
	}
	if string(s.Outputs()) != compact(t, []byte(ix[0].Response.Body)) {
		t.Errorf("outputs are not the response body compacted:\n%s", s.Outputs())
	}
	if u, ok := tr.TokenUsage(); !ok || u != *usage(27, 22, 49) {
		t.Errorf("trace token usage %+v %v", u, ok)
	}
}

// TestToolLoop runs a two-call tool loop under an agent span, the tool in a TOOL span.
func TestToolLoop(t *testing.T) {
	rec := replay(t, cassChatTools)
	traces := tracetest.Capture(t)
	client := goClient("replay", openai.NewTransport(rec))

	ctx, agent := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Chain))
	got, err := runToolLoop(ctx, client, func(ctx context.Context, call goopenai.ToolCall) (string, error) {
		return core.Trace(ctx, call.Function.Name, func(ctx context.Context) (string, error) {
			return getWeather(ctx, call.Function.Arguments)
		}, core.WithSpanType(spantypes.Tool))
	})
	agent.End()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Choices[0].Message.Content != "It's 18 °C and partly cloudy in Paris right now." {
		t.Fatalf("responses %+v", got)
	}
	tr := traces.LastTrace()
	const want = "CHAIN agent OK\n  CHAT_MODEL Completions OK\n  TOOL get_weather OK\n  CHAT_MODEL Completions OK\n"
	if tree := tracetest.Tree(tr); tree != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", tree, want)
	}
	root := tr.RootSpan()
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	tools := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.Tool})
	if len(models) != 2 || len(tools) != 1 {
		t.Fatalf("%d model spans, %d tool spans", len(models), len(tools))
	}
	if tools[0].ParentID != root.SpanID {
		t.Errorf("tool span parent %q, want the agent %q", tools[0].ParentID, root.SpanID)
	}
	ix := interactions(t, cassChatTools)
	var req struct {
		Tools    json.RawMessage   `json:"tools"`
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal([]byte(ix[1].Request.Body), &req); err != nil {
		t.Fatal(err)
	}
	// The second request carries the assistant's tool call and the tool's result.
	if len(req.Messages) != 3 || !strings.Contains(string(req.Messages[2]), `"tool_call_id":"call_Qd3mX8pLr2VtN6bY1sKfW9zH"`) {
		t.Errorf("second request messages: %s", req.Messages)
	}
	for i, w := range []struct {
		usage         *tracedata.TokenUsage
		id, finish    string
		toolCallsText string
	}{
		{usage(85, 21, 106), "chatcmpl-C7KyH4sVnP0dXq7LmB2wR9tZcE5uF", "tool_calls", ""},
		{usage(131, 14, 145), "chatcmpl-C7KyJ8wTbR1fYk3NcQ6vH0pXmA9sD", "stop", ""},
	} {
		modelSpan{
			spanType: spantypes.ChatModel, name: "Completions", parentID: root.SpanID,
			inputs: ix[i].Request.Body, outputs: ix[i].Response.Body, tools: string(req.Tools),
			usage: w.usage, model: "gpt-4o-mini", provider: "openai", operation: "chat",
			responseModel: "gpt-4o-mini-2024-07-18", responseID: w.id, finishReasons: []string{w.finish},
		}.check(t, models[i])
	}
	if out := tools[0].Outputs(); !strings.Contains(string(out), "partly cloudy") {
		t.Errorf("tool outputs %s", out)
	}
	if u, ok := tr.TokenUsage(); !ok || u != *usage(216, 35, 251) {
		t.Errorf("trace token usage %+v %v", u, ok)
	}
}

// haikuAssembled is the chat.completion the haiku stream adds up to.
func haikuAssembled() string {
	text, _ := json.Marshal(haikuText)
	return `{"id":"` + haikuID + `","object":"chat.completion","created":1755864150,"model":"gpt-4o-mini-2024-07-18",` +
		`"service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"message":{"role":"assistant","content":` +
		string(text) + `},"finish_reason":"stop"}],"usage":` + haikuUsage + `}`
}

func TestChatStreamWithUsage(t *testing.T) {
	rec := replay(t, cassChatStream)
	traces := tracetest.Capture(t)
	chunks, err := runChatStream(context.Background(), goClient("replay", openai.NewTransport(rec)))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, c := range chunks {
		if len(c.Choices) > 0 {
			text.WriteString(c.Choices[0].Delta.Content)
		}
	}
	if text.String() != haikuText || chunks[len(chunks)-1].Usage == nil || chunks[len(chunks)-1].Usage.TotalTokens != 31 {
		t.Errorf("the caller got %q, last chunk %+v", text.String(), chunks[len(chunks)-1])
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassChatStream)
	data := sseData(ix[0].Response.Body)
	if len(data) != len(chatStreamChunks)-1 {
		t.Fatalf("cassette has %d data events", len(data))
	}
	modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		inputs: ix[0].Request.Body, outputs: haikuAssembled(),
		usage: usage(14, 17, 31), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID, finishReasons: []string{"stop"},
		stream: true, chunks: data,
	}.check(t, tr.RootSpan())
}

func TestChatStreamToolCalls(t *testing.T) {
	rec := replay(t, cassChatStreamTools)
	traces := tracetest.Capture(t)
	if _, err := runChatStreamTools(context.Background(), goClient("replay", openai.NewTransport(rec))); err != nil {
		t.Fatal(err)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassChatStreamTools)
	var req struct {
		Tools json.RawMessage `json:"tools"`
	}
	if err := json.Unmarshal([]byte(ix[0].Request.Body), &req); err != nil {
		t.Fatal(err)
	}
	pa, _ := json.Marshal(parisStreamArgs)
	ta, _ := json.Marshal(tokyoStreamArgs)
	assembled := `{"id":"` + streamToolsID + `","object":"chat.completion","created":1755864210,"model":"gpt-4o-mini-2024-07-18",` +
		`"service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"message":{"role":"assistant","content":null,` +
		`"tool_calls":[{"id":"` + parisCallID + `","type":"function","function":{"name":"get_weather","arguments":` + string(pa) + `}},` +
		`{"id":"` + tokyoCallID + `","type":"function","function":{"name":"get_weather","arguments":` + string(ta) + `}}]},` +
		`"finish_reason":"tool_calls"}],"usage":` + streamToolsUsage + `}`
	modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		inputs: ix[0].Request.Body, outputs: assembled, tools: string(req.Tools),
		usage: usage(88, 52, 140), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: streamToolsID, finishReasons: []string{"tool_calls"},
		stream: true, chunks: sseData(ix[0].Response.Body),
	}.check(t, tr.RootSpan())
	// The assembled arguments are valid JSON, as the model meant them.
	for _, a := range []string{parisStreamArgs, tokyoStreamArgs} {
		if !json.Valid([]byte(a)) {
			t.Errorf("arguments %s", a)
		}
	}
}

// earlyClose streams the haiku through rt, reads the first chunk and closes the stream.
func earlyClose(t *testing.T, rt http.RoundTripper) {
	t.Helper()
	s, err := goClient("replay", openai.NewTransport(rt)).CreateChatCompletionStream(context.Background(), chatStreamRequest())
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != haikuID {
		t.Errorf("first chunk %+v", first)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// earlyCloseSpan is the span of a haiku stream closed after its first chunk.
func earlyCloseSpan() modelSpan {
	return modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		inputs: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Write a haiku about Go channels."}],"stream":true,"stream_options":{"include_usage":true}}`,
		outputs: `{"id":"` + haikuID + `","object":"chat.completion","created":1755864150,` +
			`"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559",` +
			`"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":null}]}`,
		model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID,
		stream: true, cancelled: true, chunks: sseData(chatStreamChunks[0]),
	}
}

// TestChatStreamEarlyClose reads the first chunk and closes the stream: the span ends OK,
// marked cancelled, with what was read (no usage: its chunk never came).
func TestChatStreamEarlyClose(t *testing.T) {
	rec := replay(t, cassChatStream)
	traces := tracetest.Capture(t)
	// The network delivers the first event, then the rest: the client has read exactly
	// one event when it closes.
	earlyClose(t, inPieces(rec, len(chatStreamChunks[0])))
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	earlyCloseSpan().check(t, tr.RootSpan())
}

// TestChatStreamEarlyCloseMidEvent closes the stream when the client's buffer holds the
// first event and the start of the second: the partial second event is not a chunk.
func TestChatStreamEarlyCloseMidEvent(t *testing.T) {
	rec := replay(t, cassChatStream)
	traces := tracetest.Capture(t)
	earlyClose(t, inPieces(rec, len(chatStreamChunks[0])+40))
	span := traces.LastTrace().RootSpan()
	for i, e := range chunkEvents(t, span) {
		if v := asString(e.Attributes[spantypes.KeyChunkValue]); !strings.HasPrefix(v, "{") {
			t.Errorf("chunk event %d holds a partial event: %q", i, v)
		}
	}
	earlyCloseSpan().check(t, span)
}

func TestCompletions(t *testing.T) {
	rec := replay(t, cassCompletions)
	traces := tracetest.Capture(t)
	got, err := runCompletion(context.Background(), goClient("replay", openai.NewTransport(rec)))
	if err != nil {
		t.Fatal(err)
	}
	if got.Choices[0].Text != "\n\nSee every span, ship with confidence." {
		t.Errorf("response %+v", got)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "LLM Completions OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassCompletions)
	modelSpan{
		spanType: spantypes.LLM, name: "Completions",
		inputs: ix[0].Request.Body, outputs: ix[0].Response.Body,
		usage: usage(10, 9, 19), model: "gpt-3.5-turbo-instruct", provider: "openai", operation: "text_completion",
		responseModel: "gpt-3.5-turbo-instruct:20230824-v2", responseID: "cmpl-C7L2cYx3KqP5tH2wZ8mN4vRbD6eFg",
		finishReasons: []string{"stop"},
	}.check(t, tr.RootSpan())
}

func TestEmbeddingsBatch(t *testing.T) {
	rec := replay(t, cassEmbeddings)
	traces := tracetest.Capture(t)
	got, err := runEmbeddings(context.Background(), goClient("replay", openai.NewTransport(rec)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 3 || len(got.Data[2].Embedding) != 8 || got.Usage.PromptTokens != 20 {
		t.Errorf("response %+v", got)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "EMBEDDING Embeddings OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassEmbeddings)
	modelSpan{
		spanType: spantypes.Embedding, name: "Embeddings",
		inputs: ix[0].Request.Body, outputs: ix[0].Response.Body,
		usage: usage(20, 0, 20), model: "text-embedding-3-small", provider: "openai", operation: "embeddings",
		responseModel: "text-embedding-3-small",
	}.check(t, tr.RootSpan())
}

func TestResponsesAPI(t *testing.T) {
	rec := replay(t, cassResponses)
	traces := tracetest.Capture(t)
	got, err := runResponses(context.Background(), goClientOpts("replay", rec, option.WithMiddleware(openai.Middleware()))...)
	if err != nil {
		t.Fatal(err)
	}
	if got.OutputText() != respPlainText || got.Usage.TotalTokens != 47 {
		t.Errorf("response %q %+v", got.OutputText(), got.Usage)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Responses OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassResponses)
	modelSpan{
		spanType: spantypes.ChatModel, name: "Responses",
		inputs: ix[0].Request.Body, outputs: ix[0].Response.Body,
		usage: usage(27, 20, 47), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: respPlainID, finishReasons: []string{"completed"},
	}.check(t, tr.RootSpan())
}

func TestResponsesAPIStream(t *testing.T) {
	rec := replay(t, cassResponsesStream)
	traces := tracetest.Capture(t)
	events, err := runResponsesStream(context.Background(), goClientOpts("replay", rec, option.WithMiddleware(openai.Middleware()))...)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, e := range events {
		if e.Type == "response.output_text.delta" {
			text.WriteString(e.Delta)
		}
	}
	if len(events) != len(responsesStreamEvents) || text.String() != strings.Join(respStreamDeltas, "") {
		t.Errorf("the caller got %d events, text %q", len(events), text.String())
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Responses OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassResponsesStream)
	data := sseData(ix[0].Response.Body)
	if len(data) != 24 {
		t.Fatalf("cassette has %d events", len(data))
	}
	var completed struct {
		Type     string          `json:"type"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal([]byte(data[len(data)-1]), &completed); err != nil || completed.Type != "response.completed" {
		t.Fatalf("last event %s (%v)", data[len(data)-1], err)
	}
	modelSpan{
		spanType: spantypes.ChatModel, name: "Responses",
		inputs: ix[0].Request.Body, outputs: string(completed.Response),
		usage: usage(25, 18, 43), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		responseModel: "gpt-4o-mini-2024-07-18", responseID: respStreamID, finishReasons: []string{"completed"},
		stream: true, chunks: data,
	}.check(t, tr.RootSpan())
}

func TestAzureOpenAI(t *testing.T) {
	rec := replay(t, cassAzureChat)
	traces := tracetest.Capture(t)
	rt := openai.NewTransport(rec)
	if _, err := runAzureChat(context.Background(), azureClient("replay", rt)); err != nil {
		t.Fatal(err)
	}
	resp, body, err := runAzureRaw(context.Background(), "replay", &http.Client{Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	ix := interactions(t, cassAzureChat)
	if resp.StatusCode != 200 || string(body) != ix[1].Response.Body {
		t.Errorf("raw call got %d %s", resp.StatusCode, body)
	}
	ts := traces.Traces()
	if len(ts) != 2 {
		t.Fatalf("%d traces", len(ts))
	}
	for i, w := range []struct {
		what, model, id string
	}{
		{"go-openai, model in the body", "gpt-4o", "chatcmpl-C7L4nQ8vXk2TzR5mWb1PyHd9FsJ3e"},
		{"net/http, no model in the body: the deployment", azureDeploymentName, "chatcmpl-C7L4pA3sLm7VqN0xKd6RbWy2HtF8c"},
	} {
		t.Run(w.what, func(t *testing.T) {
			if tree := tracetest.Tree(ts[i]); tree != "CHAT_MODEL Completions OK\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				inputs: ix[i].Request.Body, outputs: ix[i].Response.Body,
				usage: usage(14, 10, 24), model: w.model, provider: "azure.ai.openai", operation: "chat",
				responseModel: "gpt-4o-2024-11-20", responseID: w.id, finishReasons: []string{"stop"},
			}.check(t, ts[i].RootSpan())
		})
	}
}

// TestAPIErrors: an OpenAI error response ends the span with an exception named as the
// OpenAI SDKs name the HTTP error, the API's message, and the API's type and code as
// attributes; the caller gets the very error it gets without tracing.
func TestAPIErrors(t *testing.T) {
	for _, tc := range []struct {
		cassette, prompt string
		status           int
		typ, message     string
		name, code       string // the exception type, the API's code
	}{
		{cassError429, prompt429, 429, "requests", rateLimitMessage, "RateLimitError", `"rate_limit_exceeded"`},
		{cassError500, prompt500, 500, "server_error", serverErrorMessage, "InternalServerError", ""},
	} {
		t.Run(tc.cassette, func(t *testing.T) {
			req := errorChatRequest(tc.prompt)
			_, plainErr := goClient("replay", replay(t, tc.cassette)).CreateChatCompletion(context.Background(), req)
			traces := tracetest.Capture(t)
			_, err := goClient("replay", openai.NewTransport(replay(t, tc.cassette))).CreateChatCompletion(context.Background(), req)
			var apiErr, plainAPIErr *goopenai.APIError
			if !errors.As(err, &apiErr) || !errors.As(plainErr, &plainAPIErr) {
				t.Fatalf("errors %T %v / %T %v", err, err, plainErr, plainErr)
			}
			if *apiErr != *plainAPIErr || err.Error() != plainErr.Error() {
				t.Errorf("traced error %+v, untraced %+v", *apiErr, *plainAPIErr)
			}
			if apiErr.HTTPStatusCode != tc.status || apiErr.Type != tc.typ || apiErr.Message != tc.message {
				t.Errorf("error %+v", *apiErr)
			}
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions ERROR\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			ix := interactions(t, tc.cassette)
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				status: tracedata.StatusError, statusMessage: tc.name + ": " + tc.message,
				inputs: ix[0].Request.Body, outputs: ix[0].Response.Body,
				model: "gpt-4o-mini", provider: "openai", operation: "chat", httpStatus: tc.status,
				apiErrorType: tc.typ, apiErrorCode: tc.code,
				exceptions: []string{tc.name + ": " + tc.message},
			}.check(t, tr.RootSpan())
		})
	}
}

func TestNonJSONErrorPage(t *testing.T) {
	req := errorChatRequest(prompt502)
	_, plainErr := goClient("replay", replay(t, cassError502)).CreateChatCompletion(context.Background(), req)
	traces := tracetest.Capture(t)
	_, err := goClient("replay", openai.NewTransport(replay(t, cassError502))).CreateChatCompletion(context.Background(), req)
	var reqErr, plainReqErr *goopenai.RequestError
	if !errors.As(err, &reqErr) || !errors.As(plainErr, &plainReqErr) {
		t.Fatalf("errors %T %v / %T %v", err, err, plainErr, plainErr)
	}
	if string(reqErr.Body) != error502Body || string(plainReqErr.Body) != error502Body || err.Error() != plainErr.Error() ||
		reqErr.HTTPStatus != "502 Bad Gateway" || reqErr.HTTPStatusCode != 502 {
		t.Errorf("traced error %+v, untraced %+v", reqErr, plainReqErr)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions ERROR\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	ix := interactions(t, cassError502)
	out, _ := json.Marshal(error502Body)
	modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		status: tracedata.StatusError, statusMessage: "InternalServerError: HTTP 502 Bad Gateway",
		inputs: ix[0].Request.Body, outputs: string(out),
		model: "gpt-4o-mini", provider: "openai", operation: "chat", httpStatus: 502,
		exceptions: []string{"InternalServerError: HTTP 502 Bad Gateway"},
	}.check(t, tr.RootSpan())
}

func TestConnectionError(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	refuse := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, dialErr })
	_, plainErr := runChat(context.Background(), goClient("replay", refuse))
	traces := tracetest.Capture(t)
	_, err := runChat(context.Background(), goClient("replay", openai.NewTransport(refuse)))
	if !errors.Is(err, dialErr) || !errors.Is(err, syscall.ECONNREFUSED) || err.Error() != plainErr.Error() {
		t.Errorf("error %v, untraced %v", err, plainErr)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr != dialErr {
		t.Errorf("errors.As gives %v", opErr)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions ERROR\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	in, _ := json.Marshal(chatRequest())
	modelSpan{
		spanType: spantypes.ChatModel, name: "Completions",
		status: tracedata.StatusError, statusMessage: "net.OpError: dial tcp: connection refused",
		inputs: string(in), model: "gpt-4o-mini", provider: "openai", operation: "chat",
		exceptions: []string{"net.OpError: dial tcp: connection refused"},
	}.check(t, tr.RootSpan())
}

// TestTruncatedStream: the stream breaks after two chunks. The span ends in error with
// what had arrived, and the caller gets the same read error.
func TestTruncatedStream(t *testing.T) {
	partial := chatStreamChunks[0] + chatStreamChunks[1]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		w.Header().Set("Content-Length", "100000") // more than will come
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, partial)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // cut the connection
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name string
		rt   http.RoundTripper
	}{
		{"server cuts the connection", srv.Client().Transport},
		{"body fails", roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header:  http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}},
				Body:    io.NopCloser(io.MultiReader(strings.NewReader(partial), errReader{io.ErrUnexpectedEOF})),
				Request: r, ContentLength: -1,
			}, nil
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := goopenai.DefaultConfig("replay")
			cfg.BaseURL = srv.URL + "/v1"
			cfg.HTTPClient = &http.Client{Transport: openai.NewTransport(tc.rt)}
			traces := tracetest.Capture(t)
			chunks, err := drainChatStream(goopenai.NewClientWithConfig(cfg).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
			if !errors.Is(err, io.ErrUnexpectedEOF) || len(chunks) != 2 {
				t.Fatalf("caller got %d chunks, error %v", len(chunks), err)
			}
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Completions ERROR\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			in, _ := json.Marshal(func() goopenai.ChatCompletionRequest { r := chatStreamRequest(); r.Stream = true; return r }())
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				status: tracedata.StatusError, statusMessage: "errors.errorString: unexpected EOF",
				inputs: string(in),
				outputs: `{"id":"` + haikuID + `","object":"chat.completion","created":1755864150,"model":"gpt-4o-mini-2024-07-18",` +
					`"service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"message":{"role":"assistant",` +
					`"content":"Channels"},"finish_reason":null}]}`,
				model: "gpt-4o-mini", provider: "local", operation: "chat",
				responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID,
				stream: true, chunks: sseData(partial),
				exceptions: []string{"errors.errorString: unexpected EOF"},
			}.check(t, tr.RootSpan())
		})
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestSuppressedContext(t *testing.T) {
	rec := replay(t, cassChat)
	traces := tracetest.Capture(t)
	got, err := runChat(core.Suppress(context.Background()), goClient("replay", openai.NewTransport(rec)))
	if err != nil || got.ID == "" {
		t.Fatalf("%+v %v", got, err)
	}
	if ts := traces.Traces(); len(ts) != 0 {
		t.Errorf("%d traces under core.Suppress: %s", len(ts), tracetest.Tree(ts[0]))
	}
}

// TestSampledOut: a call whose trace is sampled out is sent and answered as it came, and
// leaves no trace.
func TestSampledOut(t *testing.T) {
	rec := replay(t, cassChat)
	traces := tracetest.Capture(t, sdk.WithSamplingRatio(0))
	got, err := runChat(context.Background(), goClient("replay", openai.NewTransport(rec)))
	if err != nil || got.ID != "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ" {
		t.Fatalf("%+v %v", got, err)
	}
	if ts := traces.Traces(); len(ts) != 0 {
		t.Errorf("%d traces with sampling ratio 0: %s", len(ts), tracetest.Tree(ts[0]))
	}
}

// TestFrameworkModelSpan: a framework adapter's model span is open around the call; the
// transport makes no span of its own and enriches that one.
func TestFrameworkModelSpan(t *testing.T) {
	for _, tc := range []struct {
		cassette string
		run      func(ctx context.Context, c *goopenai.Client) error
		usage    *tracedata.TokenUsage
		id       string
		stream   bool
	}{
		{cassChat, func(ctx context.Context, c *goopenai.Client) error { _, err := runChat(ctx, c); return err },
			usage(27, 22, 49), "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ", false},
		{cassChatStream, func(ctx context.Context, c *goopenai.Client) error { _, err := runChatStream(ctx, c); return err },
			usage(14, 17, 31), haikuID, true},
	} {
		t.Run(tc.cassette, func(t *testing.T) {
			rec := replay(t, tc.cassette)
			traces := tracetest.Capture(t)
			ctx, span := core.StartSpan(context.Background(), "llm", core.WithSpanType(spantypes.ChatModel))
			err := tc.run(ctx, goClient("replay", openai.NewTransport(rec)))
			span.End()
			if err != nil {
				t.Fatal(err)
			}
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL llm OK\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			var chunks []string
			if tc.stream {
				chunks = sseData(interactions(t, tc.cassette)[0].Response.Body)
			}
			modelSpan{
				spanType: spantypes.ChatModel, name: "llm",
				usage: tc.usage, model: "gpt-4o-mini", provider: "openai", operation: "chat",
				responseModel: "gpt-4o-mini-2024-07-18", responseID: tc.id, finishReasons: []string{"stop"},
				stream: tc.stream, chunks: chunks,
			}.check(t, tr.RootSpan())
		})
	}
}

func TestCaptureContentOff(t *testing.T) {
	t.Run("chat", func(t *testing.T) {
		rec := replay(t, cassChat)
		traces := tracetest.Capture(t)
		if _, err := runChat(context.Background(), goClient("replay", openai.NewTransport(rec, openai.WithCaptureContent(false)))); err != nil {
			t.Fatal(err)
		}
		modelSpan{
			spanType: spantypes.ChatModel, name: "Completions",
			usage: usage(27, 22, 49), model: "gpt-4o-mini", provider: "openai", operation: "chat",
			responseModel: "gpt-4o-mini-2024-07-18", responseID: "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ",
			finishReasons: []string{"stop"},
		}.check(t, traces.LastTrace().RootSpan())
	})
	t.Run("stream", func(t *testing.T) {
		rec := replay(t, cassChatStream)
		traces := tracetest.Capture(t)
		if _, err := runChatStream(context.Background(), goClient("replay", openai.NewTransport(rec, openai.WithCaptureContent(false)))); err != nil {
			t.Fatal(err)
		}
		want := modelSpan{
			spanType: spantypes.ChatModel, name: "Completions",
			usage: usage(14, 17, 31), model: "gpt-4o-mini", provider: "openai", operation: "chat",
			responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID, finishReasons: []string{"stop"},
			stream: true, chunks: sseData(interactions(t, cassChatStream)[0].Response.Body), noChunkValues: true,
		}
		span := traces.LastTrace().RootSpan()
		want.check(t, span)
	})
	t.Run("core capture off", func(t *testing.T) {
		rec := replay(t, cassChatStream)
		traces := tracetest.Capture(t, sdk.WithCaptureContent(false))
		if _, err := runChatStream(context.Background(), goClient("replay", openai.NewTransport(rec))); err != nil {
			t.Fatal(err)
		}
		modelSpan{
			spanType: spantypes.ChatModel, name: "Completions",
			usage: usage(14, 17, 31), model: "gpt-4o-mini", provider: "openai", operation: "chat",
			responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID, finishReasons: []string{"stop"},
			stream: true, chunks: sseData(interactions(t, cassChatStream)[0].Response.Body), noChunkValues: true,
		}.check(t, traces.LastTrace().RootSpan())
	})
	t.Run("error", func(t *testing.T) {
		rec := replay(t, cassError429)
		traces := tracetest.Capture(t)
		_, err := goClient("replay", openai.NewTransport(rec, openai.WithCaptureContent(false))).
			CreateChatCompletion(context.Background(), errorChatRequest(prompt429))
		if err == nil {
			t.Fatal("no error")
		}
		modelSpan{
			spanType: spantypes.ChatModel, name: "Completions",
			status: tracedata.StatusError, statusMessage: "RateLimitError: " + rateLimitMessage,
			model: "gpt-4o-mini", provider: "openai", operation: "chat", httpStatus: 429,
			apiErrorType: "requests", apiErrorCode: `"rate_limit_exceeded"`,
			exceptions: []string{"RateLimitError: " + rateLimitMessage},
		}.check(t, traces.LastTrace().RootSpan())
	})
}

// TestMalformedResponses: a 200 whose body is not JSON, or a stream with a chunk that is
// not JSON, never panics, and the caller reads the very bytes the server sent.
func TestMalformedResponses(t *testing.T) {
	goodChunk := chatStreamChunks[1]
	for _, tc := range []struct {
		name, contentType, body string
		stream                  bool
		status                  tracedata.StatusCode
		outputs                 string
		chunks                  []string
	}{
		{name: "truncated JSON", contentType: "application/json", body: chatResponse[:200],
			outputs: func() string { b, _ := json.Marshal(chatResponse[:200]); return string(b) }()},
		{name: "HTML with 200", contentType: "text/html", body: "<html><body>Service Unavailable</body></html>",
			outputs: `"<html><body>Service Unavailable</body></html>"`},
		{name: "JSON array", contentType: "application/json", body: `[1,2,3]`, outputs: `"[1,2,3]"`},
		{name: "malformed chunk", contentType: "text/event-stream", stream: true,
			body:   chatStreamChunks[0] + "data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":\n\n" + goodChunk + "data: not json at all\n\n" + "data: [DONE]\n\n",
			chunks: []string{sseData(chatStreamChunks[0])[0], `"{\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":"`, sseData(goodChunk)[0], `"not json at all"`}},
		{name: "chunk of wrong types", contentType: "text/event-stream", stream: true,
			body:   "data: {\"id\":1,\"choices\":{\"index\":\"0\"},\"usage\":[]}\n\n" + goodChunk + "data: [DONE]\n\n",
			chunks: []string{`{"id":1,"choices":{"index":"0"},"usage":[]}`, sseData(goodChunk)[0]}},
		{name: "binary garbage stream", contentType: "text/event-stream", stream: true,
			body:   "\x00\xff\xfe data: \x01\n\n\r\r\ndata: {\"choices\":[{\"index\":-1,\"delta\":{\"tool_calls\":[{\"index\":-5}]}}]}\n\n",
			status: tracedata.StatusError}, // no [DONE]: IncompleteStream
	} {
		t.Run(tc.name, func(t *testing.T) {
			serve := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{
					Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
					Header:  http.Header{"Content-Type": {tc.contentType}},
					Body:    io.NopCloser(strings.NewReader(tc.body)),
					Request: r, ContentLength: int64(len(tc.body)),
				}, nil
			})
			traces := tracetest.Capture(t)
			reqBody := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
			if tc.stream {
				reqBody = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}`
			}
			for _, n := range []int{1 << 20, 7} { // whole, and in small pieces
				req, _ := http.NewRequest(http.MethodPost, apiBaseURL+"/chat/completions", strings.NewReader(reqBody))
				resp, err := (&http.Client{Transport: openai.NewTransport(slowly(serve, n))}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(got) != tc.body {
					t.Errorf("read %q, %v; want the body unchanged", got, err)
				}
			}
			// go-openai gets the same result as without tracing.
			if tc.stream {
				plain, plainErr := drainChatStream(goClient("k", serve).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
				got, err := drainChatStream(goClient("k", openai.NewTransport(serve)).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
				if len(got) != len(plain) || (err == nil) != (plainErr == nil) || (err != nil && err.Error() != plainErr.Error()) {
					t.Errorf("go-openai: %d chunks %v, untraced %d chunks %v", len(got), err, len(plain), plainErr)
				}
			} else {
				plain, plainErr := runChat(context.Background(), goClient("k", serve))
				got, err := runChat(context.Background(), goClient("k", openai.NewTransport(serve)))
				if (err == nil) != (plainErr == nil) || (err != nil && err.Error() != plainErr.Error()) || got.ID != plain.ID {
					t.Errorf("go-openai: %v, untraced %v", err, plainErr)
				}
			}
			ts := traces.Traces()
			if len(ts) != 3 { // two raw reads, one traced go-openai call
				t.Fatalf("%d traces, want 3", len(ts))
			}
			for _, tr := range ts[:2] {
				span := tr.RootSpan()
				want := tc.status
				if want == "" {
					want = tracedata.StatusOK
				}
				if span.Status.Code != want {
					t.Errorf("status %v, want %s", span.Status, want)
				}
				if tc.outputs != "" {
					checkJSON(t, "outputs", span.Outputs(), []byte(tc.outputs))
				}
				if tc.chunks != nil {
					events := chunkEvents(t, span)
					if len(events) != len(tc.chunks) {
						t.Errorf("%d chunk events, want %d", len(events), len(tc.chunks))
					}
					for i := 0; i < len(events) && i < len(tc.chunks); i++ {
						checkJSON(t, "chunk", []byte(asString(events[i].Attributes[spantypes.KeyChunkValue])), []byte(tc.chunks[i]))
					}
				}
			}
		})
	}
}
