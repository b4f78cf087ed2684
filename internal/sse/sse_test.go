package sse

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/httprr"
)

// collect feeds the pieces to a new parser, closes it and returns what it reported.
func collect(max int, pieces ...[]byte) ([]Event, int) {
	var evs []Event
	p := NewParser(max, func(e Event) { evs = append(evs, e) })
	for _, b := range pieces {
		if n, err := p.Write(b); n != len(b) || err != nil {
			panic(fmt.Sprintf("Write(%d bytes) = %d, %v", len(b), n, err))
		}
	}
	p.Close()
	return evs, p.Dropped()
}

// refParse is a straightforward reading of the WHATWG algorithm over the whole input, with
// the same bounds and the same lenient end of stream as Parser. The tests compare the
// incremental parser against it.
func refParse(in []byte, max int) (evs []Event, dropped int) {
	if max <= 0 {
		max = DefaultMaxEventBytes
	}
	in = bytes.TrimPrefix(in, bom)
	var lines []string
	for {
		i := bytes.IndexAny(in, "\r\n")
		if i < 0 {
			if len(in) > 0 {
				lines = append(lines, string(in)) // lenient: the unterminated last line
			}
			break
		}
		lines = append(lines, string(in[:i]))
		if in[i] == '\r' && i+1 < len(in) && in[i+1] == '\n' {
			i++
		}
		in = in[i+1:]
	}
	lines = append(lines, "") // lenient: end of stream dispatches
	var (
		data      []string
		eventType string
		id        string
		big       bool
	)
	for _, l := range lines {
		if l == "" {
			if data != nil {
				if big || len(strings.Join(data, "\n")) > max {
					dropped++
				} else {
					evs = append(evs, Event{Event: eventType, Data: strings.Join(data, "\n"), ID: id})
				}
			}
			data, eventType, big = nil, "", false
			continue
		}
		if strings.HasPrefix(l, ":") {
			continue
		}
		field, value, found := strings.Cut(l, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "data":
			data = append(data, value)
		case "event":
			eventType = value
			if len(value) > max {
				big = true
			}
		case "id":
			if !strings.Contains(value, "\x00") && len(value) <= max {
				id = value
			}
		}
	}
	return evs, dropped
}

