package gemini_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	genaigo "github.com/google/generative-ai-go/genai"
	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// exampleServer answers generateContent like the Gemini API (an answer generated in its
// wire format), so that the examples run offline.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = io.WriteString(w, `{"candidates":[{"content":{"parts":[{"text":"Cold."}],"role":"model"},"finishReason":"STOP"}],`+
			`"usageMetadata":{"promptTokenCount":6,"candidatesTokenCount":2,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash"}`)
	}))
}

// Trace the calls of a genai client made with an API key: it uses http.DefaultTransport,
// which Autolog wraps.
func ExampleAutolog() {
	srv := exampleServer() // stands in for https://generativelanguage.googleapis.com
	defer srv.Close()
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	undo := gemini.Autolog()
	defer undo()
	client, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "AIza...", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.Models.GenerateContent(context.Background(), "gemini-2.0-flash", genai.Text("The opposite of hot is"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Text())

	_ = sdk.Flush(context.Background())
	t := mem.Traces()[0]
	fmt.Print(tracetest.Tree(t))
	u, _ := t.TokenUsage()
	fmt.Println(u.InputTokens, u.OutputTokens, u.TotalTokens, t.RootSpan().StringAttribute(spantypes.KeyLLMProvider))
	// Output:
	// Cold.
	// CHAT_MODEL Models.generate_content OK
	// 6 2 8 gemini
}

// Trace one genai client only.
func ExampleHTTPClient() {
	srv := exampleServer()
	defer srv.Close()
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	client, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "AIza...", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
		HTTPClient: gemini.HTTPClient(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.0-flash", genai.Text("The opposite of hot is"), nil); err != nil {
		fmt.Println(err)
		return
	}
	_ = sdk.Flush(context.Background())
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// CHAT_MODEL Models.generate_content OK
}

// Trace a github.com/google/generative-ai-go client, which Autolog cannot reach: its
// options carry the traced HTTP client and the key.
func ExampleClientOptions() {
	ctx := context.Background()
	client, err := genaigo.NewClient(ctx, gemini.ClientOptions("AIza...")...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	fmt.Println("ready")
	// Output: ready
}
