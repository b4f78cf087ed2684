package anthropic_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/agentlens/agentlens/autolog/anthropic"
	agentlens "github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/tracetest"
)

// exampleAPI answers like the Messages API (an answer generated in its wire format), so
// that the examples run offline.
func exampleAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"msg_01Example","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",`+
			`"content":[{"type":"text","text":"Cold."}],"stop_reason":"end_turn","stop_sequence":null,`+
			`"usage":{"input_tokens":6,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":2}}`)
	}))
}

func exampleParams() sdk.MessageNewParams {
	return sdk.MessageNewParams{
		Model:     "claude-sonnet-4-5-20250929",
		MaxTokens: 64,
		Messages:  []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock("The opposite of hot is"))},
	}
}

// Trace every client made after Autolog: they send through http.DefaultTransport, which it
// wraps. The input tokens count the 4 read from the prompt cache, as MLflow counts them.
func ExampleAutolog() {
	srv := exampleAPI() // stands in for https://api.anthropic.com
	defer srv.Close()
	mem := agentlens.NewMemoryDestination()
	restore, _ := agentlens.Override(agentlens.WithDestinations(mem))
	defer restore()

	undo := anthropic.Autolog() // before NewClient, which copies a plain http.DefaultTransport
	defer undo()
	client := sdk.NewClient(option.WithAPIKey("sk-ant-..."), option.WithBaseURL(srv.URL))
	msg, err := client.Messages.New(context.Background(), exampleParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msg.Content[0].Text)

	_ = agentlens.Flush(context.Background())
	t := mem.Traces()[0]
	fmt.Print(tracetest.Tree(t))
	u, _ := t.TokenUsage()
	fmt.Println(u.InputTokens, u.OutputTokens, u.TotalTokens, t.Info.ResponsePreview)
	// Output:
	// Cold.
	// CHAT_MODEL Messages.create OK
	// 10 2 12 Cold.
}

// Trace one client only, with its middleware.
func ExampleMiddleware() {
	srv := exampleAPI()
	defer srv.Close()
	mem := agentlens.NewMemoryDestination()
	restore, _ := agentlens.Override(agentlens.WithDestinations(mem))
	defer restore()

	client := sdk.NewClient(option.WithAPIKey("sk-ant-..."), option.WithBaseURL(srv.URL),
		option.WithMiddleware(anthropic.Middleware()))
	if _, err := client.Messages.New(context.Background(), exampleParams()); err != nil {
		fmt.Println(err)
		return
	}
	_ = agentlens.Flush(context.Background())
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// CHAT_MODEL Messages.create OK
}
