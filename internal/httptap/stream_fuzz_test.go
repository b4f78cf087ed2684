package httptap

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// FuzzMarkedReader reads arbitrary kept bytes with arbitrary arrival marks through a
// MarkedReader, by ReadByte and Read in turn as a decoder does: it must hand out exactly the
// kept bytes, never stall (a Read of 0 bytes without EOF loops a decoder forever), and stamp
// every byte with the time of a mark at or after it (the stream's end after the last).
func FuzzMarkedReader(f *testing.F) {
	f.Add([]byte("data: {}\n\ndata: [DONE]\n\n"), []byte{3, 0, 5, 9}, []byte{1, 4, 0})
	f.Add([]byte("\x1f\x8b\x08\x00"), []byte{0, 0, 1}, []byte{0})
	f.Add([]byte{}, []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, data, steps, pattern []byte) {
		started := time.Unix(1000, 0)
		s := &Stream{streamBuffer: &streamBuffer{buf: data}, started: started, endAt: time.Hour}
		// Marks at offsets that only grow (some repeated, as merged windows leave them).
		end := 0
		for i, st := range steps {
			end = min(len(data), end+int(st)%8)
			s.reads = append(s.reads, streamRead{end: end, at: time.Duration(i+1) * time.Second})
		}
		var at time.Time
		r := s.Reader(&at)
		var got bytes.Buffer
		buf := make([]byte, 7)
		for i := 0; ; i++ {
			if i > 2*len(data)+2 {
				t.Fatalf("no EOF after %d reads of %d bytes", i, len(data))
			}
			var err error
			if len(pattern) > 0 && pattern[i%len(pattern)]%2 == 0 {
				var b byte
				if b, err = r.ReadByte(); err == nil {
					got.WriteByte(b)
				}
			} else {
				var n int
				n, err = r.Read(buf)
				if n == 0 && err == nil {
					t.Fatalf("Read returned 0 bytes and no error at offset %d", got.Len())
				}
				got.Write(buf[:n])
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			// The last byte read arrived with the first mark that reaches it.
			want := started.Add(s.endAt)
			for _, m := range s.reads {
				if m.end >= got.Len() {
					want = started.Add(m.at)
					break
				}
			}
			if !at.Equal(want) {
				t.Fatalf("byte %d stamped %v, want %v", got.Len(), at.Sub(started), want.Sub(started))
			}
		}
		if !bytes.Equal(got.Bytes(), data) {
			t.Fatalf("read %q, kept %q", got.Bytes(), data)
		}
	})
}
