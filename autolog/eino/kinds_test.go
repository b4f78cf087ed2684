package eino_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/cloudwego/eino/components/document"
	"github.com/cloudwego/eino/components/indexer"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

type fileLoader struct{}

func (fileLoader) Load(_ context.Context, src document.Source, _ ...document.LoaderOption) ([]*schema.Document, error) {
	return []*schema.Document{{ID: "f1", Content: "alpha beta. gamma delta.", MetaData: map[string]any{"uri": src.URI}}}, nil
}

type sentenceSplitter struct{}

func (sentenceSplitter) Transform(_ context.Context, in []*schema.Document, _ ...document.TransformerOption) ([]*schema.Document, error) {
	var out []*schema.Document
	for _, d := range in {
		for i, s := range strings.Split(d.Content, ". ") {
			out = append(out, &schema.Document{ID: d.ID + "-" + string(rune('a'+i)), Content: strings.TrimSuffix(s, ".")})
		}
	}
	return out, nil
}

type memIndexer struct{}

func (memIndexer) Store(_ context.Context, docs []*schema.Document, _ ...indexer.Option) ([]string, error) {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

func TestLoaderTransformerIndexer(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	ctx := context.Background()
	g := compose.NewGraph[document.Source, []string]()
	require.NoError(t, g.AddLoaderNode("load", fileLoader{}, compose.WithNodeName("load")))
	require.NoError(t, g.AddDocumentTransformerNode("split", sentenceSplitter{}, compose.WithNodeName("split")))
	require.NoError(t, g.AddIndexerNode("index", memIndexer{}, compose.WithNodeName("index")))
	require.NoError(t, g.AddEdge(compose.START, "load"))
	require.NoError(t, g.AddEdge("load", "split"))
	require.NoError(t, g.AddEdge("split", "index"))
	require.NoError(t, g.AddEdge("index", compose.END))
	r, err := g.Compile(ctx, compose.WithGraphName("ingest"))
	require.NoError(t, err)
	ids, err := r.Invoke(ctx, document.Source{URI: "file:///notes.txt"})
	require.NoError(t, err)
	require.Equal(t, []string{"f1-a", "f1-b"}, ids)

	tr := rec.LastTrace()
	require.Equal(t, "CHAIN ingest OK\n  "+eino.SpanTypeLoader+" load OK\n  PARSER split OK\n  "+eino.SpanTypeIndexer+" index OK\n", tracetest.Tree(tr))
	requireJSON(t, `{"uri":"file:///notes.txt"}`, attr(span(t, tr, "load"), spantypes.KeySpanInputs))
	requireJSON(t, `[{"page_content":"alpha beta. gamma delta.","metadata":{"uri":"file:///notes.txt"},"id":"f1"}]`, attr(span(t, tr, "load"), spantypes.KeySpanOutputs))
	requireJSON(t, `[{"page_content":"alpha beta","metadata":{},"id":"f1-a"},{"page_content":"gamma delta","metadata":{},"id":"f1-b"}]`, attr(span(t, tr, "split"), spantypes.KeySpanOutputs))
	requireJSON(t, `{"ids":["f1-a","f1-b"]}`, attr(span(t, tr, "index"), spantypes.KeySpanOutputs))
}

// A node that takes a stream (Transform) gets its span at once, and the inputs the stream
// assembles to once it is read.
func TestStreamInputNode(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	ctx := context.Background()
	shout := compose.TransformableLambda(func(_ context.Context, in *schema.StreamReader[*schema.Message]) (*schema.StreamReader[string], error) {
		return schema.StreamReaderWithConvert(in, func(m *schema.Message) (string, error) {
			return strings.ToUpper(m.Content), nil
		}), nil
	})
	chain := compose.NewChain[[]*schema.Message, string]()
	chain.AppendChatModel(fm.chatModel(t), compose.WithNodeName("model")).
		AppendLambda(shout, compose.WithNodeName("shout"))
	r, err := chain.Compile(ctx, compose.WithGraphName("loud"))
	require.NoError(t, err)
	sr, err := r.Stream(ctx, []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)
	var b strings.Builder
	for {
		s, err := sr.Recv()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b.WriteString(s)
	}
	sr.Close()
	require.Equal(t, strings.ToUpper(poem), b.String())

	tr := waitTraces(t, rec, 1)[0]
	require.Equal(t, "CHAIN loud OK\n  CHAT_MODEL model OK\n  CHAIN shout OK\n", tracetest.Tree(tr))
	sh := span(t, tr, "shout")
	requireJSON(t, `{"role":"assistant","content":"`+poem+`"}`, attr(sh, spantypes.KeySpanInputs))
	require.Equal(t, mustJSON(strings.ToUpper(poem)), attr(sh, spantypes.KeySpanOutputs))
	require.Equal(t, mustJSON(strings.ToUpper(poem)), attr(span(t, tr, "loud"), spantypes.KeySpanOutputs))
}
