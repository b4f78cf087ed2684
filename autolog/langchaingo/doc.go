// Package langchaingo traces programs built on github.com/tmc/langchaingo (v0.1.14): chains,
// agents, tools, retrievers, LLMs and embedders become one MLflow trace per run, with CHAIN,
// AGENT, TOOL, RETRIEVER, EMBEDDING and CHAT_MODEL spans in the right parent-child structure,
// as mlflow.langchain.autolog() gives a LangChain program.
//
//	undo := langchaingo.Autolog() // the model calls of langchaingo's OpenAI LLMs, at the HTTP level
//	defer undo()
//	h := langchaingo.NewHandler() // the tree above them, from langchaingo's callbacks
//
//	llm, _ := openai.New(openai.WithCallback(h))
//	agent := agents.NewOpenAIFunctionsAgent(llm, langchaingo.WrapTools(myTools))
//	executor := agents.NewExecutor(agent, agents.WithCallbacksHandler(h))
//	answer, err := chains.Run(ctx, executor, "What is 15 multiplied by 4?")
//
// As with every adapter, the spans are recorded by the SDK the program links (package
// core/sdk). autolog.Enable() calls Autolog when this package is imported (it registers
// under the name "langchaingo").
//
// # Three levels
//
// langchaingo has no global hook, so tracing comes in three pieces that add up:
//
//   - Autolog (or NewTransport for an *http.Client of yours) makes each HTTP call of
//     langchaingo's OpenAI-compatible LLMs and embedders a model span, through the OpenAI
//     adapter (package autolog/openai). langchaingo's default client copied
//     http.DefaultTransport when the program started, so openai.Autolog alone sees none of
//     its calls: Autolog sets the inner transport of langchaingo's httputil.DefaultTransport
//     instead. Without the other two levels each call is a trace of its own.
//   - The Handler, given to each component that takes a callbacks.Handler, rebuilds the tree
//     from langchaingo's callbacks (see "How the handler rebuilds the tree").
//   - The wrappers (WrapChain, WrapModel, WrapTool/WrapTools, WrapRetriever, WrapEmbedder)
//     trace components that fire no callbacks and give each call a context of its own, so
//     that nested work parents exactly and concurrent work cannot mix. A wrapped component
//     is used wherever the original was: they implement chains.Chain, llms.Model,
//     tools.Tool, schema.Retriever and embeddings.Embedder.
//
// One model call is one model span: when the handler or a wrapper has a model span open for
// a call, the OpenAI adapter below it enriches that span (model, response id, finish reasons,
// token usage, tools, raw stream chunks) instead of adding one. For the handler's spans this
// takes the transport of this package (Autolog or NewTransport), which finds the handler's
// open span by the call's context: openai.NewTransport alone would add a second span.
//
// # Components and how each is traced
//
//	Component                         Callbacks langchaingo fires        Traced by
//	chains.LLMChain, Conversation     chain start/end/error              Handler (chains.WithCallback) or WrapChain: CHAIN "LLMChain"
//	agents.Executor                   chain, agent action/finish         Handler (agents.WithCallbacksHandler on NewExecutor) or WrapChain: AGENT "AgentExecutor"
//	other chains (RetrievalQA,        none                               WrapChain: CHAIN named after the type ("RetrievalQA")
//	  StuffDocuments, MapReduce-,
//	  Refine-, LLMMathChain, ...)
//	llms/openai, llms/googleai, ...   generate-content start/end         Handler (openai.WithCallback) or WrapModel: CHAT_MODEL
//	  (no LLMError from openai and googleai; see below)
//	built-in tools (Calculator,       tool start/end/error               Handler (CallbacksHandler field) or WrapTool: TOOL named after the tool
//	  serpapi, wikipedia, ...)
//	your tools.Tool                   none                               WrapTool / WrapTools
//	vectorstores.Retriever            retriever start/end                Handler (CallbacksHandler field) or WrapRetriever: RETRIEVER
//	other schema.Retriever            none                               WrapRetriever
//	embeddings.Embedder               none                               WrapEmbedder: EMBEDDING; or the OpenAI adapter's EMBEDDING span
//	OpenAI-compatible HTTP calls      -                                  Autolog / NewTransport (autolog/openai)
//	Gemini HTTP calls                 -                                  not at the HTTP level by this package (the genai client
//	                                                                     takes its own *http.Client); the Handler or WrapModel
//	                                                                     gives the model span, with usage from the response
//
// Spans carry MLflow's shapes: model inputs are {"messages": [...]} and outputs a chat
// completion ({"choices": [{"message", "finish_reason"}]}) in OpenAI's format; token usage
// comes from the response's generation info; stream chunks are mlflow.chunk.item events;
// retriever outputs are documents {"page_content", "metadata", "id"} (the id from the
// metadata's "id" when there is one, the score in the metadata); an executor's actions and
// finish are "agent_action" and "agent_finish" events on its AGENT span; errors are an
// exception event and status ERROR.
//
// Do not give the handler to an agent itself (agents.WithCallbacksHandler on
// NewOpenAIFunctionsAgent, NewOneShotAgent or Initialize): langchaingo then passes a
// streaming function to every LLM call, which makes the calls stream. Give it to the
// executor (NewExecutor) and to the agent's LLM and tools.
//
// # How the handler rebuilds the tree
//
// langchaingo's callbacks receive a context but cannot return one, and the end callbacks
// carry nothing that names their start. But langchaingo passes the caller's context down
// unchanged, so all the callbacks of one run arrive with the same context value: the
// handler keeps the open spans per context and places each start under the open span that
// can contain it, by what langchaingo's components can call (only chains contain anything;
// an executor contains its steps one after the other; an LLMChain one LLM call). A chain is
// named once it has shown what it is: "AgentExecutor" (AGENT) when it fired agent actions,
// "LLMChain" when its only child was one LLM call, "Chain" otherwise. Tools are named after
// the tool of the agent action just before them, "Tool" outside an executor.
//
// Sequential runs are exact through the handler alone. Two runs at once are separate when
// each has a context of its own (context.WithCancel per run is enough) or goes through a
// wrapper. Where the handler cannot know, it chooses the parent that is certainly right:
//
//   - Concurrent siblings under one context (map-reduce's map calls, two runs started with
//     the same context.Background()): a start that two open spans could both contain goes
//     under their nearest common ancestor (the MapReduceDocuments span), never under a
//     guess, and the spans it could have joined take no more children (what would start
//     under them starts a trace of its own); a second top-level chain while one is open
//     (two runs) does the same to both. An end that could close either of two siblings
//     closes the older and records nothing on it but that it ended: both are marked
//     KeyAmbiguous ("agentlens.langchaingo.ambiguous") and carry no outputs, usage or
//     error, which could be the other's. A model HTTP call that could be any of several
//     concurrent calls gets a span of its own from the OpenAI adapter, under their common
//     parent, instead of enriching one of them. Once that happens on a context, every span
//     still open or started under it is ambiguous until it has nothing open. The trees are
//     valid, never mixed, and poorer, but lose no span: a span whose end another run's
//     callback took is ended when its parent ends, and a trace's top span waits for the
//     spans of its tree still being ended. WrapModel and WrapChain make them exact.
//   - langchaingo's OpenAI and Gemini LLMs fire no LLMError, and the calculator returns an
//     evaluator error as a result without its end callback: such a span ends when its
//     parent ends or moves on (marked KeyInferredEnd; with the parent's error when it
//     failed).
//   - A callback with no start to match (an end twice) changes nothing and is counted
//     (Stats); a frame open for over an hour is ended.
//   - Work started under a context derived inside a component (your tool calling an LLM
//     with context.WithTimeout(ctx)) starts a new trace unless that component is wrapped.
//
// # Content
//
// WithCaptureContent(false), or the SDK's AGENTLENS_CAPTURE_CONTENT=off, records no
// prompts, messages, documents, tool inputs or outputs; token usage, names and errors stay.
// Under core.Suppress nothing is traced.
package langchaingo
