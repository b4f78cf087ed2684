// Package sse is an incremental parser for Server-Sent Events (text/event-stream), as
// specified by the WHATWG HTML standard ("Parsing an event stream").
//
// A [Parser] is fed the bytes of a response body in whatever pieces a reader happens to
// produce (it is an io.Writer, so it can sit behind an io.TeeReader) and reports every
// complete event as soon as its terminating blank line has been seen. It never needs the
// whole body, and the memory one event may take is bounded.
package sse

import "bytes"

// DefaultMaxEventBytes is the bound [NewParser] uses when given a bound <= 0.
const DefaultMaxEventBytes = 8 << 20

// lineSlack is how much longer than the event bound a buffered line may grow. Any line
// longer than maxEventBytes+lineSlack carries a field value longer than maxEventBytes
// (field names "data", "event" and "id" plus ':' and ' ' take at most 7 bytes), so
// keeping only its first maxEventBytes+lineSlack bytes changes nothing about how it is
// handled.
const lineSlack = 16

// keepCap is the capacity above which buffers are released rather than reused.
const keepCap = 64 << 10

var bom = []byte{0xEF, 0xBB, 0xBF}

// Event is one server-sent event.
type Event struct {
	// Event is the value of the event's last "event" field, "" when it had none (a
	// browser would report the type "message").
	Event string
	// Data is the event's "data" field values joined with "\n".
	Data string
	// ID is the last event ID: the value of the most recent "id" field seen in the
	// stream so far, in this event or an earlier one, as the standard specifies.
	ID string
}

// Parser parses an event stream fed in arbitrary pieces. It is not safe for concurrent use.
//
// Lines end with "\n", "\r\n" or "\r" (a "\r" that ends one Write followed by a "\n" that
// starts the next is one line end). Field "data" values are joined with "\n"; one space
// after the colon is removed; lines starting with ':' are comments; "retry" and unknown
// fields are ignored; a blank line dispatches the event; an event without data lines is
// not dispatched; a leading UTF-8 byte order mark is skipped. Bytes are not transcoded:
// invalid UTF-8 is passed through as is.
//
// Bounds: an event whose data (values joined with "\n") exceeds maxEventBytes, or whose
// "event" field value does, is not dispatched; it is counted in [Parser.Dropped]. An "id"
// value longer than maxEventBytes is ignored, as is one containing NUL (the standard's
// rule). Memory held is therefore at most about four times maxEventBytes.
type Parser struct {
	onEvent func(Event)
	max     int // bound on data / event / id values
	maxLine int // bound on a buffered (incomplete) line

	started bool // past the byte order mark check
	bomLen  int  // BOM bytes matched so far, while !started
	skipLF  bool // the previous Write ended with '\r'
	closed  bool

	line    []byte // incomplete line carried over between Writes (at most maxLine bytes)
	data    []byte // data buffer, without the trailing "\n" the standard appends
	hasData bool   // at least one data line in the current event
	tooBig  bool   // the current event exceeds the bound: drop it
	event   string // event type buffer
	id      string // last event ID buffer
	dropped int
}

// NewParser returns a parser that calls onEvent for every complete event, in order.
// maxEventBytes bounds the memory one event may take (see [Parser]); a value <= 0 means
// [DefaultMaxEventBytes]. onEvent may be nil; it must not call the parser's methods.
func NewParser(maxEventBytes int, onEvent func(Event)) *Parser {
	if maxEventBytes <= 0 {
		maxEventBytes = DefaultMaxEventBytes
	}
	maxLine := maxEventBytes + lineSlack
	if maxLine < maxEventBytes { // overflow
		maxLine = maxEventBytes
	}
	return &Parser{onEvent: onEvent, max: maxEventBytes, maxLine: maxLine}
}

// Write feeds the next bytes of the stream. It always consumes all of b and never returns
// an error. Writes after [Parser.Close] are ignored.
func (p *Parser) Write(b []byte) (int, error) {
	n := len(b)
	if p.closed {
		return n, nil
	}
	if !p.started {
		b = p.skipBOM(b)
	}
	p.feed(b)
	return n, nil
}

// Close marks the end of the stream. Leniently (servers cut off mid-stream do this), a
// final line without a line end is processed, and a final event that had data but no
// blank line after it is dispatched. Close is idempotent.
func (p *Parser) Close() {
	if p.closed {
		return
	}
	if !p.started && p.bomLen > 0 {
		p.started = true
		p.feed(bom[:p.bomLen]) // a partial BOM is ordinary bytes
	}
	p.closed = true
	if len(p.line) > 0 {
		p.processLine(p.line)
	}
	p.line = nil
	p.dispatch()
	p.data = nil
}

