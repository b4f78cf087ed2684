package langchaingo

import (
	"context"

	"github.com/tmc/langchaingo/embeddings"

	"github.com/agentlens/agentlens/spantypes"
)

// Embedder is an embeddings.Embedder whose calls are traced: an EMBEDDING span per call
// (langchaingo's embedders fire no callbacks), with the texts as inputs and the vectors as
// outputs. The HTTP adapter below enriches it with the model and token usage.
type Embedder struct {
	inner embeddings.Embedder
	cfg   config
	name  string
}

var _ embeddings.Embedder = (*Embedder)(nil)

// WrapEmbedder returns e traced.
func WrapEmbedder(e embeddings.Embedder, opts ...Option) *Embedder {
	if w, ok := e.(*Embedder); ok {
		return w
	}
	return &Embedder{inner: e, cfg: newConfig(opts), name: typeName(e)}
}

// Unwrap returns the wrapped embedder.
func (e *Embedder) Unwrap() embeddings.Embedder { return e.inner }

// EmbedDocuments calls the wrapped embedder in a span named "<type>.EmbedDocuments".
func (e *Embedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	w, ok := begin(ctx, &e.cfg, 0, false, e.name+".EmbedDocuments", spantypes.Embedding, func() any { return texts })
	if !ok {
		return e.inner.EmbedDocuments(ctx, texts)
	}
	w.span.SetAttribute(spantypes.KeyGenAIOperationName, "embeddings")
	vs, err := e.inner.EmbedDocuments(w.ctx, texts)
	if err == nil {
		w.outputs(func() any { return vs })
	}
	w.finish(err)
	return vs, err
}

// EmbedQuery calls the wrapped embedder in a span named "<type>.EmbedQuery".
func (e *Embedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	w, ok := begin(ctx, &e.cfg, 0, false, e.name+".EmbedQuery", spantypes.Embedding, func() any { return text })
	if !ok {
		return e.inner.EmbedQuery(ctx, text)
	}
	w.span.SetAttribute(spantypes.KeyGenAIOperationName, "embeddings")
	v, err := e.inner.EmbedQuery(w.ctx, text)
	if err == nil {
		w.outputs(func() any { return v })
	}
	w.finish(err)
	return v, err
}
