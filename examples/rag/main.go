// Command rag answers a question from a handful of documents with retrieval-augmented
// generation on github.com/sashabaranov/go-openai, and shows manual spans and autologged
// ones in one trace: the pipeline and its indexing step are CHAIN spans and the vector
// search a RETRIEVER span, written by hand; the embedding and chat calls inside them are
// EMBEDDING and CHAT_MODEL spans made by openai.Autolog().
//
//	go run ./examples/rag
//
// It runs offline by default, replaying recordings/cassettes/examples/rag.yaml. With
// OPENAI_API_KEY set it calls the real API instead, and with AGENTLENS_RECORD=1 as well it
// records the cassette anew.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/spantypes"
)

// cassette is the recording replayed when there is no OPENAI_API_KEY.
const cassette = "examples/rag"

const (
	chatModel      = "gpt-4o-mini"
	embeddingModel = goopenai.SmallEmbedding3
	// dimensions shortens the embeddings (text-embedding-3 models allow it), which keeps the
	// cassette small; 1536 is the model's full size.
	dimensions = 64
	// topK is how many documents the answer is grounded on.
	topK = 2
)

// documents are the knowledge base: the help center of an imaginary cloud service.
var documents = []string{
	"Refunds: annual plans can be refunded in full within 30 days of purchase. Monthly plans are not refundable.",
	"Support: the support team answers chat and email from 8:00 to 18:00 CET, Monday to Friday.",
	"Data residency: customer data is stored in Frankfurt and never leaves the European Union.",
	"Pricing: the Team plan costs 12 euros per user per month when billed annually.",
	"Incidents: during an outage, status updates are posted every 30 minutes on the status page.",
	"Security: every account must use two-factor authentication since March 2024.",
}

const question = "Can I get a refund on my annual plan?"

func main() {
	err := run(context.Background(), os.Stdout)
	// Shutdown writes the traces still queued to the local store: it must run before the
	// program exits, also when run failed.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if serr := sdk.Shutdown(ctx); serr != nil {
		fmt.Fprintln(os.Stderr, "rag: shutdown:", serr)
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rag:", err)
		os.Exit(1)
	}
}

// run is the whole program but for the final shutdown.
func run(ctx context.Context, out io.Writer) error {
	return runWith(ctx, out, recordings.Options{})
}

// runWith is run with the options of the recorder (the cassette generator sends the
// recorded requests to a fake server).
func runWith(ctx context.Context, out io.Writer, recOpts recordings.Options) (err error) {
	key := os.Getenv("OPENAI_API_KEY")
	// The recorder goes in as http.DefaultTransport first, so that Autolog wraps it.
	stop, err := recordings.ForProgram(out, cassette, recOpts)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stop(err != nil)) }()

	undo := openai.Autolog()
	defer undo()
	client := goopenai.NewClient(key)

	if _, err := answer(ctx, client, out, question); err != nil {
		return err
	}

	if err := sdk.Flush(ctx); err != nil {
		return err
	}
	id := sdk.LastActiveTraceID()
	t, err := sdk.GetTrace(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s", sdk.FormatTree(t))
	if st := sdk.LocalStore(); st != nil {
		fmt.Fprintf(out, "\nstored in %s; see it again with:\n  go run ./cmd/agentlens --store %s traces show %s\n",
			st.Path(), st.Path(), id)
	}
	return nil
}

