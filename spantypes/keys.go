package spantypes

// MLflow span attribute keys. Their values are JSON text (a string value is stored quoted),
// as MLflow Tracing stores them.
const (
	// KeySpanType holds the span type, e.g. "\"CHAT_MODEL\"".
	KeySpanType = "mlflow.spanType"
	// KeySpanInputs holds the span's inputs.
	KeySpanInputs = "mlflow.spanInputs"
	// KeySpanOutputs holds the span's outputs.
	KeySpanOutputs = "mlflow.spanOutputs"
	// KeySpanFunctionName holds the name of the Go function a wrapper traced.
	KeySpanFunctionName = "mlflow.spanFunctionName"
	// KeyTraceRequestID holds the trace id ("tr-...") in MLflow's span JSON.
	KeyTraceRequestID = "mlflow.traceRequestId"
	// KeyChatTools holds the tools offered to a chat model, in OpenAI's tool shape.
	KeyChatTools = "mlflow.chat.tools"
	// KeyChatTokenUsage holds {"input_tokens","output_tokens","total_tokens"} of a model call.
	KeyChatTokenUsage = "mlflow.chat.tokenUsage"
	// KeyMessageFormat names the message format of a model span's inputs and outputs
	// (for example "openai"), so a UI knows how to render them.
	KeyMessageFormat = "mlflow.message.format"
	// KeyLLMModel holds the model name of a model span.
	KeyLLMModel = "mlflow.llm.model"
	// KeyLLMProvider holds the provider of a model span (for example "openai").
	KeyLLMProvider = "mlflow.llm.provider"
	// KeyLLMCost holds the cost of a model call in US dollars,
	// {"input_cost","output_cost","total_cost"} (numbers), as MLflow records it.
	KeyLLMCost = "mlflow.llm.cost"
)

// agentlens keys for what MLflow and the GenAI conventions have no key for.
const (
	// KeyTimeToFirstTokenMS holds, on a streamed model span, the milliseconds from the request
	// to the first chunk of the response.
	KeyTimeToFirstTokenMS = "agentlens.stream.time_to_first_token_ms"
	// KeyStreamCancelled is true on a streamed model span whose caller closed the stream
	// before the model finished.
	KeyStreamCancelled = "agentlens.stream.cancelled"
	// KeyEndedByTrace is true on a span that was still open when its trace was ended
	// (core.Client.EndTrace), which ended it.
	KeyEndedByTrace = "agentlens.span.ended_by_trace"
	// KeyRemoteParent is true on a span whose parent is in another process: the root of the
	// part of a trace that a service recorded when a traced caller called it.
	KeyRemoteParent = "agentlens.remoteParent"
	// KeyHTTPStatusCode holds the HTTP status of a provider response that was an error.
	KeyHTTPStatusCode = "http.response.status_code"
	// KeyAPIErrorType holds the error type a provider's API gave in its error body
	// ("invalid_request_error"), where the exception type names the HTTP error as the
	// provider's SDKs do ("BadRequestError").
	KeyAPIErrorType = "agentlens.api_error.type"
	// KeyAPIErrorCode holds the error code a provider's API gave in its error body, as sent
	// (a string such as "rate_limit_exceeded", or a number).
	KeyAPIErrorCode = "agentlens.api_error.code"
	// KeyUpstreamProvider holds the provider a router (OpenRouter, Hugging Face's router)
	// says served the call, where the provider keys name the router.
	KeyUpstreamProvider = "agentlens.llm.upstream_provider"
)

// MLflow stream chunk events: one event per chunk, named with ChunkEventPrefix followed by
// the chunk's index, carrying the chunk as JSON under KeyChunkValue.
const (
	// ChunkEventPrefix starts the name of a chunk event: "mlflow.chunk.item.0", ".1", ...
	ChunkEventPrefix = "mlflow.chunk.item."
	// KeyChunkValue is the event attribute holding the chunk as JSON text.
	KeyChunkValue = "mlflow.chunk.value"
)

// Exception event, as OpenTelemetry names it.
const (
	// ExceptionEventName is the name of the event that records an error or panic.
	ExceptionEventName = "exception"
	// KeyExceptionType holds the Go type of the error or panic value.
	KeyExceptionType = "exception.type"
	// KeyExceptionMessage holds the error message.
	KeyExceptionMessage = "exception.message"
	// KeyExceptionStacktrace holds the goroutine stack at the time the error was recorded.
	KeyExceptionStacktrace = "exception.stacktrace"
)

