// Package eino traces github.com/cloudwego/eino as MLflow traces: graphs, chains and
// workflows, each node and component (chat models, templates, embedders, retrievers,
// indexers, loaders, document transformers, tools, ToolsNodes, Lambdas), streams, and ADK
// agents with their transfers, through eino's callback handlers.
//
//	import (
//		"github.com/agentlens/agentlens/autolog/eino"
//		"github.com/agentlens/agentlens/core/sdk"
//	)
//
//	func main() {
//		defer sdk.Shutdown(context.Background()) // flushes; at most 30s without a deadline
//		undo := eino.Autolog()                   // early: before any eino run starts
//		defer undo()
//		...
//	}
//
// # Installing
//
// Autolog (also turned on by autolog.Enable) appends one global handler with
// callbacks.AppendGlobalHandlers, which eino documents as not safe while graphs run: call it
// at start-up. eino cannot remove a global handler, so undo switches the handler off instead
// (it then costs one check per component call). NewHandler gives a handler for one run,
// compose.WithCallbacks(h) or adk.WithCallbacks(h); with Autolog on too, a call is traced once.
//
// # Spans
//
// Span names are the names eino reports (node name, agent or tool name), else the
// implementation type ("OpenAI"), else the component kind. Types: Graph, Chain and Workflow
// are CHAIN; ChatModel CHAT_MODEL (OpenAI-shaped messages, tools as mlflow.chat.tools, model,
// token usage, finish reason); Embedding EMBEDDING; Retriever RETRIEVER (documents in MLflow's
// shape); Tool TOOL (gen_ai.tool.name, gen_ai.tool.call.id); ToolsNode, Lambda and Passthrough
// CHAIN; ChatTemplate and DocumentTransformer PARSER; Indexer INDEXER and Loader LOADER
// (SpanTypeIndexer, SpanTypeLoader); ADK agents AGENT (gen_ai.agent.name). eino.component and
// eino.type record what eino reported. A span eino never ends (a panicking Lambda, which eino
// turns into the graph's error) ends with its parent, with the parent's error.
//
// # Streams
//
// eino gives each handler its own copy of a stream; the handler reads it on a goroutine and
// closes it. The span ends when the stream ends (ERROR when it fails), with one chunk event a
// chunk and the assembled output (content, tool calls with their arguments, usage); chunks
// assemble as eino concatenates them (a graph run with Stream gets its input as one chunk, a
// ToolsNode's message lists merge into the tool messages in call order). eino
// feeds all copies from one source that stops only when every copy is closed, so a stream the
// program closes early is still read to its end by the handler, and the span sees all of it.
// A parent span waits for children that end late, so no span ends after its trace's root.
//
// # Agents and transfers
//
// An agent's span lasts until its events are exhausted, with its last message as outputs.
// On transfer_to_agent, eino runs the receiving agent with the context from before the
// handing-off agent started; the receiving agent's span is put under the handing-off agent's,
// after the transfer tool, with a handoff event and gen_ai.agent.handoff.source.name /
// target.name as autolog/swarm records them. The link is found by the span around the first
// agent and the target's name: two concurrent root-level runs transferring to same-named
// agents at the same instant could swap links; a span around each run keeps them apart.
//
// # With autolog/openai
//
// eino-ext's OpenAI ChatModel sends over http.DefaultTransport. With openai.Autolog on as
// well, each API call is one CHAT_MODEL span: eino's, which the HTTP adapter enriches with the
// response model and id. A streamed call then keeps the wire's chunk events only.
//
// # Content
//
// WithCaptureContent(false), or the SDK's AGENTLENS_CAPTURE_CONTENT=off, records no inputs,
// outputs or chunk values; names, types, ids, token usage and tools stay. core.Suppress
// turns tracing off for a context.
package eino