// answer is the pipeline: index the documents, retrieve the ones closest to the question,
// and have the model answer from them. It is the root CHAIN span of the trace.
func answer(ctx context.Context, client *goopenai.Client, out io.Writer, question string) (string, error) {
	ctx, span := core.StartSpan(ctx, "rag", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": question}}}))
	defer span.End()
	fmt.Fprintln(out, "question:", question)

	idx, err := buildIndex(ctx, client, documents)
	if err != nil {
		span.RecordError(err)
		return "", err
	}
	hits, err := idx.retrieve(ctx, client, question, topK)
	if err != nil {
		span.RecordError(err)
		return "", err
	}
	fmt.Fprintln(out, "\nretrieved:")
	var grounding strings.Builder
	for _, h := range hits {
		fmt.Fprintf(out, "  %.3f  %s\n", h.Metadata.Score, h.PageContent)
		fmt.Fprintf(&grounding, "- %s\n", h.PageContent)
	}

	resp, err := client.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
		Model: chatModel,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: "Answer the question in one or two sentences, using only this context:\n" + grounding.String()},
			{Role: goopenai.ChatMessageRoleUser, Content: question},
		},
	})
	if err != nil {
		span.RecordError(err)
		return "", err
	}
	if len(resp.Choices) == 0 {
		err := errors.New("the model returned no choices")
		span.RecordError(err)
		return "", err
	}
	text := strings.TrimSpace(resp.Choices[0].Message.Content)
	fmt.Fprintln(out, "\nanswer:", text)
	span.SetOutputs(map[string]any{"choices": []any{map[string]any{
		"message": map[string]string{"role": "assistant", "content": text},
	}}})
	return text, nil
}

// index is a tiny in-memory vector store.
type index struct {
	docs []string
	vecs [][]float32
}

// buildIndex embeds the documents in one API call, in a CHAIN span of its own.
func buildIndex(ctx context.Context, client *goopenai.Client, docs []string) (*index, error) {
	ctx, span := core.StartSpan(ctx, "index documents", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"documents": len(docs)}))
	defer span.End()
	vecs, err := embed(ctx, client, docs)
	if err != nil {
		span.RecordError(err)
		return nil, err
	}
	span.SetOutputs(map[string]any{"documents": len(vecs), "dimensions": len(vecs[0])})
	return &index{docs: docs, vecs: vecs}, nil
}

// document is a retrieved document in the shape MLflow shows for RETRIEVER spans.
type document struct {
	PageContent string      `json:"page_content"`
	Metadata    docMetadata `json:"metadata"`
	ID          string      `json:"id"`
}

type docMetadata struct {
	Score float64 `json:"score"`
}

// retrieve embeds the query and returns the k most similar documents, by cosine
// similarity, in a RETRIEVER span whose outputs are the documents.
func (x *index) retrieve(ctx context.Context, client *goopenai.Client, query string, k int) ([]document, error) {
	ctx, span := core.StartSpan(ctx, "retrieve", core.WithSpanType(spantypes.Retriever),
		core.WithInputs(map[string]any{"query": query, "k": k}))
	defer span.End()
	q, err := embed(ctx, client, []string{query})
	if err != nil {
		span.RecordError(err)
		return nil, err
	}
	hits := make([]document, len(x.docs))
	for i, d := range x.docs {
		score := math.Round(cosine(q[0], x.vecs[i])*1000) / 1000
		hits[i] = document{PageContent: d, Metadata: docMetadata{Score: score}, ID: fmt.Sprintf("doc-%d", i+1)}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Metadata.Score > hits[j].Metadata.Score })
	hits = hits[:min(k, len(hits))]
	span.SetOutputs(hits)
	return hits, nil
}

// embed returns the embeddings of texts, in order.
func embed(ctx context.Context, client *goopenai.Client, texts []string) ([][]float32, error) {
	resp, err := client.CreateEmbeddings(ctx, goopenai.EmbeddingRequestStrings{
		Input:      texts,
		Model:      embeddingModel,
		Dimensions: dimensions,
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("%d embeddings for %d texts", len(resp.Data), len(texts))
	}
	vecs := make([][]float32, len(texts))
	for _, e := range resp.Data {
		if e.Index < 0 || e.Index >= len(vecs) {
			return nil, fmt.Errorf("embedding index %d out of range", e.Index)
		}
		vecs[e.Index] = e.Embedding
	}
	return vecs, nil
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		if i >= len(b) {
			break
		}
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
