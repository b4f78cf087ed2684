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
// A stream is complete when the server says so (data: [DONE], or the Responses API's
// terminal event) or when its body ends cleanly once every choice has a finish reason, as
// Perplexity's streams do without [DONE]; one cut before that ends ERROR IncompleteStream.
// The assembled response keeps the response-level fields the chunks carry (Perplexity's
// citations and search_results, OpenRouter's provider). Arrival times are marked where an
// event can end, at most once a millisecond, so a caller reading in tiny pieces costs no
// bookkeeping per Read.
//
// A response the caller asked to get compressed (its own Accept-Encoding) reaches it
// compressed, as without tracing; the span reads gzip and deflate bodies decoded, and
// records no content of an encoding it cannot read (br, zstd). A request body is read for
// the span only up to the payload cap (at least 64 KB; 32 MB without a cap): the rest is
// sent on unread, and the caller's request is never modified.
//
// # Errors and providers
//
// An HTTP error ends the span ERROR with an exception named as the OpenAI SDKs name it
// (400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError, 404
// NotFoundError, 409 ConflictError, 422 UnprocessableEntityError, 429 RateLimitError, 5xx
// InternalServerError, others APIStatusError) and the API's message; the API's own type and
// code are kept as agentlens.api_error.type and agentlens.api_error.code. An error sent
// inside a stream is named by its type, else by a numeric HTTP code (OpenRouter's), else
// APIError.
//
// The provider is named from the host (openai, azure.ai.openai, openrouter, perplexity,
// huggingface for router.huggingface.co, ollama, ...); the upstream a router reports (the
// X-Inference-Provider header, OpenRouter's provider field) is kept as
// agentlens.llm.upstream_provider.
//
// When a framework adapter already has a model span open for the call, no second span is
// made: the open one gets the usage, model and response attributes.
package openai
