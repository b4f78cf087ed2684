package eino

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudwego/eino/adk"
	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components/document"
	"github.com/cloudwego/eino/components/embedding"
	"github.com/cloudwego/eino/components/indexer"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/components/prompt"
	"github.com/cloudwego/eino/components/retriever"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/spantypes"
)

// Attributes naming what eino reported for the call.
const (
	// KeyComponent is the eino component kind of the call ("ChatModel", "Graph", "Lambda").
	KeyComponent = "eino.component"
	// KeyType is the implementation type eino reported ("OpenAI"), when there is one.
	KeyType = "eino.type"
)

// GenAI operation names of the spans.
const (
	opChat        = "chat"
	opEmbeddings  = "embeddings"
	opExecuteTool = "execute_tool"
	opInvokeAgent = "invoke_agent"
)

// startAttributes are the attributes a span starts with: nothing that needs serializing.
func (f *frame) startAttributes() map[string]any {
	a := map[string]any{}
	if f.info.Component != "" {
		a[KeyComponent] = string(f.info.Component)
	}
	if f.info.Type != "" {
		a[KeyType] = f.info.Type
	}
	switch f.kind {
	case kindModel:
		a[spantypes.KeyGenAIOperationName] = opChat
		if f.info.Type != "" {
			p := strings.ToLower(f.info.Type)
			a[spantypes.KeyLLMProvider] = p
			a[spantypes.KeyGenAIProviderName] = p
		}
	case kindEmbedding:
		a[spantypes.KeyGenAIOperationName] = opEmbeddings
	case kindTool:
		a[spantypes.KeyGenAIOperationName] = opExecuteTool
		a[spantypes.KeyGenAIToolName] = spanName(f.info)
	case kindAgent:
		name := spanName(f.info)
		a[spantypes.KeyGenAIOperationName] = opInvokeAgent
		a[spantypes.KeyGenAIAgentName] = name
		if f.handoffFrom != nil {
			a[KeyHandoffSourceName] = spanName(f.handoffFrom.info)
			a[KeyHandoffTargetName] = name
		}
	}
	return a
}

// recordInput records what a call started with.
func (f *frame) recordInput(ctx context.Context, input callbacks.CallbackInput) {
	s := f.span
	switch f.kind {
	case kindModel:
		in := model.ConvCallbackInput(input)
		if in == nil {
			break
		}
		if in.Config != nil && in.Config.Model != "" {
			s.SetAttributes(map[string]any{spantypes.KeyLLMModel: in.Config.Model, spantypes.KeyGenAIRequestModel: in.Config.Model})
		}
		if len(in.Tools) > 0 {
			s.SetChatTools(toChatTools(in.Tools))
		}
		if f.content {
			s.SetInputs(newChatRequest(in))
		}
		return
	case kindTool:
		id := compose.GetToolCallID(ctx)
		if id != "" {
			s.SetAttribute(spantypes.KeyGenAIToolCallID, id)
		}
		if in := tool.ConvCallbackInput(input); in != nil {
			if f.content {
				setJSONOrText(f, instrument.SetRawInputs, s.SetInputs, in.ArgumentsInJSON)
			}
			if f.info.Name == adk.TransferToAgentToolName {
				f.transferStarting(in.ArgumentsInJSON, id)
			}
			return
		}
	case kindEmbedding:
		if in := embedding.ConvCallbackInput(input); in != nil {
			if in.Config != nil && in.Config.Model != "" {
				s.SetAttributes(map[string]any{spantypes.KeyLLMModel: in.Config.Model, spantypes.KeyGenAIRequestModel: in.Config.Model})
			}
			if f.content {
				s.SetInputs(map[string]any{"input": nonNil(in.Texts)})
			}
			return
		}
	case kindRetriever:
		if in := retriever.ConvCallbackInput(input); in != nil {
			if f.content {
				m := map[string]any{"query": in.Query}
				if in.TopK > 0 {
					m["top_k"] = in.TopK
				}
				if in.Filter != "" {
					m["filter"] = in.Filter
				}
				if in.ScoreThreshold != nil {
					m["score_threshold"] = *in.ScoreThreshold
				}
				s.SetInputs(m)
			}
			return
		}
	case kindIndexer:
		if in := indexer.ConvCallbackInput(input); in != nil {
			if f.content {
				s.SetInputs(map[string]any{"documents": toDocuments(in.Docs)})
			}
			return
		}
	case kindLoader:
		if in := document.ConvLoaderCallbackInput(input); in != nil {
			if f.content {
				s.SetInputs(map[string]any{"uri": in.Source.URI})
			}
			return
		}
	case kindTransformer:
		if in := document.ConvTransformerCallbackInput(input); in != nil {
			if f.content {
				s.SetInputs(map[string]any{"documents": toDocuments(in.Input)})
			}
			return
		}
	case kindTemplate:
		if in := prompt.ConvCallbackInput(input); in != nil {
			if f.content {
				s.SetInputs(nonNilMap(in.Variables))
			}
			return
		}
	case kindAgent:
		if in := adk.ConvAgentCallbackInput(input); in != nil {
			if f.content {
				switch {
				case in.Input != nil:
					s.SetInputs(map[string]any{"messages": toChatMessages(in.Input.Messages)})
				case in.ResumeInfo != nil:
					s.SetInputs(map[string]any{"resume": true})
				}
			}
			return
		}
	}
	if f.content {
		s.SetInputs(value(input))
	}
}

