package eino

import (
	"github.com/cloudwego/eino/adk"
	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components"
	"github.com/cloudwego/eino/compose"

	"github.com/agentlens/agentlens/spantypes"
)

// kind is what a component call is, from its RunInfo.Component.
type kind int

const (
	kindOther    kind = iota
	kindGraph         // Graph, Chain, Workflow
	kindModel         // ChatModel, AgenticModel
	kindTemplate      // ChatTemplate
	kindEmbedding
	kindRetriever
	kindIndexer
	kindLoader
	kindTransformer
	kindTool
	kindToolsNode
	kindLambda
	kindPassthrough
	kindAgent
)

func kindOf(c components.Component) kind {
	switch c {
	case compose.ComponentOfGraph, compose.ComponentOfChain, compose.ComponentOfWorkflow:
		return kindGraph
	case components.ComponentOfChatModel, components.ComponentOfAgenticModel:
		return kindModel
	case components.ComponentOfPrompt, components.ComponentOfAgenticPrompt:
		return kindTemplate
	case components.ComponentOfEmbedding:
		return kindEmbedding
	case components.ComponentOfRetriever:
		return kindRetriever
	case components.ComponentOfIndexer:
		return kindIndexer
	case components.ComponentOfLoader:
		return kindLoader
	case components.ComponentOfTransformer:
		return kindTransformer
	case components.ComponentOfTool:
		return kindTool
	case compose.ComponentOfToolsNode, compose.ComponentOfAgenticToolsNode:
		return kindToolsNode
	case compose.ComponentOfLambda:
		return kindLambda
	case compose.ComponentOfPassthrough:
		return kindPassthrough
	case adk.ComponentOfAgent, adk.ComponentOfAgenticAgent:
		return kindAgent
	}
	return kindOther
}

// spanType is the MLflow span type of a kind. Graphs and the nodes that only route or run
// other components (ToolsNode, Lambda, Passthrough) are CHAIN, as MLflow's LangChain autolog
// types chains and runnables; templates and document transformers are PARSER; indexers and
// loaders, which MLflow has no type for, get types of their own.
func (k kind) spanType() string {
	switch k {
	case kindGraph, kindToolsNode, kindLambda, kindPassthrough:
		return spantypes.Chain
	case kindModel:
		return spantypes.ChatModel
	case kindTemplate, kindTransformer:
		return spantypes.Parser
	case kindEmbedding:
		return spantypes.Embedding
	case kindRetriever:
		return spantypes.Retriever
	case kindIndexer:
		return SpanTypeIndexer
	case kindLoader:
		return SpanTypeLoader
	case kindTool:
		return spantypes.Tool
	case kindAgent:
		return spantypes.Agent
	}
	return spantypes.Unknown
}

// spanName is the name eino reports for the call: the node (or agent, or tool) name, else
// the implementation type ("OpenAI"), else the component kind ("ChatModel").
func spanName(info *callbacks.RunInfo) string {
	switch {
	case info.Name != "":
		return info.Name
	case info.Type != "":
		return info.Type
	case info.Component != "":
		return string(info.Component)
	}
	return "eino"
}
