package openai

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/agentlens/agentlens/internal/jsontext"
)

// Compressed response bodies: a caller that sets Accept-Encoding itself gets the body as
// the server compressed it (net/http decompresses only what it asked for). The caller keeps
// those bytes; the span reads them decoded, on the export goroutine.

// bodyEncoding is the Content-Encoding of a response body, as far as the span is concerned.
type bodyEncoding int

const (
	identity   bodyEncoding = iota
	gzipped                 // gzip, x-gzip
	deflated                // deflate: zlib-wrapped, or (as some servers send it) raw
	unreadable              // an encoding the adapter cannot decode (br, zstd, several)
)

// encodingOf reads the Content-Encoding of a response.
func encodingOf(h http.Header) (bodyEncoding, string) {
	v := strings.TrimSpace(h.Get("Content-Encoding"))
	switch strings.ToLower(v) {
	case "", "identity":
		return identity, v
	case "gzip", "x-gzip":
		return gzipped, v
	case "deflate":
		return deflated, v
	}
	return unreadable, v
}

// newDecoder returns a reader of the decoded bytes of r, whose first bytes are head (so that
// a zlib stream is told from raw deflate without reading r).
func newDecoder(enc bodyEncoding, r flate.Reader, head []byte) (io.Reader, error) {
	switch enc {
	case gzipped:
		return gzip.NewReader(r)
	case deflated:
		if isZlibHeader(head) {
			return zlib.NewReader(r)
		}
		return flate.NewReader(r), nil
	}
	return nil, errors.New("unsupported content encoding")
}

// isZlibHeader reports whether b starts with a zlib header (RFC 1950): deflate with a
// window of at most 32 KB, and a check value that makes the two bytes a multiple of 31.
func isZlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint(b[0])<<8|uint(b[1]))%31 == 0
}

// decodeText decodes a whole buffered body, up to max decoded bytes.
func decodeText(enc bodyEncoding, text string, max int) (string, error) {
	r := strings.NewReader(text)
	head := text[:min(len(text), 2)]
	dec, err := newDecoder(enc, r, []byte(head))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	n, err := io.Copy(&b, io.LimitReader(dec, int64(max)+1))
	if err != nil {
		return "", err
	}
	if n > int64(max) {
		return "", fmt.Errorf("the decoded body outgrew %d bytes", max)
	}
	return b.String(), nil
}

// decodedChunkSize is how much decoded stream is handed to the event parser at a time.
const decodedChunkSize = 16 << 10

// writeDecoded decodes the kept bytes of a compressed stream into w (the event parser), up
// to limit decoded bytes (beyond it, the stream counts as one that outgrew the limit),
// setting *at to the arrival of the compressed bytes behind each write. ok is true when the
// whole stream decoded without error; err tells why not (nil when the kept bytes simply
// ended early, as a cut or closed stream's do).
func (s *streamSink) writeDecoded(w io.Writer, at *time.Time) (ok bool, err error) {
	buf := s.Bytes()
	if len(buf) == 0 {
		return true, nil // an empty body holds no events
	}
	dec, err := newDecoder(s.c.enc, s.Reader(at), buf[:min(len(buf), 2)])
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		return false, err
	}
	out := make([]byte, decodedChunkSize)
	total := 0
	for {
		n, err := dec.Read(out)
		total += n
		if total > s.Limit() {
			s.SetOverflow() // reported as a stream that outgrew the limit
			return false, nil
		}
		_, _ = w.Write(out[:n])
		switch {
		case err == io.EOF:
			return true, nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			return false, nil
		case err != nil:
			return false, err
		}
	}
}

// compactJSON returns JSON text without insignificant space, or text itself when it is not
// JSON.
func compactJSON(text string) string {
	if compact, ok := jsontext.Compact(text); ok {
		return compact
	}
	return text
}
