package gemini_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/tracetest"
)

const chatCompletion = `{"id":"chatcmpl-autolog1","object":"chat.completion","created":1755866100,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}`

// post sends a request with http.DefaultClient, as clients without a transport do.
func post(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.DefaultClient.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAutologWithOpenAI: with both adapters on http.DefaultTransport, a genai client made
// without an HTTPClient is traced by gemini, an OpenAI request by openai, countTokens and
// other requests by neither; undoing in either order leaves http.DefaultTransport as it was.
func TestAutologWithOpenAI(t *testing.T) {
	for _, geminiFirst := range []bool{true, false} {
		name := "undo openai first"
		if geminiFirst {
			name = "undo gemini first"
		}
		t.Run(name, func(t *testing.T) {
			orig := http.DefaultTransport
			t.Cleanup(func() { http.DefaultTransport = orig })
			fake, srv := newFake(t,
				reply{body: plainResponse},
				reply{body: `{"totalTokens": 7}`},
				reply{body: chatCompletion},
				reply{body: `{"ok": true}`},
			)
			traces := tracetest.Capture(t)
			undoGemini := gemini.Autolog()
			undoOpenAI := openai.Autolog()

			client := genaiClient(t, srv, nil) // genai's own &http.Client{}: http.DefaultTransport
			if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
				t.Fatal(err)
			}
			tokens, err := client.Models.CountTokens(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil)
			if err != nil || tokens.TotalTokens != 7 {
				t.Fatalf("countTokens %+v %v", tokens, err)
			}
			if got := post(t, srv.URL+"/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`); got != chatCompletion {
				t.Errorf("chat body %s", got)
			}
			post(t, srv.URL+"/v1beta/models/gemini-2.5-flash:other", `{}`)
			if n := len(fake.requests()); n != 4 {
				t.Fatalf("%d requests reached the server", n)
			}
			var trees []string
			for _, tr := range traces.Traces() {
				trees = append(trees, tracetest.Tree(tr))
			}
			if got := strings.Join(trees, ""); got != "CHAT_MODEL Models.generate_content OK\nCHAT_MODEL Completions OK\n" {
				t.Errorf("traces:\n%s", got)
			}

			if geminiFirst {
				undoGemini()
				undoOpenAI()
			} else {
				undoOpenAI()
				undoGemini()
			}
			if http.DefaultTransport != orig {
				t.Errorf("http.DefaultTransport is %T after both undos", http.DefaultTransport)
			}
		})
	}
}

// TestAutologRegistered: autolog.Enable turns the adapter on, autolog.Disable off.
func TestAutologRegistered(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	_, srv := newFake(t, reply{body: plainResponse}, reply{body: plainResponse})
	traces := tracetest.Capture(t)
	autolog.Enable()
	client := genaiClient(t, srv, nil)
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
		t.Fatal(err)
	}
	autolog.Disable()
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(traces.Traces()); n != 1 {
		t.Errorf("%d traces, want the one made while enabled", n)
	}
	if http.DefaultTransport != orig {
		t.Errorf("http.DefaultTransport is %T after Disable", http.DefaultTransport)
	}
}

// TestExplicitClientUnderAutolog: an explicit HTTPClient over an Autolog-wrapped
// http.DefaultTransport records the call once.
func TestExplicitClientUnderAutolog(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	_, srv := newFake(t, sse(`{"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP"}]}`))
	traces := tracetest.Capture(t)
	defer gemini.Autolog()()
	client := genaiClient(t, srv, gemini.HTTPClient())
	for _, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.0-flash", genai.Text("hi"), nil) {
		if err != nil {
			t.Fatal(err)
		}
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content_stream OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	if n := len(chunkEvents(tr.RootSpan())); n != 1 {
		t.Errorf("%d chunk events, want 1", n)
	}
}