// recordOutput records what a call returned.
func (f *frame) recordOutput(output callbacks.CallbackOutput) {
	s := f.span
	switch f.kind {
	case kindModel:
		if out := model.ConvCallbackOutput(output); out != nil {
			f.recordModelOutput(out)
			return
		}
	case kindTool:
		if out := tool.ConvCallbackOutput(output); out != nil {
			if f.content {
				if out.ToolOutput != nil && out.Response == "" {
					s.SetOutputs(out.ToolOutput)
				} else {
					setJSONOrText(f, instrument.SetRawOutputs, s.SetOutputs, out.Response)
				}
			}
			return
		}
	case kindEmbedding:
		if out := embedding.ConvCallbackOutput(output); out != nil {
			if u := out.TokenUsage; u != nil {
				s.SetTokenUsage(tokenUsage(u.PromptTokens, u.CompletionTokens, u.TotalTokens))
			}
			if f.content {
				s.SetOutputs(map[string]any{"embeddings": nonNil(out.Embeddings)})
			}
			return
		}
	case kindRetriever:
		if out := retriever.ConvCallbackOutput(output); out != nil {
			if f.content {
				s.SetOutputs(toDocuments(out.Docs))
			}
			return
		}
	case kindIndexer:
		if out := indexer.ConvCallbackOutput(output); out != nil {
			if f.content {
				s.SetOutputs(map[string]any{"ids": nonNil(out.IDs)})
			}
			return
		}
	case kindLoader:
		if out := document.ConvLoaderCallbackOutput(output); out != nil {
			if f.content {
				s.SetOutputs(toDocuments(out.Docs))
			}
			return
		}
	case kindTransformer:
		if out := document.ConvTransformerCallbackOutput(output); out != nil {
			if f.content {
				s.SetOutputs(toDocuments(out.Output))
			}
			return
		}
	case kindTemplate:
		if out := prompt.ConvCallbackOutput(output); out != nil {
			if f.content {
				s.SetOutputs(map[string]any{"messages": toChatMessages(out.Result)})
			}
			return
		}
	}
	if f.content {
		s.SetOutputs(value(output))
	}
}

// recordModelOutput records a model call's message (assembled, for a stream), its usage
// and finish reason.
func (f *frame) recordModelOutput(out *model.CallbackOutput) {
	s := f.span
	if u, ok := usageOf(out); ok {
		s.SetTokenUsage(u)
	}
	var reason string
	if m := out.Message; m != nil && m.ResponseMeta != nil {
		reason = m.ResponseMeta.FinishReason
	}
	if reason != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseFinishReasons, []string{reason})
	}
	if f.content && out.Message != nil {
		c := chatCompletion{Object: "chat.completion", Choices: []chatChoice{{Message: toChatMessage(out.Message), FinishReason: reason}}}
		if out.Config != nil {
			c.Model = out.Config.Model
		}
		s.SetOutputs(c)
	}
}

// document is a document in MLflow's shape (mlflow.entities.Document).
type mlflowDocument struct {
	PageContent string         `json:"page_content"`
	Metadata    map[string]any `json:"metadata"`
	ID          string         `json:"id,omitempty"`
}

func toDocuments(docs []*schema.Document) []mlflowDocument {
	out := make([]mlflowDocument, 0, len(docs))
	for _, d := range docs {
		if d == nil {
			continue
		}
		out = append(out, mlflowDocument{PageContent: d.Content, Metadata: nonNilMap(d.MetaData), ID: d.ID})
	}
	return out
}

// value is how a graph's, a lambda's or another node's input or output is recorded:
// messages in the chat shape, anything else as its JSON.
func value(v any) any {
	switch t := v.(type) {
	case []*schema.Message:
		return map[string]any{"messages": toChatMessages(t)}
	case *schema.Message:
		return toChatMessage(t)
	case []*schema.Document:
		return toDocuments(t)
	}
	return v
}

// setJSONOrText records s with setRaw when it is a JSON object or array, else as a string.
func setJSONOrText(f *frame, setRaw func(*core.Span, string), set func(any), s string) {
	if t := strings.TrimLeft(s, " \t\r\n"); t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(s)) {
		setRaw(f.span, s)
		return
	}
	set(s)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func stringOf(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(v)
}