func TestParser(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    []Event
		dropped int
	}{
		{name: "empty", in: ""},
		{name: "one event", in: "data: hello\n\n", want: []Event{{Data: "hello"}}},
		{name: "no space after colon", in: "data:hello\n\n", want: []Event{{Data: "hello"}}},
		{name: "only one space removed", in: "data:  two\n\n", want: []Event{{Data: " two"}}},
		{name: "multi-line data", in: "data: a\ndata: b\ndata:\ndata: c\n\n", want: []Event{{Data: "a\nb\n\nc"}}},
		{name: "empty data line dispatches an empty event", in: "data\n\n", want: []Event{{Data: ""}}},
		{name: "colon in value", in: "data: {\"a\":\"b: c\"}\n\n", want: []Event{{Data: `{"a":"b: c"}`}}},
		{name: "event and id", in: "event: response.created\nid: 7\ndata: {}\n\n", want: []Event{{Event: "response.created", Data: "{}", ID: "7"}}},
		{name: "event type resets, id persists", in: "event: a\nid: 1\ndata: x\n\ndata: y\n\nid\ndata: z\n\n",
			want: []Event{{Event: "a", Data: "x", ID: "1"}, {Data: "y", ID: "1"}, {Data: "z"}}},
		{name: "id with NUL ignored", in: "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", want: []Event{{Data: "a", ID: "1"}, {Data: "b", ID: "1"}}},
		{name: "comments and retry ignored", in: ": keep-alive\nretry: 1000\ndata: x\n: more\n\n", want: []Event{{Data: "x"}}},
		{name: "unknown field ignored", in: "foo: bar\ndata: x\n\n", want: []Event{{Data: "x"}}},
		{name: "field names are case sensitive", in: "Data: x\nDATA: y\n\n"},
		{name: "event without data not dispatched", in: "event: ping\n\nid: 3\n\n"},
		{name: "CRLF", in: "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", want: []Event{{Data: "a\nb"}, {Data: "c"}}},
		{name: "CR", in: "data: a\rdata: b\r\rdata: c\r\r", want: []Event{{Data: "a\nb"}, {Data: "c"}}},
		{name: "mixed line ends", in: "data: a\r\n\ndata: b\r\rdata: c\n\r\n", want: []Event{{Data: "a"}, {Data: "b"}, {Data: "c"}}},
		{name: "CR CR LF is two line ends", in: "data: a\r\r\ndata: b\n\n", want: []Event{{Data: "a"}, {Data: "b"}}},
		{name: "BOM skipped", in: "\xEF\xBB\xBFdata: x\n\n", want: []Event{{Data: "x"}}},
		{name: "only the first BOM skipped", in: "\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n", want: []Event{{Data: "y"}}},
		{name: "BOM later is content", in: "data: \xEF\xBB\xBFx\n\n", want: []Event{{Data: "\xEF\xBB\xBFx"}}},
		{name: "partial BOM is content", in: "\xEF\xBBdata: x\n\ndata: y\n\n", want: []Event{{Data: "y"}}},
		{name: "partial BOM alone", in: "\xEF"},
		{name: "unterminated final event dispatched on Close", in: "data: a\n\ndata: b\n", want: []Event{{Data: "a"}, {Data: "b"}}},
		{name: "unterminated final line dispatched on Close", in: "data: a\n\ndata: [DONE]", want: []Event{{Data: "a"}, {Data: "[DONE]"}}},
		{name: "invalid UTF-8 passed through", in: "data: \xff\xfe\n\n", want: []Event{{Data: "\xff\xfe"}}},
		{name: "openai chat stream",
			in:   "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n",
			want: []Event{{Data: `{"choices":[{"delta":{"content":"Hi"}}]}`}, {Data: "[DONE]"}}},
		{name: "data at the bound", max: 5, in: "data: 12345\n\n", want: []Event{{Data: "12345"}}},
		{name: "data over the bound dropped", max: 5, in: "data: 123456\n\ndata: ok\n\n", want: []Event{{Data: "ok"}}, dropped: 1},
		{name: "joined data over the bound", max: 5, in: "data: 12\ndata: 345\n\ndata: 12\ndata: 34\n\n", want: []Event{{Data: "12\n34"}}, dropped: 1},
		{name: "long line over several writes dropped", max: 3, in: "data: " + strings.Repeat("x", 100) + "\ndata: y\n\ndata: z\n\n", want: []Event{{Data: "z"}}, dropped: 1},
		{name: "long event name dropped", max: 3, in: "event: abcd\ndata: y\n\nevent: abc\ndata: z\n\n", want: []Event{{Event: "abc", Data: "z"}}, dropped: 1},
		{name: "long event name without data not counted", max: 3, in: "event: abcd\n\ndata: z\n\n", want: []Event{{Data: "z"}}},
		{name: "long id ignored", max: 3, in: "id: 1\ndata: a\n\nid: 1234\ndata: b\n\n", want: []Event{{Data: "a", ID: "1"}, {Data: "b", ID: "1"}}},
		{name: "long comment ignored", max: 3, in: ":" + strings.Repeat("c", 100) + "\ndata: a\n\n", want: []Event{{Data: "a"}}},
		{name: "long unknown field ignored", max: 3, in: strings.Repeat("f", 100) + "\ndata: a\n\n", want: []Event{{Data: "a"}}},
		{name: "dropped unterminated at Close", max: 3, in: "data: a\n\ndata: 1234", want: []Event{{Data: "a"}}, dropped: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			got, dropped := collect(tt.max, in)
			if !reflect.DeepEqual(got, tt.want) || dropped != tt.dropped {
				t.Fatalf("got %q dropped %d, want %q dropped %d", got, dropped, tt.want, tt.dropped)
			}
			// The reference reading agrees.
			if ref, refDropped := refParse(in, tt.max); !reflect.DeepEqual(ref, tt.want) || refDropped != tt.dropped {
				t.Fatalf("reference: got %q dropped %d, want %q dropped %d", ref, refDropped, tt.want, tt.dropped)
			}
			// Split at every offset, and at every pair of offsets.
			for i := 0; i <= len(in); i++ {
				got, dropped := collect(tt.max, in[:i], in[i:])
				if !reflect.DeepEqual(got, tt.want) || dropped != tt.dropped {
					t.Fatalf("split at %d: got %q dropped %d", i, got, dropped)
				}
				if len(in) > 64 {
					continue
				}
				for j := i; j <= len(in); j++ {
					got, dropped := collect(tt.max, in[:i], in[i:j], in[j:])
					if !reflect.DeepEqual(got, tt.want) || dropped != tt.dropped {
						t.Fatalf("split at %d,%d: got %q dropped %d", i, j, got, dropped)
					}
				}
			}
			// One byte at a time, with empty writes in between.
			var pieces [][]byte
			for i := range in {
				pieces = append(pieces, in[i:i+1], nil)
			}
			if got, dropped := collect(tt.max, pieces...); !reflect.DeepEqual(got, tt.want) || dropped != tt.dropped {
				t.Fatalf("byte by byte: got %q dropped %d", got, dropped)
			}
		})
	}
}

