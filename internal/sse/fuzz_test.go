package sse

import (
	"reflect"
	"testing"
)

// FuzzParser feeds arbitrary bytes, cut at arbitrary points, with an arbitrary small bound:
// the parser must not panic, must report the same events as when fed everything at once,
// and must agree with the whole-input reference reading.
func FuzzParser(f *testing.F) {
	f.Add([]byte("data: hello\n\n"), []byte{3, 1}, uint8(0))
	f.Add([]byte("\xEF\xBB\xBFevent: a\r\nid: 1\r\ndata: x\r\ndata: y\r\n\r\n"), []byte{1, 1, 1, 7}, uint8(3))
	f.Add([]byte("data: a\r\rdata: b\r\n: c\ndata\n\nid: 2\x00\ndata: 12345678\n\ndata: z"), []byte{8, 0, 1}, uint8(4))
	f.Add([]byte("\xEF\xBBdata: x\n\ndata: y\n\n"), []byte{1}, uint8(1))
	f.Fuzz(func(t *testing.T, data, cuts []byte, bound uint8) {
		max := 0 // default bound
		if bound != 0 {
			max = int(bound % 32)
		}
		want, wantDropped := collect(max, data)
		ref, refDropped := refParse(data, max)
		if !reflect.DeepEqual(want, ref) || wantDropped != refDropped {
			t.Fatalf("parser %q dropped %d, reference %q dropped %d", want, wantDropped, ref, refDropped)
		}
		var pieces [][]byte
		rest := data
		for _, c := range cuts {
			n := int(c)
			if n > len(rest) {
				n = len(rest)
			}
			pieces = append(pieces, rest[:n])
			rest = rest[n:]
		}
		pieces = append(pieces, rest)
		got, dropped := collect(max, pieces...)
		if !reflect.DeepEqual(got, want) || dropped != wantDropped {
			t.Fatalf("pieces %q: got %q dropped %d, want %q dropped %d", pieces, got, dropped, want, wantDropped)
		}
	})
}
