package spantypes

// Span types known to MLflow Tracing. Any other string is a valid custom type.
const (
	// LLM is a call to a text-completion model (prompt in, text out).
	LLM = "LLM"
	// ChatModel is a call to a chat model (messages in, message out).
	ChatModel = "CHAT_MODEL"
	// Chain is a sequence of steps, such as a pipeline or a framework chain.
	Chain = "CHAIN"
	// Agent is an autonomous agent deciding which steps to take.
	Agent = "AGENT"
	// Tool is the execution of a tool or function called by a model or agent.
	Tool = "TOOL"
	// Retriever is a lookup of documents, for example in a vector store.
	Retriever = "RETRIEVER"
	// Embedding is a call to an embedding model.
	Embedding = "EMBEDDING"
	// Reranker reorders retrieved documents by relevance.
	Reranker = "RERANKER"
	// Parser turns model output into structured data.
	Parser = "PARSER"
	// Memory reads or writes an agent's memory.
	Memory = "MEMORY"
	// Workflow is an orchestrated graph or workflow of steps.
	Workflow = "WORKFLOW"
	// Task is one task within a workflow.
	Task = "TASK"
	// Guardrail checks inputs or outputs against a policy.
	Guardrail = "GUARDRAIL"
	// Evaluator scores or judges an output.
	Evaluator = "EVALUATOR"
	// Unknown is the type of a span that was given none.
	Unknown = "UNKNOWN"
)

// All lists the predefined span types in a stable order.
func All() []string {
	return []string{LLM, ChatModel, Chain, Agent, Tool, Retriever, Embedding, Reranker,
		Parser, Memory, Workflow, Task, Guardrail, Evaluator, Unknown}
}
