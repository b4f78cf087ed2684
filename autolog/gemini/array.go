package gemini

// arraySplitter splits a JSON array fed in arbitrary pieces into the text of its elements,
// reporting each as soon as its last byte is seen: how generative-ai-go's REST stream
// (streamGenerateContent without alt=sse) arrives. It checks only the nesting of brackets
// and strings; each element is checked as JSON when it is read. The zero value is not
// ready: use newArraySplitter. It is not safe for concurrent use.
type arraySplitter struct {
	onElement func(string)
	max       int // bound on one element; a longer one is dropped
	state     arrayState
	depth     int
	inString  bool
	escape    bool
	elem      []byte
	tooBig    bool
	dropped   int
}

type arrayState uint8

const (
	arrayBefore  arrayState = iota // before '['
	arrayOpen                      // after '[' or ',': an element or ']' comes next
	arrayElement                   // inside an element
	arrayAfter                     // after an element: ',' or ']' comes next
	arrayDone                      // after the closing ']'
	arrayBad                       // not a JSON array: the rest is ignored
)

func newArraySplitter(maxElement int, onElement func(string)) *arraySplitter {
	return &arraySplitter{onElement: onElement, max: maxElement}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Write feeds the next bytes of the array.
func (a *arraySplitter) Write(p []byte) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch a.state {
		case arrayBefore:
			switch {
			case isSpace(c):
			case c == '[':
				a.state = arrayOpen
			default:
				a.state = arrayBad
			}
		case arrayOpen, arrayAfter:
			switch {
			case isSpace(c):
			case c == ']':
				a.state = arrayDone
			case c == ',' && a.state == arrayAfter:
				a.state = arrayOpen
			case a.state == arrayOpen && c != ',':
				a.state, a.depth, a.inString, a.escape = arrayElement, 0, false, false
				a.element(c)
			default:
				a.state = arrayBad
			}
		case arrayElement:
			a.element(c)
		case arrayDone:
			if !isSpace(c) {
				a.state = arrayBad
			}
		case arrayBad:
			return
		}
	}
}

// element takes the next byte of an element.
func (a *arraySplitter) element(c byte) {
	if a.inString {
		a.keep(c)
		switch {
		case a.escape:
			a.escape = false
		case c == '\\':
			a.escape = true
		case c == '"':
			a.inString = false
		}
		return
	}
	switch c {
	case '"':
		a.inString = true
	case '{', '[':
		a.depth++
	case '}', ']':
		a.depth--
		if a.depth < 0 { // the array's own ']' after a scalar element
			a.emit()
			a.state = arrayDone
			return
		}
		if a.depth == 0 {
			a.keep(c)
			a.emit()
			a.state = arrayAfter
			return
		}
	case ',':
		if a.depth == 0 {
			a.emit()
			a.state = arrayOpen
			return
		}
	}
	a.keep(c)
}

func (a *arraySplitter) keep(c byte) {
	if a.tooBig {
		return
	}
	if len(a.elem) >= a.max {
		a.tooBig = true
		return
	}
	a.elem = append(a.elem, c)
}

func (a *arraySplitter) emit() {
	e := a.elem
	for len(e) > 0 && isSpace(e[len(e)-1]) {
		e = e[:len(e)-1]
	}
	switch {
	case a.tooBig:
		a.dropped++
	case len(e) > 0 && a.onElement != nil:
		a.onElement(string(e))
	}
	a.elem, a.tooBig = a.elem[:0], false
	if cap(a.elem) > 64<<10 {
		a.elem = nil
	}
}

// complete reports whether the array's closing ']' came (and nothing but space after it).
func (a *arraySplitter) complete() bool { return a.state == arrayDone }
