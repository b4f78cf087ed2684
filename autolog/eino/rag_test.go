package eino_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components/embedding"
	"github.com/cloudwego/eino/components/retriever"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// shelf is a retriever over three documents, matched by word. It leaves the callbacks to
// the graph, as a component without callbacks of its own does.
type shelf struct{}

var docs = []*schema.Document{
	{ID: "d1", Content: "Lisbon is the capital of Portugal.", MetaData: map[string]any{"source": "atlas"}},
	{ID: "d2", Content: "Porto is known for its wine.", MetaData: map[string]any{"source": "guide"}},
	{ID: "d3", Content: "Lisbon has seven hills.", MetaData: map[string]any{"source": "guide"}},
}

func (shelf) Retrieve(_ context.Context, query string, _ ...retriever.Option) ([]*schema.Document, error) {
	var out []*schema.Document
	for _, d := range docs {
		for _, w := range strings.Fields(query) {
			if strings.Contains(d.Content, w) {
				out = append(out, d)
				break
			}
		}
	}
	return out, nil
}

// letterEmbedder embeds a text as its length and its count of vowels. It reports its own
// callbacks, with the model and usage, as eino-ext's embedders do.
type letterEmbedder struct{}

func (letterEmbedder) GetType() string          { return "Letters" }
func (letterEmbedder) IsCallbacksEnabled() bool { return true }

func (letterEmbedder) EmbedStrings(ctx context.Context, texts []string, _ ...embedding.Option) ([][]float64, error) {
	cfg := &embedding.Config{Model: "letters-2"}
	ctx = callbacks.OnStart(ctx, &embedding.CallbackInput{Texts: texts, Config: cfg})
	out := make([][]float64, len(texts))
	for i, s := range texts {
		out[i] = []float64{float64(len(s)), float64(strings.Count(s, "a") + strings.Count(s, "o"))}
	}
	callbacks.OnEnd(ctx, &embedding.CallbackOutput{Embeddings: out, Config: cfg,
		TokenUsage: &embedding.TokenUsage{PromptTokens: len(texts) * 2, TotalTokens: len(texts) * 2}})
	return out, nil
}

func TestRetrieverAndEmbedderInGraph(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	ctx := context.Background()
	g := compose.NewGraph[[]string, []*schema.Document]()
	require.NoError(t, g.AddEmbeddingNode("embed", letterEmbedder{}, compose.WithNodeName("embed")))
	require.NoError(t, g.AddLambdaNode("to_query", compose.InvokableLambda(func(_ context.Context, v [][]float64) (string, error) {
		if len(v) > 0 && v[0][0] > 10 {
			return "Lisbon", nil
		}
		return "Porto", nil
	}), compose.WithNodeName("to_query")))
	require.NoError(t, g.AddRetrieverNode("search", shelf{}, compose.WithNodeName("search")))
	require.NoError(t, g.AddEdge(compose.START, "embed"))
	require.NoError(t, g.AddEdge("embed", "to_query"))
	require.NoError(t, g.AddEdge("to_query", "search"))
	require.NoError(t, g.AddEdge("search", compose.END))
	r, err := g.Compile(ctx, compose.WithGraphName("rag"))
	require.NoError(t, err)

	out, err := r.Invoke(ctx, []string{"the capital city"})
	require.NoError(t, err)
	require.Len(t, out, 2)

	tr := rec.LastTrace()
	require.Equal(t, "CHAIN rag OK\n  EMBEDDING embed OK\n  CHAIN to_query OK\n  RETRIEVER search OK\n", tracetest.Tree(tr))
	emb := span(t, tr, "embed")
	require.Equal(t, `"embeddings"`, attr(emb, spantypes.KeyGenAIOperationName))
	require.Equal(t, `"letters-2"`, attr(emb, spantypes.KeyGenAIRequestModel))
	requireJSON(t, `{"input":["the capital city"]}`, attr(emb, spantypes.KeySpanInputs))
	requireJSON(t, `{"embeddings":[[16,2]]}`, attr(emb, spantypes.KeySpanOutputs))
	requireJSON(t, `{"input_tokens":2,"output_tokens":0,"total_tokens":2}`, attr(emb, spantypes.KeyChatTokenUsage))

	ret := span(t, tr, "search")
	requireJSON(t, `{"query":"Lisbon"}`, attr(ret, spantypes.KeySpanInputs))
	// Documents in MLflow's shape.
	requireJSON(t, `[{"page_content":"Lisbon is the capital of Portugal.","metadata":{"source":"atlas"},"id":"d1"},
		{"page_content":"Lisbon has seven hills.","metadata":{"source":"guide"},"id":"d3"}]`, attr(ret, spantypes.KeySpanOutputs))
}

type question struct {
	Question string
	Audience string
}

func TestWorkflow(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	ctx := context.Background()
	wf := compose.NewWorkflow[question, string]()
	wf.AddRetrieverNode("search", shelf{}, compose.WithNodeName("search")).
		AddInput(compose.START, compose.FromField("Question"))
	wf.AddLambdaNode("answer", compose.InvokableLambda(func(_ context.Context, in map[string]any) (string, error) {
		ds := in["docs"].([]*schema.Document)
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = d.Content
		}
		return in["audience"].(string) + ": " + strings.Join(parts, " "), nil
	}), compose.WithNodeName("answer")).
		AddInput("search", compose.ToField("docs")).
		AddInput(compose.START, compose.MapFields("Audience", "audience"))
	wf.End().AddInput("answer")
	r, err := wf.Compile(ctx, compose.WithGraphName("faq"))
	require.NoError(t, err)

	out, err := r.Invoke(ctx, question{Question: "Porto", Audience: "tourists"})
	require.NoError(t, err)
	require.Equal(t, "tourists: Porto is known for its wine.", out)

	tr := rec.LastTrace()
	require.Equal(t, "CHAIN faq OK\n  RETRIEVER search OK\n  CHAIN answer OK\n", tracetest.Tree(tr))
	root := span(t, tr, "faq")
	require.Equal(t, `"Workflow"`, attr(root, "eino.component"))
	requireJSON(t, `{"Question":"Porto","Audience":"tourists"}`, attr(root, spantypes.KeySpanInputs))
	require.Equal(t, `"tourists: Porto is known for its wine."`, attr(root, spantypes.KeySpanOutputs))
	requireJSON(t, `{"query":"Porto"}`, attr(span(t, tr, "search"), spantypes.KeySpanInputs))
	requireJSON(t, `{"audience":"tourists","docs":[{"id":"d2","content":"Porto is known for its wine.","meta_data":{"source":"guide"}}]}`,
		attr(span(t, tr, "answer"), spantypes.KeySpanInputs))
}
