package openai_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestConformanceRealFixtures replays every OpenAI and OpenRouter exchange of the real
// recordings that langchaingo's module ships (read from the module cache, so this runs on any
// machine that builds the tests) through the tracing transport: the caller reads the recorded
// bytes, and the span holds the recorded response (streams assembled, response-level fields
// such as OpenRouter's provider kept), the recorded usage and the upstream provider.
func TestConformanceRealFixtures(t *testing.T) {
	root, err := httprr.LangchaingoDir()
	if err != nil {
		t.Fatal(err)
	}
	exchanges, err := httprr.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]int{} // by provider, and "errors"
	for _, ex := range exchanges {
		method, url := ex.Request.Method, ex.Request.URL.String()
		var provider, path string
		switch {
		case strings.HasPrefix(url, "https://api.openai.com/"):
			provider, path = "openai", strings.TrimPrefix(url, "https://api.openai.com")
		case strings.HasPrefix(url, "https://openrouter.ai/api"):
			provider, path = "openrouter", strings.TrimPrefix(url, "https://openrouter.ai/api")
		default:
			continue // other providers
		}
		if path != "/v1/chat/completions" && path != "/v1/embeddings" {
			continue
		}
		ex := ex
		t.Run(fmt.Sprintf("%s#%d", ex.File, ex.Index), func(t *testing.T) {
			traces := tracetest.Capture(t)
			recorded := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.Method != method || r.URL.String() != url {
					return nil, fmt.Errorf("unexpected request %s %s", r.Method, r.URL)
				}
				// A fresh copy of the recorded response, for r.
				resp := *ex.Response
				resp.Header = resp.Header.Clone()
				resp.Body = io.NopCloser(bytes.NewReader(ex.ResponseBody))
				resp.Request = r
				return &resp, nil
			})
			req, err := http.NewRequest(method, url, bytes.NewReader(ex.RequestBody))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = ex.Request.Header.Clone()
			resp, err := (&http.Client{Transport: openai.NewTransport(recorded)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, ex.ResponseBody) || resp.StatusCode != ex.Response.StatusCode {
				t.Fatalf("the caller read %d bytes (status %d), the recorded body has %d (status %d)", len(got), resp.StatusCode, len(ex.ResponseBody), ex.Response.StatusCode)
			}
			ts := traces.Traces()
			if len(ts) != 1 {
				t.Fatalf("%d traces", len(ts))
			}
			span := ts[0].RootSpan()
			if ex.Response.StatusCode >= 400 {
				checkRecordedError(t, span, ex)
				return
			}
			wantTree := "CHAT_MODEL Completions OK\n"
			if path == "/v1/embeddings" {
				wantTree = "EMBEDDING Embeddings OK\n"
			}
			if tree := tracetest.Tree(ts[0]); tree != wantTree {
				t.Fatalf("tree:\n%s", tree)
			}
			checkJSON(t, "inputs", span.Inputs(), ex.RequestBody)
			var reqFields struct {
				Model string `json:"model"`
			}
			_ = json.Unmarshal(ex.RequestBody, &reqFields)
			if m := span.StringAttribute(spantypes.KeyLLMModel); m != reqFields.Model {
				t.Errorf("model %q, request says %q", m, reqFields.Model)
			}
			if p := span.StringAttribute(spantypes.KeyLLMProvider); p != provider {
				t.Errorf("provider %q, want %q", p, provider)
			}
			if up, want := span.StringAttribute(spantypes.KeyUpstreamProvider), upstreamOf(ex.ResponseBody); up != want {
				t.Errorf("upstream provider %q, the response names %q", up, want)
			}

			var wantUsage map[string]any
			if mediaType, _, _ := strings.Cut(ex.Response.Header.Get("Content-Type"), ";"); mediaType == "text/event-stream" {
				wantUsage = checkAssembledStream(t, span, string(ex.ResponseBody))
			} else {
				checkJSON(t, "outputs", span.Outputs(), ex.ResponseBody)
				var body struct {
					Usage map[string]any `json:"usage"`
					ID    string         `json:"id"`
					Model string         `json:"model"`
				}
				if err := json.Unmarshal(ex.ResponseBody, &body); err != nil {
					t.Fatal(err)
				}
				wantUsage = body.Usage
				if m := span.StringAttribute(spantypes.KeyGenAIResponseModel); m != body.Model {
					t.Errorf("response model %q, want %q", m, body.Model)
				}
				if id := span.StringAttribute(spantypes.KeyGenAIResponseID); id != body.ID {
					t.Errorf("response id %q, want %q", id, body.ID)
				}
			}
			if wantUsage == nil {
				t.Fatal("the recorded response has no usage")
			}
			count := func(k string) int64 { f, _ := wantUsage[k].(float64); return int64(f) }
			want := tracedata.TokenUsage{InputTokens: count("prompt_tokens"), OutputTokens: count("completion_tokens"), TotalTokens: count("total_tokens")}
			if u, ok := span.TokenUsage(); !ok || u != want {
				t.Errorf("token usage %+v (%v), recorded %+v", u, ok, want)
			}
		})
		checked[provider]++
		if ex.Response.StatusCode >= 400 {
			checked["errors"]++
		}
	}
	t.Logf("checked real exchanges: %v", checked)
	if checked["openai"] < 10 || checked["openrouter"] == 0 || checked["errors"] == 0 {
		t.Errorf("real exchanges checked: %v, want OpenAI's, OpenRouter's and an error", checked)
	}
}

