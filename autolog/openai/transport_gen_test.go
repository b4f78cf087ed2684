package openai_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/agentlens/agentlens/recordings"
	goopenai "github.com/sashabaranov/go-openai"
)

// genFakeKey is the key the generator's clients send; scrubbing keeps it out of the cassettes.
const genFakeKey = "sk-agentlens-FAKE-openai-0123456789abcdefghij"

// cannedResponse is one answer of the fake OpenAI server.
type cannedResponse struct {
	method, path string // what the request must be
	azure        bool   // authenticated with api-key instead of a bearer token
	status       int
	header       map[string]string
	body         string   // written at once, with Content-Length
	chunks       []string // or streamed: written and flushed one by one
}

// genScenario is one cassette: a program run against the fake server, which answers with
// responses in order.
type genScenario struct {
	cassette  string
	responses []cannedResponse
	run       func(ctx context.Context, key string, rt http.RoundTripper) error
}

// openaiHeaders are the response headers of api.openai.com.
func openaiHeaders(contentType, requestID, processingMS string) map[string]string {
	return map[string]string{
		"Content-Type":                   contentType,
		"Access-Control-Expose-Headers":  "X-Request-ID",
		"Openai-Organization":            "user-agentlensdemo",
		"Openai-Processing-Ms":           processingMS,
		"Openai-Project":                 "proj_AgentlensDemoProject0001",
		"Openai-Version":                 "2020-10-01",
		"X-Content-Type-Options":         "nosniff",
		"X-Ratelimit-Limit-Requests":     "10000",
		"X-Ratelimit-Limit-Tokens":       "10000000",
		"X-Ratelimit-Remaining-Requests": "9999",
		"X-Ratelimit-Remaining-Tokens":   "9999985",
		"X-Ratelimit-Reset-Requests":     "6ms",
		"X-Ratelimit-Reset-Tokens":       "0s",
		"X-Request-Id":                   requestID,
		"Set-Cookie":                     "__cf_bm=agentlensfakecookie; path=/; expires=Fri, 22-Aug-25 13:00:00 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None",
		"Cf-Ray":                         "973c0e1f2a3b4c5d-CDG",
		"Cf-Cache-Status":                "DYNAMIC",
		"Server":                         "cloudflare",
	}
}

func jsonHeaders(requestID, ms string) map[string]string {
	return openaiHeaders("application/json", requestID, ms)
}

func sseHeaders(requestID, ms string) map[string]string {
	return openaiHeaders("text/event-stream; charset=utf-8", requestID, ms)
}

func azureHeaders(requestID string) map[string]string {
	return map[string]string{
		"Content-Type":                   "application/json",
		"Apim-Request-Id":                requestID,
		"X-Request-Id":                   requestID,
		"X-Ms-Region":                    "Sweden Central",
		"X-Ms-Rai-Invoked":               "true",
		"X-Ms-Deployment-Name":           azureDeploymentName,
		"X-Ratelimit-Limit-Requests":     "450",
		"X-Ratelimit-Remaining-Requests": "449",
		"X-Ratelimit-Limit-Tokens":       "450000",
		"X-Ratelimit-Remaining-Tokens":   "449983",
		"Strict-Transport-Security":      "max-age=31536000; includeSubDomains; preload",
	}
}

