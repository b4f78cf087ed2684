// Package openai traces OpenAI-compatible HTTP APIs: every chat completion, completion,
// embedding and Responses API call made through any Go client (sashabaranov/go-openai,
// openai/openai-go, or plain net/http) becomes a model span, with the request, the response
// (streams assembled), token usage, tool definitions and errors.
//
// It works at the HTTP layer, because go-openai has no hooks:
//
//	defer sdk.Shutdown(ctx)  // package core/sdk records the spans; the program must link it
//	undo := openai.Autolog() // wraps http.DefaultTransport, which the clients use by default
//	defer undo()
//
// or explicitly, per client:
//
//	cfg := goopenai.DefaultConfig(key)
//	cfg.HTTPClient = openai.HTTPClient()                        // go-openai
//	client := openaigo.NewClient(option.WithMiddleware(openai.Middleware())) // openai-go
//
// # What is traced
//
// POST requests whose path ends in /chat/completions (span type CHAT_MODEL), /completions
// (LLM), /embeddings (EMBEDDING) or /responses (CHAT_MODEL), on any host, including Azure's
// /openai/deployments/{deployment}/... form. Everything else passes through untouched, as do
// requests under core.Suppress. A streamed response's bytes are recorded as the caller reads
// them, with their arrival times, and split into chunk events on the export goroutine; its
// span ends when the body reaches its end, is closed early (status OK, attribute
// agentlens.stream.cancelled) or fails. The caller always receives the very same response
// bytes and errors it would have received without tracing.
//
// When a framework adapter already has a model span open for the call, no second span is
// made: the open one gets the usage, model and response attributes.
package openai
