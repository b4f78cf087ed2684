package jsonenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
)

// What the general path writes, as a JSON string, in place of a whole value
// it does not hand to encoding/json, or that encoding/json fails on.
const (
	// tooDeepFormat takes the value's type and MaxDepth.
	tooDeepFormat = "[not recorded: %s nests deeper than %d levels]"
	// unencodableFormat takes the value's type and encoding/json's error,
	// or "panic: " and what a method panicked with.
	unencodableFormat = "[not recorded: cannot encode %s as JSON: %s]"
)

// stdEncoder is a pooled encoding/json Encoder writing into its own buffer.
type stdEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var stdPool = sync.Pool{New: func() any {
	s := new(stdEncoder)
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}}

// maxPooledBuf keeps one huge value from pinning a huge buffer in the pool.
const maxPooledBuf = 64 << 10

// appendGeneral encodes v, found inside depth levels, with encoding/json.
// A value nesting deeper than MaxDepth in all is not handed to it, and a
// value it fails on or panics on is described instead; either way the whole
// value becomes one JSON string.
func appendGeneral(dst []byte, v any, depth int) []byte {
	if tooDeep(reflect.ValueOf(v), depth) {
		return appendQuoted(dst, fmt.Sprintf(tooDeepFormat, typeString(v), MaxDepth))
	}
	s := stdPool.Get().(*stdEncoder)
	s.buf.Reset()
	err := s.encode(v)
	if err == nil {
		dst = append(dst, bytes.TrimSuffix(s.buf.Bytes(), []byte{'\n'})...)
	}
	if s.buf.Cap() <= maxPooledBuf {
		stdPool.Put(s)
	}
	if err != nil {
		return appendQuoted(dst, fmt.Sprintf(unencodableFormat, typeString(v), errorText(err)))
	}
	return dst
}

// encode runs encoding/json on v, turning a panic (in a MarshalJSON method,
// say) into an error.
func (s *stdEncoder) encode(v any) (err error) {
	done := false
	defer func() {
		if !done {
			err = panicError{"panic: " + describePanic(recover())}
		}
	}()
	err = s.enc.Encode(v)
	done = true
	return err
}