func TestParserEventsAsTheyComplete(t *testing.T) {
	var evs []Event
	p := NewParser(0, func(e Event) { evs = append(evs, e) })
	p.Write([]byte("data: a\n"))
	if len(evs) != 0 {
		t.Fatalf("dispatched before the blank line: %q", evs)
	}
	p.Write([]byte("\r"))
	if len(evs) != 1 || evs[0].Data != "a" {
		t.Fatalf("not dispatched at the blank line: %q", evs)
	}
	// The '\n' completing "\r\n" is not a second blank line (nothing to dispatch anyway),
	// and the next event starts cleanly.
	p.Write([]byte("\ndata: b\r"))
	p.Write([]byte("\n\r\n"))
	if len(evs) != 2 || evs[1].Data != "b" {
		t.Fatalf("got %q", evs)
	}
	p.Close()
	p.Close()
	p.Write([]byte("data: after close\n\n"))
	if len(evs) != 2 {
		t.Fatalf("event after Close: %q", evs)
	}
}

func TestParserNilCallback(t *testing.T) {
	p := NewParser(4, nil)
	p.Write([]byte("data: 1\n\ndata: 12345\n\n"))
	p.Close()
	if p.Dropped() != 1 {
		t.Fatalf("Dropped = %d", p.Dropped())
	}
}

func TestParserMemoryBound(t *testing.T) {
	const max = 1000
	n := 0
	p := NewParser(max, func(Event) { n++ })
	chunk := bytes.Repeat([]byte("x"), 4096)
	p.Write([]byte("data: "))
	for i := 0; i < 256; i++ { // a 1 MiB line
		p.Write(chunk)
		if len(p.line) > max+lineSlack || len(p.data) > max {
			t.Fatalf("buffered %d line bytes, %d data bytes", len(p.line), len(p.data))
		}
	}
	p.Write([]byte("\ndata: more\n\ndata: ok\n\n"))
	if cap(p.line) > 2*(max+lineSlack) || cap(p.data) > 2*max {
		t.Fatalf("capacity %d line, %d data", cap(p.line), cap(p.data))
	}
	p.Close()
	if n != 1 || p.Dropped() != 1 {
		t.Fatalf("events %d, dropped %d", n, p.Dropped())
	}
}

// TestParserRealStreams parses the recorded event-stream responses of real APIs (OpenAI
// chat completions, Anthropic messages) in random pieces and compares with the reference.
func TestParserRealStreams(t *testing.T) {
	bodies := realStreamBodies(t)
	for name, body := range bodies {
		want, _ := refParse(body, 0)
		if len(want) < 3 {
			t.Fatalf("%s: only %d events", name, len(want))
		}
		dataLines := strings.Count(string(body), "\ndata:")
		if bytes.HasPrefix(body, []byte("data:")) {
			dataLines++
		}
		if len(want) != dataLines {
			t.Fatalf("%s: %d events, %d data lines", name, len(want), dataLines)
		}
		for seed := 0; seed < 20; seed++ {
			got, dropped := collect(0, randomPieces(body, seed)...)
			if !reflect.DeepEqual(got, want) || dropped != 0 {
				t.Fatalf("%s seed %d: got %d events (dropped %d), want %d", name, seed, len(got), dropped, len(want))
			}
		}
		last := want[len(want)-1]
		if strings.Contains(name, "openai") && last.Data != "[DONE]" {
			t.Fatalf("%s: last event %q", name, last.Data)
		}
	}
}

// randomPieces cuts b at pseudo-random offsets (deterministic per seed).
func randomPieces(b []byte, seed int) [][]byte {
	x := uint32(seed)*2654435761 + 1
	var out [][]byte
	for len(b) > 0 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		n := int(x % 97)
		if n > len(b) {
			n = len(b)
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// realStreamBodies returns the text/event-stream response bodies of the real recordings
// langchaingo's module ships (from the module cache), by file name and exchange number.
func realStreamBodies(t *testing.T) map[string][]byte {
	t.Helper()
	root, err := httprr.LangchaingoDir()
	if err != nil {
		t.Fatal(err)
	}
	exchanges, err := httprr.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, ex := range exchanges {
		if strings.HasPrefix(ex.Response.Header.Get("Content-Type"), "text/event-stream") {
			out[strings.ToLower(ex.File)+"#"+strconv.Itoa(ex.Index)] = ex.ResponseBody
		}
	}
	if len(out) == 0 {
		t.Skip("no event-stream responses in the real fixtures")
	}
	return out
}
