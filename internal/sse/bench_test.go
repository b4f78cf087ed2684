package sse

import (
	"bytes"
	"testing"
)

// BenchmarkParser feeds 1 MiB of small events in 64 KiB pieces, with each kind of line end:
// the cost per byte must not grow with the piece size (each byte is searched once for '\n'
// and once for '\r').
func BenchmarkParser(b *testing.B) {
	for _, end := range []struct{ name, eol string }{{"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}} {
		event := []byte(`data: {"choices":[{"delta":{"content":"x"}}]}` + end.eol + end.eol)
		stream := bytes.Repeat(event, (1<<20)/len(event))
		b.Run(end.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(stream)))
			for i := 0; i < b.N; i++ {
				p := NewParser(0, func(Event) {})
				for rest := stream; len(rest) > 0; {
					n := min(64<<10, len(rest))
					p.Write(rest[:n])
					rest = rest[n:]
				}
				p.Close()
			}
		})
	}
}
