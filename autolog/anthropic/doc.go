// Package anthropic traces Anthropic's Messages API: every call made through
// github.com/anthropics/anthropic-sdk-go (v2; v1 sends the same requests), langchaingo's
// Anthropic LLM or plain net/http becomes a CHAT_MODEL span, with the request, the response
// (streams assembled), token usage, tool definitions and errors, as MLflow's
// mlflow.anthropic.autolog() records them.
//
// It works at the HTTP layer:
//
//	defer sdk.Shutdown(ctx)     // package core/sdk records the spans; the program must link it
//	undo := anthropic.Autolog() // wraps http.DefaultTransport and langchaingo's default client
//	defer undo()
//	client := anthropicsdk.NewClient() // after Autolog: see below
//
// or explicitly, per client:
//
//	client := anthropicsdk.NewClient(option.WithMiddleware(anthropic.Middleware()))
//	client := anthropicsdk.NewClient(option.WithHTTPClient(anthropic.HTTPClient()))
//	llm, err := lcanthropic.New(lcanthropic.WithHTTPClient(anthropic.HTTPClient())) // langchaingo
//
// autolog.Enable() calls Autolog too (this package registers itself as "anthropic").
//
// # What Autolog reaches
//
// anthropic.NewClient without option.WithHTTPClient gives its client a copy of
// http.DefaultTransport when that is still a plain *http.Transport, and
// http.DefaultTransport itself when it is a wrapper: call Autolog before making clients. A
// client made before it is reached by Middleware only. langchaingo's Anthropic LLM without
// a client of the program's sends through langchaingo's httputil.DefaultClient, whose inner
// transport copied http.DefaultTransport at start-up: Autolog wraps that inner transport
// too, unless autolog/langchaingo's Autolog put its bridge there, which runs this adapter
// itself under the framework's spans.
//
// # What is traced
//
// POST requests whose path ends in /v1/messages, on any host (the SDK's beta messages,
// ?beta=true, included): span "Messages.create" (MLflow's name, after the Python SDK's
// method), streamed or not. count_tokens, message batches, models and files pass through
// untraced, as do requests under core.Suppress. The caller always gets the very same bytes
// and errors it would have got without tracing; a request body is read for the span only up
// to the payload cap (at least 64 KB) and sent on whole, and the caller's request is never
// changed. A transport below another of this package (Middleware over Autolog) passes the
// call through: it is traced once.
//
// # What a span holds
//
// Inputs: the request body as sent (model, system, messages with their content blocks,
// tools, max_tokens, thinking). Outputs: the response Message, or for a stream the Message
// a non-streamed call would have returned: per content block the text deltas joined, a
// tool_use block's input assembled from its input_json_delta pieces, thinking and signature
// joined, citations appended; the stop reason and the usage of message_delta over those of
// message_start. Each server-sent event (ping included) is a chunk event, at the time the
// read holding its end arrived; the time to the first is an attribute. A stream the caller
// closes early ends OK with agentlens.stream.cancelled; one that ends before message_stop
// ends ERROR IncompleteStream.
//
// Attributes: mlflow.message.format "anthropic"; mlflow.llm.provider and
// gen_ai.provider.name "anthropic"; gen_ai.operation.name "chat"; mlflow.llm.model and
// gen_ai.request.model from the request; gen_ai.response.model, gen_ai.response.id and
// gen_ai.response.finish_reasons (the stop reason) from the response; mlflow.chat.tools (the
// tools in OpenAI's function shape, as MLflow records them). Token usage counts the prompt
// cache as MLflow does: input = input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens, total = input + output; mlflow.chat.tokenUsage also carries
// MLflow's cache_read_input_tokens and cache_creation_input_tokens, and the cache counts are
// kept apart as gen_ai.usage.cache_read.input_tokens and
// gen_ai.usage.cache_creation.input_tokens.
//
// # Errors
//
// An HTTP error ends the span ERROR with an exception named as Anthropic's SDKs name the
// error they raise (400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError,
// 404 NotFoundError, 409 ConflictError, 413 RequestTooLargeError, 422
// UnprocessableEntityError, 429 RateLimitError, 503 ServiceUnavailableError, 504
// DeadlineExceededError, 529 OverloadedError, other 5xx InternalServerError) and the API's
// message; the API's error type (rate_limit_error, overloaded_error) is kept as
// agentlens.api_error.type, the status as http.response.status_code. An error event inside
// a stream ends the span ERROR with its type ("overloaded_error: Overloaded"). A request
// that gets no response (a connection error) ends ERROR with that error. Each attempt the
// SDK makes (it retries 429, 529 and connection errors) is a span of its own. The x-api-key
// header is never recorded.
//
// When a framework adapter already has a model span open for the call (autolog/langchaingo's
// WrapModel), no second span is made: the open one gets the usage, model and response
// attributes.
package anthropic
