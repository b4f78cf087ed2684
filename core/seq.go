package core

import (
	"context"
	"iter"
	"runtime/debug"

	"github.com/agentlens/agentlens/internal/jsonenc"
)

// Pair is a key and value yielded by a Seq2; it is recorded as the JSON array [key, value].
type Pair[K, V any] struct {
	Key   K
	Value V
}

// MarshalJSON encodes the pair as [key, value].
func (p Pair[K, V]) MarshalJSON() ([]byte, error) {
	return []byte("[" + jsonenc.String(p.Key) + "," + jsonenc.String(p.Value) + "]"), nil
}

// Seq returns seq wrapped in a span named name (the generator analog). Nothing starts until
// iteration starts; the span then records one event per item ("mlflow.chunk.item.N" with the
// item as JSON under "mlflow.chunk.value") and ends when seq is exhausted or the consumer
// stops early (status OK in both cases), or when a panic goes through it (status ERROR).
// Its outputs are the items, or what a WithReducer function makes of them.
//
// The span becomes the active span only for spans started with the ctx passed here; code
// inside seq that captured another context starts its spans there.
func Seq[T any](ctx context.Context, name string, seq iter.Seq[T], opts ...SpanOption) iter.Seq[T] {
	return func(yield func(T) bool) {
		_, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			seq(yield)
			return
		}
		var cfg spanConfig
		cfg.apply(opts)
		chunks := chunkRecorder[T]{span: span}
		defer span.endStream(func() any { return chunks.outputs(cfg.reducer) })
		seq(func(v T) bool {
			chunks.add(v)
			return yield(v)
		})
	}
}

// Seq2 is Seq for two-value iterators. For the fallible-stream idiom iter.Seq2[T, error], a
// non-nil error is recorded as an exception (status ERROR) and is not a chunk; the chunks are
// then the T values. For other Seq2[K, V], each chunk is the pair [key, value].
// A reducer takes []K for Seq2[K, error] and []Pair[K, V] otherwise.
func Seq2[K, V any](ctx context.Context, name string, seq iter.Seq2[K, V], opts ...SpanOption) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		_, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			seq(yield)
			return
		}
		var cfg spanConfig
		cfg.apply(opts)
		if _, fallible := any((*V)(nil)).(*error); fallible {
			keys := chunkRecorder[K]{span: span}
			defer span.endStream(func() any { return keys.outputs(cfg.reducer) })
			seq(func(k K, v V) bool {
				if err, _ := any(v).(error); err != nil {
					span.RecordError(err)
				} else {
					keys.add(k)
				}
				return yield(k, v)
			})
			return
		}
		pairs := chunkRecorder[Pair[K, V]]{span: span}
		defer span.endStream(func() any { return pairs.outputs(cfg.reducer) })
		seq(func(k K, v V) bool {
			pairs.add(Pair[K, V]{k, v})
			return yield(k, v)
		})
	}
}

// chunkRecorder records the items of a stream on its span: one event each, and the items
// themselves for the outputs when content is captured.
type chunkRecorder[T any] struct {
	span  *Span
	items []T
	n     int
}

func (c *chunkRecorder[T]) add(v T) {
	c.span.rec().AddChunk(c.n, v)
	c.n++
	if c.span.rec().CaptureContent() {
		c.items = append(c.items, v)
	}
}

// outputs returns what the reducer makes of the items, or the items.
func (c *chunkRecorder[T]) outputs(reducer any) any {
	if r, ok := reducer.(func([]T) any); ok {
		return r(c.items)
	}
	return c.items
}

// endStream ends a stream span from a deferred call: on a panic it records the panic and
// lets it continue; otherwise it records the outputs.
func (s *Span) endStream(outputs func() any) {
	if r := recover(); r != nil {
		s.rec().RecordPanic(r, debug.Stack())
		s.End()
		panic(r)
	}
	s.SetOutputs(outputs())
	s.End()
}