// Trace metadata keys (immutable, set when the trace is assembled).
const (
	// MetaSchemaVersion holds the trace schema version, "3".
	MetaSchemaVersion = "mlflow.trace_schema.version"
	// MetaTraceInputs holds the root span's inputs, cut to 250 characters.
	MetaTraceInputs = "mlflow.traceInputs"
	// MetaTraceOutputs holds the root span's outputs, cut to 250 characters.
	MetaTraceOutputs = "mlflow.traceOutputs"
	// MetaTokenUsage holds the trace's aggregated token usage as JSON.
	MetaTokenUsage = "mlflow.trace.tokenUsage"
	// MetaCost holds the trace's aggregated cost in US dollars as JSON
	// ({"input_cost","output_cost","total_cost"}), summed as the token usage is.
	MetaCost = "mlflow.trace.cost"
	// MetaSession holds the session id of the request the trace records.
	MetaSession = "mlflow.trace.session"
	// MetaUser holds the user id of the request the trace records.
	MetaUser = "mlflow.trace.user"
	// MetaSizeStats holds size statistics of the trace as JSON
	// ({"total_size_bytes","num_spans","max","p25","p50","p75"}).
	MetaSizeStats = "mlflow.trace.sizeStats"
)

// Trace tag keys (mutable).
const (
	// TagTraceName holds the trace's name: the name of its root span.
	TagTraceName = "mlflow.traceName"
)

// OpenTelemetry GenAI semantic convention keys. Their values are plain OTel values.
const (
	// KeyGenAIOperationName is the operation: "chat", "text_completion", "embeddings",
	// "execute_tool", "invoke_agent", ...
	KeyGenAIOperationName = "gen_ai.operation.name"
	// KeyGenAIProviderName is the provider: "openai", "azure.ai.openai", "gcp.gemini", ...
	KeyGenAIProviderName = "gen_ai.provider.name"
	// KeyGenAIRequestModel is the model named in the request.
	KeyGenAIRequestModel = "gen_ai.request.model"
	// KeyGenAIResponseModel is the model named in the response.
	KeyGenAIResponseModel = "gen_ai.response.model"
	// KeyGenAIResponseID is the id the provider gave the response.
	KeyGenAIResponseID = "gen_ai.response.id"
	// KeyGenAIResponseFinishReasons lists why each choice stopped (string array).
	KeyGenAIResponseFinishReasons = "gen_ai.response.finish_reasons"
	// KeyGenAIUsageInputTokens is the number of input (prompt) tokens.
	KeyGenAIUsageInputTokens = "gen_ai.usage.input_tokens"
	// KeyGenAIUsageOutputTokens is the number of output (completion) tokens.
	KeyGenAIUsageOutputTokens = "gen_ai.usage.output_tokens"
	// KeyGenAIUsageCacheReadInputTokens is the number of input tokens read from the
	// provider's prompt cache (Anthropic's cache_read_input_tokens), part of the input tokens.
	KeyGenAIUsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
	// KeyGenAIUsageCacheCreationInputTokens is the number of input tokens written to the
	// provider's prompt cache (Anthropic's cache_creation_input_tokens), part of the input
	// tokens.
	KeyGenAIUsageCacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens"
	// KeyGenAIToolName is the name of the tool a TOOL span ran.
	KeyGenAIToolName = "gen_ai.tool.name"
	// KeyGenAIToolCallID is the id of the tool call a TOOL span answered.
	KeyGenAIToolCallID = "gen_ai.tool.call.id"
	// KeyGenAIAgentName is the name of the agent an AGENT span ran.
	KeyGenAIAgentName = "gen_ai.agent.name"
	// KeyGenAIConversationID identifies the conversation (session) a span belongs to.
	KeyGenAIConversationID = "gen_ai.conversation.id"
)

// Gemini keys, for what neither MLflow nor the GenAI conventions name.
const (
	// KeyGeminiBlockReason holds why Gemini blocked a prompt (its promptFeedback.blockReason,
	// "SAFETY" for example); the call itself succeeded.
	KeyGeminiBlockReason = "gemini.prompt_feedback.block_reason"
)
