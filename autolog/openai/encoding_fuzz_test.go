package openai

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"testing"
	"time"

	"github.com/agentlens/agentlens/internal/httptap"
)

// FuzzDecodedStream feeds arbitrary bytes, kept as a stream read a few bytes at a time, to
// the decoder of a compressed stream (httptap's FuzzMarkedReader covers arbitrary marks): it must not panic, must stop at the stream limit, and what
// it decodes must be what the standard decoders make of the same bytes.
func FuzzDecodedStream(f *testing.F) {
	text := []byte("data: " + chatChunkJSON(`{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}`, "") + "\n\ndata: [DONE]\n\n")
	for _, w := range []func(io.Writer) io.WriteCloser{
		func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) },
		func(w io.Writer) io.WriteCloser { fw, _ := flate.NewWriter(w, 5); return fw },
	} {
		var b bytes.Buffer
		zw := w(&b)
		_, _ = zw.Write(text)
		_ = zw.Close()
		f.Add(b.Bytes(), uint8(3))
		f.Add(b.Bytes()[:b.Len()/2], uint8(1))
	}
	f.Add([]byte("\x1f\x8b\x08\x00garbage"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		for _, enc := range []bodyEncoding{gzipped, deflated} {
			started := time.Now()
			const limit = 1 << 16
			s := &streamSink{c: &call{enc: enc, started: started}, Stream: httptap.NewStream(limit, started, true)}
			for end := 0; end < len(data); {
				next := min(len(data), end+1+int(step)%16)
				s.Data(data[end:next])
				end = next
			}
			s.MarkEnd()
			ended := time.Now()
			var out bytes.Buffer
			var at time.Time
			ok, _ := s.writeDecoded(&out, &at)
			if out.Len() > limit+decodedChunkSize {
				t.Fatalf("decoded %d bytes past the limit %d", out.Len(), limit)
			}
			if len(data) > 0 && !at.IsZero() && (at.Before(started) || at.After(ended)) {
				t.Fatalf("arrival %v outside the stream's time", at.Sub(started))
			}
			if len(data) == 0 { // an empty body is an empty stream, not a broken one
				if !ok || out.Len() != 0 {
					t.Fatalf("%v: an empty body decoded to %q, %v", enc, out.Bytes(), ok)
				}
				continue
			}
			ref, refOK := referenceDecode(enc, data, limit)
			if ok && !s.Overflow() && (!refOK || !bytes.Equal(out.Bytes(), ref)) {
				t.Fatalf("%v: decoded %q, the standard decoder %q (%v)", enc, out.Bytes(), ref, refOK)
			}
		}
	})
}

// referenceDecode decodes data whole with the standard decoders.
func referenceDecode(enc bodyEncoding, data []byte, limit int) ([]byte, bool) {
	var r io.Reader
	var err error
	switch {
	case enc == gzipped:
		r, err = gzip.NewReader(bytes.NewReader(data))
	case isZlibHeader(data):
		r, err = zlib.NewReader(bytes.NewReader(data))
	default:
		r = flate.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	return out, err == nil && len(out) <= limit
}
