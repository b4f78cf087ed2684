package jsonscan

import (
	"strconv"
	"strings"
)

// SyntaxError describes why a text is not the JSON the function expected:
// invalid JSON, or valid JSON of the wrong kind. It is returned as a pointer.
type SyntaxError struct {
	// Offset is the byte offset, into the string given to the exported
	// function, of the byte that made the input invalid, or the length of
	// that string when the input ended too early.
	Offset int

	msg string
}

// Error returns the description, prefixed with "jsonscan: ", and the offset
// except for "unexpected end of JSON input", whose offset is the input length.
func (e *SyntaxError) Error() string {
	if e.msg == eofMsg {
		return "jsonscan: " + eofMsg
	}
	return "jsonscan: " + e.msg + " at offset " + strconv.Itoa(e.Offset)
}

const eofMsg = "unexpected end of JSON input"

// context completes "invalid character 'x' ..." for each code.
var context = [...]string{
	errBeginValue: "looking for beginning of value",
	errObjectKey:  "looking for beginning of object key string",
	errAfterKey:   "after object key",
	errAfterPair:  "after object key:value pair",
	errAfterElem:  "after array element",
	errAfterTop:   "after top-level value",
	errString:     "in string literal",
	errEscape:     "in string escape code",
	errHex:        "in \\u hexadecimal character escape",
	errNumber:     "in numeric literal",
	errFraction:   "after decimal point in numeric literal",
	errExponent:   "in exponent of numeric literal",
	errTrue:       "in literal true",
	errFalse:      "in literal false",
	errNull:       "in literal null",
}

// newError builds the *SyntaxError for code at offset off of s. It is kept
// out of line so that the scanning paths stay small.
//
//go:noinline
func newError(s string, off int, code errCode) error {
	var msg string
	switch {
	case code == errEOF || off >= len(s):
		off, msg = len(s), eofMsg
	case code == errDepth:
		msg = "nesting deeper than " + strconv.Itoa(maxDepth) + " arrays and objects"
	case code == errNotObject:
		msg = "expected object, found " + KindOf(s[off:]).String()
	case code == errNotArray:
		msg = "expected array, found " + KindOf(s[off:]).String()
	case code == errNotString:
		msg = "expected string, found " + KindOf(s[off:]).String()
	default:
		msg = "invalid character " + quoteChar(s[off]) + " " + context[code]
		if lit := literalOf(code); lit != "" && off > 0 {
			// The literal matched up to s[off-1], whose letter tells how far
			// (true, false and the first three letters of null are distinct
			// where it matters).
			if k := strings.IndexByte(lit, s[off-1]) + 1; k > 0 && k < len(lit) {
				msg += " (expecting " + quoteChar(lit[k]) + ")"
			}
		}
	}
	return &SyntaxError{Offset: off, msg: msg}
}

func literalOf(code errCode) string {
	switch code {
	case errTrue:
		return "true"
	case errFalse:
		return "false"
	case errNull:
		return "null"
	}
	return ""
}

// quoteChar formats c the way encoding/json does in its error messages.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}