func genScenarios() []genScenario {
	chat := func(body string, hdr map[string]string) cannedResponse {
		return cannedResponse{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusOK, header: hdr, body: body}
	}
	goRun := func(f func(ctx context.Context, c *goopenai.Client) error) func(context.Context, string, http.RoundTripper) error {
		return func(ctx context.Context, key string, rt http.RoundTripper) error { return f(ctx, goClient(key, rt)) }
	}
	ignoreErr := func(err error) error { return nil }
	return []genScenario{
		{
			cassette:  cassChat,
			responses: []cannedResponse{chat(chatResponse, jsonHeaders("req_7a1c9e3f5b2d4a6c8e0f1a3b5c7d9e1f", "412"))},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runChat(ctx, c)
				return err
			}),
		},
		{
			cassette: cassChatTools,
			responses: []cannedResponse{
				chat(toolCallResponse, jsonHeaders("req_2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e0b", "655")),
				chat(toolAnswerResponse, jsonHeaders("req_3c5e7a9b1d2f4b6d8a0c2e4a6b8d0f1c", "389")),
			},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runToolLoop(ctx, c, func(ctx context.Context, call goopenai.ToolCall) (string, error) {
					return getWeather(ctx, call.Function.Arguments)
				})
				return err
			}),
		},
		{
			cassette: cassChatStream,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusOK,
				header: sseHeaders("req_4d6f8b0c2e3a5c7e9b1d3f5a7c9e1b2d", "183"), chunks: chatStreamChunks}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runChatStream(ctx, c)
				return err
			}),
		},
		{
			cassette: cassChatStreamTools,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusOK,
				header: sseHeaders("req_5e7a9c1d3f4b6d8a0c2e4a6b8d0f2c3e", "297"), chunks: chatStreamToolsChunks}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runChatStreamTools(ctx, c)
				return err
			}),
		},
		{
			cassette: cassCompletions,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/completions", status: http.StatusOK,
				header: jsonHeaders("req_6f8b0d2e4a5c7e9b1d3f5a7c9e1b3d4f", "240"), body: completionResponse}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runCompletion(ctx, c)
				return err
			}),
		},
		{
			cassette: cassEmbeddings,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/embeddings", status: http.StatusOK,
				header: jsonHeaders("req_7a9c1e3f5b6d8a0c2e4b6d8f0a2c4e5a", "61"), body: embeddingsResponse}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := runEmbeddings(ctx, c)
				return err
			}),
		},
		{
			cassette: cassResponses,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/responses", status: http.StatusOK,
				header: jsonHeaders("req_8b0d2f4a6c7e9b1d3f5a7c9e1b3d5f6b", "1016"), body: responsesResponse}},
			run: func(ctx context.Context, key string, rt http.RoundTripper) error {
				_, err := runResponses(ctx, goClientOpts(key, rt)...)
				return err
			},
		},
		{
			cassette: cassResponsesStream,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/responses", status: http.StatusOK,
				header: sseHeaders("req_9c1e3a5b7d8f0a2c4e6b8d0f2a4c6e7c", "58"), chunks: responsesStreamEvents}},
			run: func(ctx context.Context, key string, rt http.RoundTripper) error {
				_, err := runResponsesStream(ctx, goClientOpts(key, rt)...)
				return err
			},
		},
		{
			cassette: cassAzureChat,
			responses: []cannedResponse{
				{method: http.MethodPost, path: "/openai/deployments/" + azureDeploymentName + "/chat/completions", azure: true,
					status: http.StatusOK, header: azureHeaders("5f1d3c7a-2b4e-4a6c-9e8f-0a1b2c3d4e5f"), body: azureChatResponse},
				{method: http.MethodPost, path: "/openai/deployments/" + azureDeploymentName + "/chat/completions", azure: true,
					status: http.StatusOK, header: azureHeaders("6a2e4d8b-3c5f-4b7d-8f9a-1b2c3d4e5f6a"), body: azureRawResponse},
			},
			run: func(ctx context.Context, key string, rt http.RoundTripper) error {
				if _, err := runAzureChat(ctx, azureClient(key, rt)); err != nil {
					return err
				}
				_, _, err := runAzureRaw(ctx, key, &http.Client{Transport: rt})
				return err
			},
		},
		{
			cassette: cassError429,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusTooManyRequests,
				header: func() map[string]string {
					h := jsonHeaders("req_0d2f4b6c8e9a1c3e5b7d9f1a3c5e7b8d", "9")
					h["X-Ratelimit-Limit-Requests"] = "3"
					h["X-Ratelimit-Remaining-Requests"] = "0"
					h["X-Ratelimit-Reset-Requests"] = "20s"
					return h
				}(), body: error429Body}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := c.CreateChatCompletion(ctx, errorChatRequest(prompt429))
				return ignoreErr(err)
			}),
		},
		{
			cassette: cassError500,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusInternalServerError,
				header: jsonHeaders("req_1e3a5c7d9f0b2d4f6a8c0e2b4d6f8a9e", "1203"), body: error500Body}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := c.CreateChatCompletion(ctx, errorChatRequest(prompt500))
				return ignoreErr(err)
			}),
		},
		{
			cassette: cassError502,
			responses: []cannedResponse{{method: http.MethodPost, path: "/v1/chat/completions", status: http.StatusBadGateway,
				header: map[string]string{"Content-Type": "text/html", "Server": "cloudflare", "Cf-Ray": "973c0e9a8b7c6d5e-CDG"}, body: error502Body}},
			run: goRun(func(ctx context.Context, c *goopenai.Client) error {
				_, err := c.CreateChatCompletion(ctx, errorChatRequest(prompt502))
				return ignoreErr(err)
			}),
		},
	}
}

