package core

import (
	"context"
	"iter"
	"runtime/debug"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
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
		reducer, _ := cfg.reducer.(func([]T) any)
		keep := span.rt.cfg.captureContent
		var chunks []T
		n := 0
		defer span.endStream(func() any {
			if reducer != nil {
				return reducer(chunks)
			}
			return chunks
		})
		seq(func(v T) bool {
			span.addChunk(n, v)
			n++
			if keep {
				chunks = append(chunks, v)
			}
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
		_, fallible := any((*V)(nil)).(*error)
		keep := span.rt.cfg.captureContent
		var keys []K
		var pairs []Pair[K, V]
		n := 0
		defer span.endStream(func() any {
			if fallible {
				if r, ok := cfg.reducer.(func([]K) any); ok {
					return r(keys)
				}
				return keys
			}
			if r, ok := cfg.reducer.(func([]Pair[K, V]) any); ok {
				return r(pairs)
			}
			return pairs
		})
		seq(func(k K, v V) bool {
			if fallible {
				if err, _ := any(v).(error); err != nil {
					span.RecordError(err)
					return yield(k, v)
				}
				span.addChunk(n, k)
				if keep {
					keys = append(keys, k)
				}
			} else {
				p := Pair[K, V]{k, v}
				span.addChunk(n, p)
				if keep {
					pairs = append(pairs, p)
				}
			}
			n++
			return yield(k, v)
		})
	}
}

// addChunk records one stream chunk event.
func (s *Span) addChunk(i int, v any) {
	name := spantypes.ChunkEventPrefix + strconv.Itoa(i)
	if !s.rt.cfg.captureContent {
		s.otel.AddEvent(name)
		return
	}
	s.otel.AddEvent(name, oteltrace.WithAttributes(attribute.String(spantypes.KeyChunkValue, s.rt.encode(v))))
}

// endStream ends a stream span from a deferred call: on a panic it records the panic and
// lets it continue; otherwise it records the outputs.
func (s *Span) endStream(outputs func() any) {
	if r := recover(); r != nil {
		s.recordPanic(r, debug.Stack())
		s.End()
		panic(r)
	}
	s.SetOutputs(outputs())
	s.End()
}
