package langchaingo_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/vectorstores"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// streamed reads a recorded SSE chat stream: the content deltas joined, and the usage.
func streamed(t *testing.T, ex httprr.Exchange) (string, tracedata.TokenUsage) {
	t.Helper()
	var text strings.Builder
	var usage tracedata.TokenUsage
	sc := bufio.NewScanner(bytes.NewReader(ex.ResponseBody))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
			Usage *struct {
				Prompt     int64 `json:"prompt_tokens"`
				Completion int64 `json:"completion_tokens"`
				Total      int64 `json:"total_tokens"`
			} `json:"usage"`
		}
		require.NoError(t, json.Unmarshal([]byte(data), &chunk))
		for _, c := range chunk.Choices {
			text.WriteString(c.Delta.Content)
		}
		if chunk.Usage != nil {
			usage = tracedata.TokenUsage{InputTokens: chunk.Usage.Prompt, OutputTokens: chunk.Usage.Completion, TotalTokens: chunk.Usage.Total}
		}
	}
	return text.String(), usage
}

func TestStreamingWrappedModel(t *testing.T) {
	for _, viaTransport := range []bool{false, true} {
		name := "wrapper"
		if viaTransport {
			name = "wrapper+transport"
		}
		t.Run(name, func(t *testing.T) {
			rec := tracetest.Capture(t)
			rp, exs := recording(t, "llms/openai/testdata/TestWithStreaming.httprr")
			var rt http.RoundTripper = rp
			if viaTransport {
				rt = lcg.NewTransport(rp)
			}
			h := lcg.NewHandler()
			llm := newLLM(t, rt, openai.WithCallback(h))
			model := lcg.WrapModel(llm)
			var got []string
			resp, err := model.GenerateContent(context.Background(), []llms.MessageContent{{
				Role:  llms.ChatMessageTypeHuman,
				Parts: []llms.ContentPart{llms.TextPart("I'm a pomeranian"), llms.TextPart("Tell me more about my taxonomy")},
			}}, llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error {
				got = append(got, string(chunk))
				return nil
			}))
			require.NoError(t, err)
			text, usage := streamed(t, exs[0])
			assert.Equal(t, text, resp.Choices[0].Content)
			assert.Equal(t, text, strings.Join(got, ""))

			tr := rec.LastTrace()
			assert.Equal(t, "CHAT_MODEL openai.LLM OK\n", tracetest.Tree(tr))
			s := tr.RootSpan()
			var chunks []string
			for _, e := range s.Events {
				if strings.HasPrefix(e.Name, spantypes.ChunkEventPrefix) {
					chunks = append(chunks, e.Attributes[spantypes.KeyChunkValue].(string))
				}
			}
			if viaTransport {
				// The OpenAI adapter records the raw API chunks, and the wrapper none.
				assert.Equal(t, strings.Count(string(exs[0].ResponseBody), "\ndata: {")+1, len(chunks))
				for _, c := range chunks {
					assert.Contains(t, c, `"object":"chat.completion.chunk"`)
				}
			} else {
				want := make([]string, len(got))
				for i, g := range got {
					want[i] = string(must(json.Marshal(g)))
				}
				assert.Equal(t, want, chunks, "one chunk event per chunk the caller saw")
			}
			u, ok := s.TokenUsage()
			require.True(t, ok)
			assert.Equal(t, usage, u)
			assert.JSONEq(t, `{"messages":[{"role":"user","content":[{"type":"text","text":"I'm a pomeranian"},{"type":"text","text":"Tell me more about my taxonomy"}]}]}`, string(s.Inputs()))
			assert.Zero(t, rp.Unused())
		})
	}
}

// The handler alone sees stream chunks through HandleStreamingFunc, which langchaingo's
// chains and agents call from the streaming function they pass down; here the caller's
// streaming function does the same.
func TestStreamingHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "llms/openai/testdata/TestWithStreaming.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, openai.WithCallback(h))
	n := 0
	_, err := llm.GenerateContent(context.Background(), []llms.MessageContent{{
		Role:  llms.ChatMessageTypeHuman,
		Parts: []llms.ContentPart{llms.TextPart("I'm a pomeranian"), llms.TextPart("Tell me more about my taxonomy")},
	}}, llms.WithStreamingFunc(func(ctx context.Context, chunk []byte) error {
		h.HandleStreamingFunc(ctx, chunk)
		n++
		return nil
	}))
	require.NoError(t, err)
	tr := rec.LastTrace()
	assert.Equal(t, "CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	s := tr.RootSpan()
	chunks := 0
	for _, e := range s.Events {
		if strings.HasPrefix(e.Name, spantypes.ChunkEventPrefix) {
			chunks++
		}
	}
	assert.Equal(t, n, chunks)
	_, usage := streamed(t, exs[0])
	u, ok := s.TokenUsage()
	require.True(t, ok)
	assert.Equal(t, usage, u)
}