// checkRecordedError checks the span of a recorded HTTP error (OpenRouter's 429 has a
// numeric code and no type): ERROR with the exception the OpenAI SDKs would raise, the API's
// message and code, the body as outputs.
func checkRecordedError(t *testing.T, span *tracedata.Span, ex httprr.Exchange) {
	t.Helper()
	var body struct {
		Error struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Code    json.RawMessage `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(ex.ResponseBody, &body); err != nil {
		t.Fatalf("recorded error body: %v", err)
	}
	names := map[int]string{400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFoundError", 429: "RateLimitError"}
	want := names[ex.Response.StatusCode] + ": " + body.Error.Message
	if span.Status.Code != tracedata.StatusError || span.Status.Message != want {
		t.Errorf("status %+v, want ERROR %q", span.Status, want)
	}
	if got := exceptions(span); len(got) != 1 || got[0] != want {
		t.Errorf("exceptions %q", got)
	}
	if got := span.Attributes[spantypes.KeyAPIErrorCode]; got != string(body.Error.Code) {
		t.Errorf("%s = %s, recorded %s", spantypes.KeyAPIErrorCode, got, body.Error.Code)
	}
	if got := span.StringAttribute(spantypes.KeyHTTPStatusCode); got != strconv.Itoa(ex.Response.StatusCode) {
		t.Errorf("HTTP status %s", got)
	}
	checkJSON(t, "outputs", span.Outputs(), ex.ResponseBody)
}

// upstreamOf returns the provider field of a recorded response body, JSON or the last
// stream chunk that has one ("" when none does).
func upstreamOf(body []byte) string {
	var up string
	for _, text := range append(sseData(string(body)), string(body)) {
		var v struct {
			Provider string `json:"provider"`
		}
		if json.Unmarshal([]byte(text), &v) == nil && v.Provider != "" {
			up = v.Provider
		}
	}
	return up
}

// checkAssembledStream checks a streamed chat span against the recorded SSE body: one
// chunk event per data event (the chunk itself), and outputs holding the concatenated
// content, the assembled tool calls, the last finish reason and the usage chunk's usage.
// It returns the recorded usage.
func checkAssembledStream(t *testing.T, span *tracedata.Span, body string) map[string]any {
	t.Helper()
	data := sseData(body)
	events := chunkEvents(t, span)
	if len(events) != len(data) {
		t.Errorf("%d chunk events, %d data events recorded", len(events), len(data))
	}
	for i := 0; i < len(events) && i < len(data); i++ {
		checkJSON(t, fmt.Sprintf("chunk %d", i), []byte(asString(events[i].Attributes[spantypes.KeyChunkValue])), []byte(data[i]))
	}
	if _, ok := span.Attributes[spantypes.KeyTimeToFirstTokenMS]; !ok {
		t.Error("no time to first token")
	}
	type call struct {
		ID, Type, Name, Args string
	}
	var (
		id, model string
		content   strings.Builder
		finish    any
		usage     map[string]any
		calls     = map[int]*call{}
		order     []int
	)
	for _, d := range data {
		var c struct {
			ID      string         `json:"id"`
			Model   string         `json:"model"`
			Usage   map[string]any `json:"usage"`
			Choices []struct {
				Index        int     `json:"index"`
				FinishReason *string `json:"finish_reason"`
				Delta        struct {
					Content   string `json:"content"`
					ToolCalls []struct {
						Index    int    `json:"index"`
						ID       string `json:"id"`
						Type     string `json:"type"`
						Function struct {
							Name      string `json:"name"`
							Arguments string `json:"arguments"`
						} `json:"function"`
					} `json:"tool_calls"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(d), &c); err != nil {
			t.Fatalf("recorded chunk: %v", err)
		}
		if id == "" {
			id, model = c.ID, c.Model
		}
		if c.Usage != nil {
			usage = c.Usage
		}
		for _, ch := range c.Choices {
			if ch.Index != 0 {
				t.Fatalf("choice %d: only n=1 streams are recorded", ch.Index)
			}
			content.WriteString(ch.Delta.Content)
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
			for _, tc := range ch.Delta.ToolCalls {
				cl := calls[tc.Index]
				if cl == nil {
					cl = &call{}
					calls[tc.Index] = cl
					order = append(order, tc.Index)
				}
				if cl.ID == "" {
					cl.ID, cl.Type, cl.Name = tc.ID, tc.Type, tc.Function.Name
				}
				cl.Args += tc.Function.Arguments
			}
		}
	}
	var out struct {
		ID      string         `json:"id"`
		Object  string         `json:"object"`
		Model   string         `json:"model"`
		Usage   map[string]any `json:"usage"`
		Choices []struct {
			Index        int `json:"index"`
			FinishReason any `json:"finish_reason"`
			Message      struct {
				Role      string `json:"role"`
				Content   any    `json:"content"`
				ToolCalls []struct {
					ID       string `json:"id"`
					Type     string `json:"type"`
					Function struct {
						Name      string `json:"name"`
						Arguments string `json:"arguments"`
					} `json:"function"`
				} `json:"tool_calls"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(span.Outputs(), &out); err != nil {
		t.Fatalf("outputs: %v\n%s", err, span.Outputs())
	}
	if out.ID != id || out.Model != model || out.Object != "chat.completion" || len(out.Choices) != 1 {
		t.Fatalf("outputs %s", span.Outputs())
	}
	msg := out.Choices[0].Message
	var wantContent any
	if content.Len() > 0 {
		wantContent = content.String()
	}
	if msg.Content != wantContent || msg.Role != "assistant" || out.Choices[0].FinishReason != finish {
		t.Errorf("outputs message %+v finish %v, want content %q finish %v", msg, out.Choices[0].FinishReason, wantContent, finish)
	}
	if len(msg.ToolCalls) != len(order) {
		t.Errorf("%d tool calls, recorded %d", len(msg.ToolCalls), len(order))
	}
	for i := 0; i < len(msg.ToolCalls) && i < len(order); i++ {
		w, g := calls[order[i]], msg.ToolCalls[i]
		if g.ID != w.ID || g.Function.Name != w.Name || g.Function.Arguments != w.Args {
			t.Errorf("tool call %d %+v, recorded %+v", i, g, *w)
		}
	}
	if !reflect.DeepEqual(out.Usage, usage) {
		t.Errorf("outputs usage %v, usage chunk %v", out.Usage, usage)
	}
	return usage
}
