package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	einoopenai "github.com/cloudwego/eino-ext/components/model/openai"
	"github.com/cloudwego/eino/components/prompt"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/tmc/langchaingo/chains"
	lcgopenai "github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/prompts"
	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/autolog/gemini"
	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
)

// langchaingoChain is one LLMChain run (one chat completion). Traced, it has the adapter's
// handler on the LLM and the chain and its transport under the LLM's client, as the package
// doc sets it up: a CHAIN span with the model span under it.
func (e *env) langchaingoChain(traced bool) func(*http.Client) (func() error, error) {
	return func(hc *http.Client) (func() error, error) {
		opts := []lcgopenai.Option{lcgopenai.WithToken("sk-pairbench"), lcgopenai.WithBaseURL(e.url + "/v1"), lcgopenai.WithHTTPClient(hc)}
		var chainOpts []chains.ChainCallOption
		if traced {
			h := lcg.NewHandler()
			opts = append(opts, lcgopenai.WithCallback(h))
			chainOpts = append(chainOpts, chains.WithCallback(h))
		}
		llm, err := lcgopenai.New(opts...)
		if err != nil {
			return nil, err
		}
		chain := chains.NewLLMChain(llm, prompts.NewPromptTemplate("In one sentence, why does {{.language}} treat errors as values?", []string{"language"}), chainOpts...)
		ctx := context.Background()
		in := map[string]any{"language": "Go"}
		return func() error {
			out, err := chains.Call(ctx, chain, in)
			if err != nil {
				return err
			}
			if out["text"] != chatAnswer {
				return fmt.Errorf("langchaingo: %v", out)
			}
			return nil
		}, nil
	}
}

// einoGraph is one run of a five-node graph (template, chat model, three lambdas). Traced,
// the run gets the adapter's handler through compose.WithCallbacks: the handler Autolog
// installs globally, given to this run alone, because a global eino handler cannot be taken
// out again and would stay in the untraced arm's runs.
func (e *env) einoGraph(traced bool) func(*http.Client) (func() error, error) {
	return func(hc *http.Client) (func() error, error) {
		ctx := context.Background()
		cm, err := einoopenai.NewChatModel(ctx, &einoopenai.ChatModelConfig{APIKey: "sk-pairbench", BaseURL: e.url + "/v1", Model: "gpt-4o-mini", HTTPClient: hc})
		if err != nil {
			return nil, err
		}
		chain := compose.NewChain[map[string]any, string]()
		chain.AppendChatTemplate(prompt.FromMessages(schema.FString, schema.UserMessage("In one sentence, why does {language} treat errors as values?")), compose.WithNodeName("prompt")).
			AppendChatModel(cm, compose.WithNodeName("model")).
			AppendLambda(compose.InvokableLambda(func(_ context.Context, m *schema.Message) (string, error) { return m.Content, nil }), compose.WithNodeName("text")).
			AppendLambda(compose.InvokableLambda(func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }), compose.WithNodeName("upper")).
			AppendLambda(compose.InvokableLambda(func(_ context.Context, s string) (string, error) { return strings.TrimSpace(s), nil }), compose.WithNodeName("trim"))
		r, err := chain.Compile(ctx, compose.WithGraphName("pairbench"))
		if err != nil {
			return nil, err
		}
		var opts []compose.Option
		if traced {
			opts = append(opts, compose.WithCallbacks(eino.NewHandler()))
		}
		in := map[string]any{"language": "Go"}
		want := strings.ToUpper(chatAnswer)
		return func() error {
			out, err := r.Invoke(ctx, in, opts...)
			if err != nil {
				return err
			}
			if out != want {
				return fmt.Errorf("eino: %q", out)
			}
			return nil
		}, nil
	}
}

// genaiGenerate is one google.golang.org/genai GenerateContent call.
func (e *env) genaiGenerate(hc *http.Client) (func() error, error) {
	ctx := context.Background()
	client, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey: "pairbench", Backend: genai.BackendGeminiAPI, HTTPClient: hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: e.url},
	})
	if err != nil {
		return nil, err
	}
	return func() error {
		resp, err := client.Models.GenerateContent(ctx, "gemini-2.0-flash", genai.Text("In one sentence, why does Go treat errors as values?"), nil)
		if err != nil {
			return err
		}
		if resp.UsageMetadata == nil || resp.UsageMetadata.TotalTokenCount != 44 {
			return fmt.Errorf("genai: usage %+v", resp.UsageMetadata)
		}
		return nil
	}, nil
}

func lcgTransport(base http.RoundTripper) http.RoundTripper { return lcg.NewTransport(base) }

func geminiTransport(base http.RoundTripper) http.RoundTripper { return gemini.NewTransport(base) }

// passThrough is the agentlens side of a case whose tracing is not in the transport.
func passThrough(base http.RoundTripper) http.RoundTripper { return base }

func (e *env) frameworkCases() []*benchCase {
	return []*benchCase{
		{name: "langchaingo LLMChain", unit: "run", arms: []arm{
			e.httpArm(modeUntraced, "", nil, e.langchaingoChain(false), 0),
			e.httpArm(modeAgentlens, "agentlens (handler + transport)", lcgTransport, e.langchaingoChain(true), 1),
		}},
		{name: "eino 5-node graph", unit: "run", arms: []arm{
			e.httpArm(modeUntraced, "", nil, e.einoGraph(false), 0),
			e.httpArm(modeAgentlens, "agentlens (eino.NewHandler)", passThrough, e.einoGraph(true), 1),
		}},
		{name: "genai GenerateContent", unit: "call", baseline: modeOTelHTTP, arms: []arm{
			e.httpArm(modeUntraced, "", nil, e.genaiGenerate, 0),
			e.httpArm(modeAgentlens, "", geminiTransport, e.genaiGenerate, 1),
			e.httpArm(modeOTelHTTP, "", nil, e.genaiGenerate, 1),
		}},
	}
}