func recordedEmbeddingUsage(t *testing.T, ex httprr.Exchange) tracedata.TokenUsage {
	t.Helper()
	var body struct {
		Usage struct {
			Prompt int64 `json:"prompt_tokens"`
			Total  int64 `json:"total_tokens"`
		} `json:"usage"`
	}
	require.NoError(t, json.Unmarshal(ex.ResponseBody, &body))
	return tracedata.TokenUsage{InputTokens: body.Usage.Prompt, TotalTokens: body.Usage.Total}
}

func TestEmbeddingsWrapper(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "embeddings/testdata/TestOpenaiEmbeddings.httprr")
	llm := newLLM(t, lcg.NewTransport(rp))
	inner, err := embeddings.NewEmbedder(llm)
	require.NoError(t, err)
	e := lcg.WrapEmbedder(inner)
	ctx := context.Background()

	q, err := e.EmbedQuery(ctx, "Hello world!")
	require.NoError(t, err)
	docs, err := e.EmbedDocuments(ctx, []string{"Hello world", "The world is ending", "good bye"})
	require.NoError(t, err)
	require.Len(t, docs, 3)

	trs := rec.Traces()
	require.Len(t, trs, 2)
	assert.Equal(t, "EMBEDDING embeddings.EmbedderImpl.EmbedQuery OK\n", tracetest.Tree(trs[0]))
	assert.Equal(t, "EMBEDDING embeddings.EmbedderImpl.EmbedDocuments OK\n", tracetest.Tree(trs[1]))
	for i, tr := range trs {
		s := tr.RootSpan()
		u, ok := s.TokenUsage()
		require.True(t, ok, "usage of %s", s.Name)
		assert.Equal(t, recordedEmbeddingUsage(t, exs[i]), u)
		assert.JSONEq(t, `"text-embedding-ada-002"`, string(s.Attribute(spantypes.KeyGenAIRequestModel)))
	}
	var out []float32
	require.NoError(t, json.Unmarshal(trs[0].RootSpan().Outputs(), &out))
	assert.Equal(t, q, out)
	assert.JSONEq(t, `["Hello world","The world is ending","good bye"]`, string(trs[1].RootSpan().Inputs()))
}

// embeddingStore is a vector store that embeds the query (as real stores do) and returns
// fixed documents.
type embeddingStore struct{ e embeddings.Embedder }

func (s embeddingStore) AddDocuments(context.Context, []schema.Document, ...vectorstores.Option) ([]string, error) {
	return nil, nil
}

func (s embeddingStore) SimilaritySearch(ctx context.Context, query string, n int, _ ...vectorstores.Option) ([]schema.Document, error) {
	if _, err := s.e.EmbedQuery(ctx, query); err != nil {
		return nil, err
	}
	return []schema.Document{{PageContent: "hello", Metadata: map[string]any{"id": "d1", "source": "greetings.txt"}, Score: 0.5}}[:n], nil
}

// A vectorstores.Retriever with the handler: its store's embedding call (no callbacks) nests
// under the RETRIEVER span through the bridge.
func TestVectorStoreRetrieverHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "embeddings/testdata/TestOpenaiEmbeddingsQueryVsDocuments.httprr")
	llm := newLLM(t, lcg.NewTransport(rp))
	e, err := embeddings.NewEmbedder(llm)
	require.NoError(t, err)
	r := vectorstores.ToRetriever(embeddingStore{e}, 1)
	r.CallbacksHandler = lcg.NewHandler()

	docs, err := r.GetRelevantDocuments(context.Background(), "hi there")
	require.NoError(t, err)
	require.Len(t, docs, 1)

	tr := rec.LastTrace()
	tree := tracetest.Tree(tr)
	require.Equal(t, 2, strings.Count(tree, "\n"), tree)
	assert.True(t, strings.HasPrefix(tree, "RETRIEVER Retriever OK\n  EMBEDDING "), tree)
	ret := tr.RootSpan()
	assert.JSONEq(t, `"hi there"`, string(ret.Inputs()))
	assert.JSONEq(t, `[{"page_content":"hello","metadata":{"id":"d1","source":"greetings.txt","score":0.5},"id":"d1"}]`, string(ret.Outputs()))
	emb := spansOfType(tr, spantypes.Embedding)[0]
	u, ok := emb.TokenUsage()
	require.True(t, ok)
	assert.Equal(t, recordedEmbeddingUsage(t, exs[0]), u)
}
