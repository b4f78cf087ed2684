package core

import (
	"context"
	"iter"
	"runtime/debug"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/live"
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
// seq was made before the span existed, so spans it starts cannot be the span's children:
// use SeqFunc for a generator that starts spans of its own. Spans the consumer starts in its
// loop body are never the iterator span's children (as in MLflow): the body runs with the
// consumer's context.
func Seq[T any](ctx context.Context, name string, seq iter.Seq[T], opts ...SpanOption) iter.Seq[T] {
	return SeqFunc(ctx, name, func(context.Context) iter.Seq[T] { return seq }, opts...)
}

// SeqFunc is Seq for a generator that starts spans of its own: when iteration starts, gen is
// called with a context that carries the iterator's span, so spans started with it inside
// the generator's body are its children, as spans made inside a Python generator are
// children of the generator's span in MLflow.
//
//	tokens := core.SeqFunc(ctx, "stream", func(ctx context.Context) iter.Seq[string] {
//		return func(yield func(string) bool) {
//			for _, doc := range retrieve(ctx) { // retrieve's span is a child of "stream"
//				if !yield(doc) {
//					return
//				}
//			}
//		}
//	})
func SeqFunc[T any](ctx context.Context, name string, gen func(ctx context.Context) iter.Seq[T], opts ...SpanOption) iter.Seq[T] {
	reducer := reducerOf(opts)
	checkReducer[T](name, reducer, "[]T")
	return func(yield func(T) bool) {
		spanCtx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			gen(spanCtx)(yield)
			return
		}
		chunks := chunkRecorder[T]{span: span}
		defer span.endStream(func() any { return chunks.outputs(reducer) })
		gen(spanCtx)(func(v T) bool {
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
	return Seq2Func(ctx, name, func(context.Context) iter.Seq2[K, V] { return seq }, opts...)
}

// Seq2Func is Seq2 for a generator that starts spans of its own, as SeqFunc is for Seq.
func Seq2Func[K, V any](ctx context.Context, name string, gen func(ctx context.Context) iter.Seq2[K, V], opts ...SpanOption) iter.Seq2[K, V] {
	reducer := reducerOf(opts)
	_, fallible := any((*V)(nil)).(*error)
	if fallible {
		checkReducer[K](name, reducer, "[]K (the values of an iter.Seq2[K, error])")
	} else {
		checkReducer[Pair[K, V]](name, reducer, "[]Pair[K, V]")
	}
	return func(yield func(K, V) bool) {
		spanCtx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			gen(spanCtx)(yield)
			return
		}
		if fallible {
			keys := chunkRecorder[K]{span: span}
			defer span.endStream(func() any { return keys.outputs(reducer) })
			gen(spanCtx)(func(k K, v V) bool {
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
		defer span.endStream(func() any { return pairs.outputs(reducer) })
		gen(spanCtx)(func(k K, v V) bool {
			pairs.add(Pair[K, V]{k, v})
			return yield(k, v)
		})
	}
}

// reducerOf returns the last WithReducer function among opts, nil when there is none:
// StartSpan reads the other options.
func reducerOf(opts []SpanOption) any {
	var r any
	for i := range opts {
		if opts[i].kind == optReducer {
			r = opts[i].val
		}
	}
	return r
}

// checkReducer reports, when the iterator is made, a WithReducer function that does not take
// the iterator's chunks: it could never run, and the items are recorded instead.
func checkReducer[T any](name string, reducer any, takes string) {
	if reducer == nil {
		return
	}
	if _, ok := reducer.(func([]T) any); ok {
		return
	}
	if rt := live.Current(); rt != nil {
		rt.Fail("reducer-type", "iterator span %q: WithReducer got a %T, but this iterator's reducer takes %s (%T) and returns any; the items are recorded instead",
			name, reducer, takes, []T(nil))
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
