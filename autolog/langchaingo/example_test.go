package langchaingo_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/prompts"
	"github.com/tmc/langchaingo/tools"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/tracetest"
)

// One handler for every component that takes one: the chain, its LLM (and the agent
// executor and built-in tools of an agent program).
func ExampleNewHandler() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()
	sdk.Enable()
	srv := fakeChatServer(`Paris.`)
	defer srv.Close()

	h := lcg.NewHandler()
	llm, _ := openai.New(openai.WithToken("k"), openai.WithBaseURL(srv.URL), openai.WithCallback(h))
	chain := chains.NewLLMChain(llm, prompts.NewPromptTemplate("What is the capital of {{.country}}?", []string{"country"}), chains.WithCallback(h))
	answer, _ := chains.Predict(context.Background(), chain, map[string]any{"country": "France"})

	_ = sdk.Flush(context.Background())
	fmt.Println(answer)
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// Paris.
	// CHAIN LLMChain OK
	//   CHAT_MODEL GenerateContent OK
}

// The wrappers give every call a context of its own: exact trees also for components that
// fire no callbacks (tools, retrievers, embedders, most chains) and for concurrent calls.
func ExampleWrapChain() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()
	sdk.Enable()
	srv := fakeChatServer(`Final Answer: 4`)
	defer srv.Close()

	llm, _ := openai.New(openai.WithToken("k"), openai.WithBaseURL(srv.URL),
		// NewTransport puts the OpenAI adapter under the LLM: it enriches the model span.
		openai.WithHTTPClient(&http.Client{Transport: lcg.NewTransport(nil)}))
	agent := agents.NewOneShotAgent(lcg.WrapModel(llm), lcg.WrapTools([]tools.Tool{tools.Calculator{}}))
	executor := lcg.WrapChain(agents.NewExecutor(agent))
	answer, _ := chains.Run(context.Background(), executor, "What is 2 plus 2?")

	_ = sdk.Flush(context.Background())
	fmt.Println(answer)
	fmt.Print(tracetest.Tree(mem.Traces()[0]))
	// Output:
	// 4
	// AGENT AgentExecutor OK
	//   CHAT_MODEL openai.LLM OK
}

// fakeChatServer answers every chat completion with content.
func fakeChatServer(content string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":`+
			fmt.Sprintf("%q", content)+`},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}`)
	}))
}
