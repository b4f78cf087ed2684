// Package gemini traces Google Gemini API calls: every generateContent (streamed or not),
// embedContent and batchEmbedContents call made through google.golang.org/genai,
// github.com/google/generative-ai-go or plain net/http becomes a model span, with the
// request, the response (streams assembled), token usage, function declarations and errors.
//
// It works at the HTTP layer, as MLflow's mlflow.gemini.autolog() works on the Python SDKs:
//
//	defer sdk.Shutdown(ctx)  // package core/sdk records the spans; the program must link it
//	undo := gemini.Autolog() // wraps http.DefaultTransport, which genai's clients use by default
//	defer undo()
//
// or explicitly, per client:
//
//	client, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: key, HTTPClient: gemini.HTTPClient()})
//	client, err := genaigo.NewClient(ctx, gemini.ClientOptions(key)...) // generative-ai-go
//
// autolog.Enable() calls Autolog too (this package registers itself as "gemini").
//
// # What Autolog reaches, and what it does not
//
// A genai client made with an API key and no HTTPClient (or one without a transport) sends
// through http.DefaultTransport, so Autolog traces it. A generative-ai-go client made with
// option.WithAPIKey does not: the Google API client builds its own transport (a copy of
// http.DefaultTransport's settings, or a fresh one when http.DefaultTransport is a wrapper),
// and option.WithHTTPClient makes it add no key. ClientOptions gives it a traced HTTP client
// that adds the key (as the x-goog-api-key header). A genai client with Vertex AI
// credentials has an authenticating client of its own: wrap its transport with NewTransport.
//
// # What is traced
//
// POST requests to .../models/{model}:{method} (also tunedModels/ and Vertex AI's
// endpoints/), on any host: generateContent (span "Models.generate_content", CHAT_MODEL),
// streamGenerateContent ("Models.generate_content_stream", CHAT_MODEL: server-sent events
// with genai's alt=sse, one JSON array for generative-ai-go), embedContent
// ("Models.embed_content", EMBEDDING) and batchEmbedContents ("Models.batch_embed_contents",
// EMBEDDING). countTokens, computeTokens, Vertex AI's :predict, file, cache and model-listing
// calls pass through untraced, as do requests under core.Suppress. The caller always gets the
// very same bytes and errors it would have got without tracing.
//
// # What a span holds
//
// Inputs: the request body as sent (contents, systemInstruction, tools, generationConfig,
// safetySettings). Outputs: the response body, or for a stream the response a non-streamed
// call would have returned: per candidate the text parts joined (thoughts apart), function
// calls and other parts whole and in order, the last finishReason, safetyRatings and the
// like, and the last usageMetadata, modelVersion and responseId. Each streamed chunk is also
// a chunk event, at the time the read holding its end arrived (to the millisecond; an
// element of generative-ai-go's JSON array ends at the line break Gemini sends after it);
// the time to the first is an attribute. A request body longer than the payload cap
// (AGENTLENS_MAX_PAYLOAD_BYTES; at least 64 KB are read) is recorded cut, with a marker:
// only that much is read before the request is sent on, whole, and the caller's request is
// never changed.
//
// Attributes: mlflow.message.format "gemini"; mlflow.llm.model and gen_ai.request.model
// from the path; mlflow.llm.provider "gemini" ("vertex_ai" for Vertex AI paths) and
// gen_ai.provider.name "gcp.gemini" ("gcp.vertex_ai"), the OpenTelemetry GenAI names;
// gen_ai.operation.name "chat" or "embeddings"; gen_ai.response.model (modelVersion),
// gen_ai.response.id (responseId), gen_ai.response.finish_reasons (names, also for
// generative-ai-go's integer enums); mlflow.chat.tools (the function declarations, in
// OpenAI's tool shape as MLflow records them); token usage from usageMetadata: input =
// promptTokenCount, output = candidatesTokenCount + thoughtsTokenCount, total =
// totalTokenCount.
//
// A blocked prompt (promptFeedback.blockReason, recorded as gemini.prompt_feedback.block_reason)
// or a response stopped for safety (finish reason SAFETY) is a successful call. An HTTP error
// is an ERROR span with the API's status and message ("RESOURCE_EXHAUSTED: ..."), as is an
// error the API sends inside a stream. The x-goog-api-key header and key= parameter are never
// recorded.
//
// When a framework adapter already has a model span open for the call, no second span is
// made: the open one gets the usage, model and response attributes.
package gemini