// Dropped returns how many events were not dispatched because they exceeded the bound.
func (p *Parser) Dropped() int { return p.dropped }

// skipBOM consumes the byte order mark (or the part of it seen so far) at the start of
// the stream and returns the rest of b.
func (p *Parser) skipBOM(b []byte) []byte {
	for len(b) > 0 {
		if b[0] != bom[p.bomLen] {
			p.started = true
			if p.bomLen > 0 {
				p.feed(bom[:p.bomLen]) // not a BOM after all: those bytes are content
			}
			return b
		}
		p.bomLen++
		b = b[1:]
		if p.bomLen == len(bom) {
			p.started = true
			return b
		}
	}
	return b
}

// feed splits b into lines, completing the carried-over line first. It remembers where the
// next '\n' and the next '\r' are, so that each byte is searched for each at most once
// (vectorised searches; a stream may end its lines with either).
func (p *Parser) feed(b []byte) {
	lf, cr := bytes.IndexByte(b, '\n'), bytes.IndexByte(b, '\r')
	for len(b) > 0 {
		if p.skipLF {
			p.skipLF = false
			if b[0] == '\n' {
				b = b[1:]
				lf, cr = advance(b, lf, 1, '\n'), advance(b, cr, 1, '\r')
				continue
			}
		}
		i := lf
		if cr >= 0 && (i < 0 || cr < i) {
			i = cr
		}
		if i < 0 {
			p.appendLine(b)
			return
		}
		next := i + 1
		if b[i] == '\r' {
			if next == len(b) {
				p.skipLF = true
			} else if b[next] == '\n' {
				next++
			}
		}
		if len(p.line) == 0 {
			p.processLine(b[:i]) // the whole line is in b: no copy
		} else {
			p.appendLine(b[:i])
			p.processLine(p.line)
			if cap(p.line) > keepCap {
				p.line = nil
			} else {
				p.line = p.line[:0]
			}
		}
		b = b[next:]
		lf, cr = advance(b, lf, next, '\n'), advance(b, cr, next, '\r')
	}
}

// advance moves pos, the index of the next c before n bytes were consumed, to its index in
// rest (what remains), searching again when those bytes included it; -1 stays -1.
func advance(rest []byte, pos, n int, c byte) int {
	if pos < 0 {
		return -1
	}
	if pos -= n; pos >= 0 {
		return pos
	}
	return bytes.IndexByte(rest, c)
}

// appendLine adds to the incomplete line, keeping at most maxLine bytes (see lineSlack).
func (p *Parser) appendLine(b []byte) {
	if room := p.maxLine - len(p.line); len(b) > room {
		b = b[:room]
	}
	p.line = append(p.line, b...)
}

// processLine interprets one line (without its line end). It does not retain line.
func (p *Parser) processLine(line []byte) {
	if len(line) == 0 {
		p.dispatch()
		return
	}
	if line[0] == ':' {
		return // comment
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "data":
		if p.tooBig {
			p.hasData = true
			return
		}
		size := len(value)
		if p.hasData {
			size += 1 + len(p.data)
		}
		if size > p.max {
			p.hasData, p.tooBig = true, true
			p.resetData()
			return
		}
		if p.hasData {
			p.data = append(p.data, '\n')
		}
		p.data = append(p.data, value...)
		p.hasData = true
	case "event":
		if len(value) > p.max {
			p.tooBig = true
			p.resetData()
			return
		}
		if p.event != string(value) {
			p.event = string(value)
		}
	case "id":
		if len(value) <= p.max && bytes.IndexByte(value, 0) < 0 && p.id != string(value) {
			p.id = string(value)
		}
	}
}

// dispatch ends the current event (a blank line, or Close).
func (p *Parser) dispatch() {
	hasData, tooBig := p.hasData, p.tooBig
	var ev Event
	if hasData && !tooBig {
		ev = Event{Event: p.event, Data: string(p.data), ID: p.id}
	}
	p.resetData()
	p.hasData, p.tooBig, p.event = false, false, ""
	switch {
	case !hasData:
	case tooBig:
		p.dropped++
	case p.onEvent != nil:
		p.onEvent(ev)
	}
}

func (p *Parser) resetData() {
	if cap(p.data) > keepCap {
		p.data = nil
	} else {
		p.data = p.data[:0]
	}
}
