package core

import (
	"context"
	"reflect"
	goruntime "runtime"
	"runtime/debug"
	"strconv"

	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/spantypes"
)

// Trace runs fn inside a span named name (the decorator analog for a closure) and returns
// fn's results unchanged. The span records fn's result as its outputs, or its error as an
// exception with status ERROR; a panic is recorded the same way, the span ends, and the
// panic continues with the same value. Pass WithInputs to record inputs.
func Trace[T any](ctx context.Context, name string, fn func(context.Context) (T, error), opts ...SpanOption) (T, error) {
	ctx, span := StartSpan(ctx, name, opts...)
	if !span.IsRecording() {
		return fn(ctx)
	}
	span.rec().SetRaw(spantypes.KeySpanFunctionName, jsonenc.String(funcName(fn)))
	return call1(span, func() (T, error) { return fn(ctx) })
}

// Func0 returns a traced version of fn: every call runs inside a span named name.
// See Trace for what the span records.
func Func0[R any](name string, fn func(context.Context) (R, error), opts ...SpanOption) func(context.Context) (R, error) {
	fname := jsonenc.String(funcName(fn))
	return func(ctx context.Context) (R, error) {
		ctx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			return fn(ctx)
		}
		span.rec().SetRaw(spantypes.KeySpanFunctionName, fname)
		return call1(span, func() (R, error) { return fn(ctx) })
	}
}

// Func returns a traced version of fn: every call runs inside a span named name, whose inputs
// are a JSON object of the argument ({"arg0": a}, or the name given by WithArgNames).
// See Trace for the rest.
func Func[A, R any](name string, fn func(context.Context, A) (R, error), opts ...SpanOption) func(context.Context, A) (R, error) {
	fname := jsonenc.String(funcName(fn))
	names := argNames(opts, 1)
	return func(ctx context.Context, a A) (R, error) {
		ctx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			return fn(ctx, a)
		}
		span.setCall(fname, names, a)
		return call1(span, func() (R, error) { return fn(ctx, a) })
	}
}

// Func2 is Func for functions of two arguments.
func Func2[A, B, R any](name string, fn func(context.Context, A, B) (R, error), opts ...SpanOption) func(context.Context, A, B) (R, error) {
	fname := jsonenc.String(funcName(fn))
	names := argNames(opts, 2)
	return func(ctx context.Context, a A, b B) (R, error) {
		ctx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			return fn(ctx, a, b)
		}
		span.setCall(fname, names, a, b)
		return call1(span, func() (R, error) { return fn(ctx, a, b) })
	}
}

// Func3 is Func for functions of three arguments.
func Func3[A, B, C, R any](name string, fn func(context.Context, A, B, C) (R, error), opts ...SpanOption) func(context.Context, A, B, C) (R, error) {
	fname := jsonenc.String(funcName(fn))
	names := argNames(opts, 3)
	return func(ctx context.Context, a A, b B, c C) (R, error) {
		ctx, span := StartSpan(ctx, name, opts...)
		if !span.IsRecording() {
			return fn(ctx, a, b, c)
		}
		span.setCall(fname, names, a, b, c)
		return call1(span, func() (R, error) { return fn(ctx, a, b, c) })
	}
}

// call1 runs fn, records its outcome on span and ends it. A panic is recorded, the span
// ends, and the panic continues with the same value.
func call1[R any](span *Span, fn func() (R, error)) (R, error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			span.rec().RecordPanic(r, debug.Stack())
			span.End()
			panic(r)
		}
		// fn called runtime.Goexit (t.FailNow, for one): the goroutine is going away.
		span.SetStatus(StatusError, "runtime.Goexit called")
		span.End()
	}()
	out, err := fn()
	returned = true
	if err != nil {
		span.RecordError(err)
	} else {
		span.SetOutputs(out)
	}
	span.End()
	return out, err
}

// setCall records the function name and the arguments as a JSON object.
func (s *Span) setCall(fname string, names []string, args ...any) {
	r := s.rec()
	r.SetRaw(spantypes.KeySpanFunctionName, fname)
	if !r.CaptureContent() {
		return
	}
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, a := range args {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, names[i])
		b = append(b, ':')
		b = jsonenc.Append(b, a)
	}
	b = append(b, '}')
	r.SetRaw(spantypes.KeySpanInputs, string(b))
}

// argNames returns the names of n arguments from WithArgNames, "argN" where missing.
func argNames(opts []SpanOption, n int) []string {
	var cfg spanConfig
	cfg.apply(opts)
	names := make([]string, n)
	for i := range names {
		if i < len(cfg.argNames) && cfg.argNames[i] != "" {
			names[i] = cfg.argNames[i]
		} else {
			names[i] = "arg" + strconv.Itoa(i)
		}
	}
	return names
}

// funcName returns the Go name of a function value, e.g. "main.retrieve".
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	if f := goruntime.FuncForPC(v.Pointer()); f != nil {
		return f.Name()
	}
	return ""
}