// TestGenerateOpenAICassettes rewrites recordings/cassettes/openai/*.yaml by recording the
// programs of transport_data_test.go against a fake OpenAI server that answers with the
// hand-written responses there, through the real recording path (a fake key,
// AGENTLENS_RECORD=1), as recordings' own selftest cassette is made. It runs only when asked:
//
//	AGENTLENS_REGEN_OPENAI=1 go test ./autolog/openai -run TestGenerateOpenAICassettes
func TestGenerateOpenAICassettes(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_OPENAI") != "1" {
		t.Skip("set AGENTLENS_REGEN_OPENAI=1 to rewrite recordings/cassettes/openai/*.yaml")
	}
	const keyEnv = "AGENTLENS_OPENAI_FAKE_KEY"
	t.Setenv("AGENTLENS_RECORD", "1")
	t.Setenv(keyEnv, genFakeKey)

	for _, sc := range genScenarios() {
		t.Run(sc.cassette, func(t *testing.T) {
			fake := &fakeOpenAI{t: t, queue: sc.responses}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			rec, err := recordings.Open(sc.cassette, recordings.Options{KeyEnv: keyEnv, RealTransport: redirectTo(t, srv)})
			if err != nil {
				t.Fatal(err)
			}
			if !rec.Recording() {
				t.Fatal("not recording")
			}
			if err := sc.run(context.Background(), genFakeKey, rec); err != nil {
				t.Fatalf("program: %v", err)
			}
			if n := fake.left(); n != 0 {
				t.Fatalf("%d canned responses were not asked for", n)
			}
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(recordings.Path(sc.cassette))
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{genFakeKey, "agentlensfakecookie", "proj_AgentlensDemoProject0001"} {
				if strings.Contains(string(data), secret) {
					t.Errorf("cassette contains %q", secret)
				}
			}
		})
	}
}

// fakeOpenAI answers requests with its canned responses, in order, checking that each
// request is the one expected and carries the fake key.
type fakeOpenAI struct {
	t     *testing.T
	mu    sync.Mutex
	queue []cannedResponse
}

func (f *fakeOpenAI) left() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	if len(f.queue) == 0 {
		f.mu.Unlock()
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	c := f.queue[0]
	f.queue = f.queue[1:]
	f.mu.Unlock()
	authOK := r.Header.Get("Authorization") == "Bearer "+genFakeKey
	if c.azure {
		authOK = r.Header.Get("Api-Key") == genFakeKey && r.URL.Query().Get("api-version") == azureAPIVersion
	}
	if r.Method != c.method || r.URL.Path != c.path || !authOK {
		f.t.Errorf("request %s %s (auth ok: %v), want %s %s", r.Method, r.URL, authOK, c.method, c.path)
		http.Error(w, "unexpected", http.StatusBadRequest)
		return
	}
	for k, v := range c.header {
		w.Header().Set(k, v)
	}
	if c.chunks == nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.body)
		return
	}
	w.WriteHeader(c.status)
	for _, ch := range c.chunks {
		_, _ = io.WriteString(w, ch)
		w.(http.Flusher).Flush()
	}
}

// redirectTo sends every request to srv, leaving the request's own URL (the one recorded)
// as it was.
func redirectTo(t *testing.T, srv *httptest.Server) http.RoundTripper {
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.Client().Transport
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		out := r.Clone(r.Context())
		out.URL.Scheme = target.Scheme
		out.URL.Host = target.Host
		out.Host = ""
		return base.RoundTrip(out)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
