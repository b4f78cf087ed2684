package openai_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// openRouterError is an error body as OpenRouter sends it: a numeric code, no type.
func openRouterError(code int, msg string) string {
	return `{"error":{"message":"` + msg + `","code":` + strconv.Itoa(code) + `,"metadata":{"provider_name":null}},"user_id":"user_2yDemo"}`
}

// errorResponder answers with status and body (gzipped when gz).
func errorResponder(status int, body string, gz bool) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {"application/json"}}
		raw := []byte(body)
		if gz {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = zw.Write(raw)
			_ = zw.Close()
			raw = b.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
		return &http.Response{
			Status: strconv.Itoa(status) + " " + http.StatusText(status), StatusCode: status,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h,
			Body: io.NopCloser(bytes.NewReader(raw)), Request: r, ContentLength: int64(len(raw)),
		}, nil
	})
}

// TestHTTPErrorNames (issue 15, point 6): an HTTP error is named as the OpenAI SDKs name it,
// whatever the API's body says (OpenRouter sends a numeric code and no type, which made the
// exception type "429"); the API's own code and type are kept as attributes.
func TestHTTPErrorNames(t *testing.T) {
	const req = `{"model":"meta-llama/llama-3.3-70b-instruct:free","messages":[{"role":"user","content":"hi"}]}`
	for _, tc := range []struct {
		status      int
		body        string
		gzip        bool
		name, msg   string
		typ, code   string
		wantOutputs string
	}{
		{status: 400, body: `{"error":{"message":"Unsupported value: 'temperature'","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}`,
			name: "BadRequestError", msg: "Unsupported value: 'temperature'", typ: "invalid_request_error", code: `"unsupported_value"`},
		{status: 401, body: openRouterError(401, "No auth credentials found"), name: "AuthenticationError", msg: "No auth credentials found", code: "401"},
		{status: 403, body: openRouterError(403, "This model is not available in your region"), name: "PermissionDeniedError", msg: "This model is not available in your region", code: "403"},
		{status: 404, body: `{"error":{"message":"The model 'gpt-5-mega' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`,
			name: "NotFoundError", msg: "The model 'gpt-5-mega' does not exist", typ: "invalid_request_error", code: `"model_not_found"`},
		{status: 409, body: openRouterError(409, "conflict"), name: "ConflictError", msg: "conflict", code: "409"},
		{status: 422, body: openRouterError(422, "unprocessable"), name: "UnprocessableEntityError", msg: "unprocessable", code: "422"},
		{status: 429, body: openRouterError(429, "Rate limit exceeded: free-models-per-day"), name: "RateLimitError", msg: "Rate limit exceeded: free-models-per-day", code: "429"},
		{status: 429, body: openRouterError(429, "Rate limit exceeded: free-models-per-day"), gzip: true, name: "RateLimitError", msg: "Rate limit exceeded: free-models-per-day", code: "429"},
		{status: 402, body: openRouterError(402, "Insufficient credits"), name: "APIStatusError", msg: "Insufficient credits", code: "402"},
		{status: 503, body: `upstream connect error`, name: "InternalServerError", msg: "HTTP 503 Service Unavailable", wantOutputs: `"upstream connect error"`},
	} {
		t.Run(strconv.Itoa(tc.status)+map[bool]string{true: " gzip"}[tc.gzip], func(t *testing.T) {
			traces := tracetest.Capture(t)
			r, _ := http.NewRequest(http.MethodPost, "https://openrouter.ai/api/v1/chat/completions", strings.NewReader(req))
			resp, err := openai.NewTransport(errorResponder(tc.status, tc.body, tc.gzip)).RoundTrip(r)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			want := tc.name + ": " + tc.msg
			outputs := tc.wantOutputs
			if outputs == "" {
				outputs = tc.body
			}
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				status: tracedata.StatusError, statusMessage: want,
				inputs: req, outputs: outputs,
				model: "meta-llama/llama-3.3-70b-instruct:free", provider: "openrouter", operation: "chat", httpStatus: tc.status,
				apiErrorType: tc.typ, apiErrorCode: tc.code,
				exceptions: []string{want},
			}.check(t, traces.LastTrace().RootSpan())
		})
	}
}

// TestStreamErrorNames: an error the server sends inside a stream has no HTTP status; with
// no API type, a numeric code of an HTTP error status (OpenRouter's) names it as that
// status, and anything else is an APIError, as the SDKs raise it.
func TestStreamErrorNames(t *testing.T) {
	for _, tc := range []struct {
		event, want, code string
	}{
		{`{"error":{"message":"Provider returned error","code":502,"metadata":{"raw":"upstream"}}}`, "InternalServerError: Provider returned error", "502"},
		{`{"error":{"message":"Rate limit exceeded","code":429}}`, "RateLimitError: Rate limit exceeded", "429"},
		{`{"error":{"message":"something broke"}}`, "APIError: something broke", ""},
	} {
		t.Run(tc.want, func(t *testing.T) {
			body := chatStreamChunks[0] + chatStreamChunks[1] + "data: " + tc.event + "\n\n"
			traces := tracetest.Capture(t)
			_, err := drainChatStream(goClient("k", openai.NewTransport(sseResponder(body))).CreateChatCompletionStream(context.Background(), chatStreamRequest()))
			var apiErr *goopenai.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("caller got %v", err)
			}
			span := traces.LastTrace().RootSpan()
			if span.Status.Code != tracedata.StatusError || span.Status.Message != tc.want {
				t.Errorf("status %+v, want ERROR %q", span.Status, tc.want)
			}
			if got := span.Attributes[spantypes.KeyAPIErrorCode]; got != tc.code {
				t.Errorf("%s = %q, want %q", spantypes.KeyAPIErrorCode, got, tc.code)
			}
		})
	}
}
