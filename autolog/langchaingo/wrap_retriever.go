package langchaingo

import (
	"context"

	"github.com/tmc/langchaingo/schema"

	"github.com/agentlens/agentlens/spantypes"
)

// Retriever is a schema.Retriever whose calls are traced: a RETRIEVER span with the query as
// input and the documents, in MLflow's shape (page_content, metadata, id), as outputs.
type Retriever struct {
	inner schema.Retriever
	cfg   config
	name  string
}

var _ schema.Retriever = (*Retriever)(nil)

// WrapRetriever returns r traced.
func WrapRetriever(r schema.Retriever, opts ...Option) *Retriever {
	if w, ok := r.(*Retriever); ok {
		return w
	}
	return &Retriever{inner: r, cfg: newConfig(opts), name: typeName(r)}
}

// Unwrap returns the wrapped retriever.
func (r *Retriever) Unwrap() schema.Retriever { return r.inner }

// GetRelevantDocuments calls the wrapped retriever in a span.
func (r *Retriever) GetRelevantDocuments(ctx context.Context, query string) ([]schema.Document, error) {
	w, ok := begin(ctx, &r.cfg, kindRetriever, false, r.name, spantypes.Retriever, func() any { return query })
	if !ok {
		return r.inner.GetRelevantDocuments(ctx, query)
	}
	docs, err := r.inner.GetRelevantDocuments(w.ctx, query)
	if err == nil {
		w.outputs(func() any { return documentsOutput(docs) })
	}
	w.finish(err)
	return docs, err
}
