package jsonscan

import "math/bits"

// maxDepth is encoding/json's nesting limit: 10000 nested arrays or objects
// are valid, one more is not.
const maxDepth = 10000

// smallStackWords is the size of the depth bit stack tried first. Deeper
// input is rescanned with a stack big enough for maxDepth, so the common case
// does not pay for zeroing 1.25 KB of stack on every call.
const smallStackWords = 4

// errCode says what went wrong at an offset. Scanning functions return codes
// rather than errors so that the hot paths never build an error value; the
// exported functions turn a code into a *SyntaxError.
type errCode uint8

const (
	errNone         errCode = iota
	errEOF                  // unexpected end of JSON input
	errBeginValue           // looking for beginning of value
	errObjectKey            // looking for beginning of object key string
	errAfterKey             // after object key
	errAfterPair            // after object key:value pair
	errAfterElem            // after array element
	errAfterTop             // after top-level value
	errString               // in string literal
	errEscape               // in string escape code
	errHex                  // in \u hexadecimal character escape
	errNumber               // in numeric literal
	errFraction             // after decimal point in numeric literal
	errExponent             // in exponent of numeric literal
	errTrue                 // in literal true
	errFalse                // in literal false
	errNull                 // in literal null
	errDepth                // exceeded max depth
	errNotObject            // a valid value start, but not an object
	errNotArray             // a valid value start, but not an array
	errNotString            // a valid value start, but not a string
	errNeedBigStack         // internal: the small depth stack is full
)

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// load8 reads s[i:i+8] as a little-endian word; the compiler turns it into
// one 64-bit load.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// specials returns a word whose lowest set bit is the high bit of the first
// byte of x (in memory order) that is '"', '\\' or a control character
// (< 0x20): the bytes a string scan must stop at. It is zero when there is
// none. For an ASCII byte b, b-0x20 has its high bit set exactly when
// b < 0x20, and (b^k)-1 exactly when b == k; bytes >= 0x80 are masked out by
// ^x and borrow nothing. A borrow can only flag bytes above a true hit, so
// the lowest flag is exact.
func specials(x uint64) uint64 {
	q := x ^ (lsb * '"')
	b := x ^ (lsb * '\\')
	return ((x - lsb*0x20) | (q - lsb) | (b - lsb)) &^ x & msb
}

// isSpace reports whether c is JSON whitespace.
func isSpace(c byte) bool {
	return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r')
}

// skipSpace returns the index of the first non-whitespace byte of s at or
// after i (len(s) if there is none).
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// scanString scans a string literal whose opening quote is s[i-1]. It returns
// the index just past the closing quote and whether the body has a backslash
// escape; on error it returns the offset of the problem and its code.
func scanString(s string, i int) (end int, escaped bool, code errCode) {
	for {
		// Eight bytes at a time, stopping at the first that needs a look.
		for i+8 <= len(s) {
			if m := specials(load8(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto found
			}
			i += 8
		}
		for i < len(s) && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20 {
			i++
		}
		if i >= len(s) {
			return i, escaped, errEOF
		}
	found:
		switch s[i] {
		case '"':
			return i + 1, escaped, errNone
		case '\\':
		default:
			return i, escaped, errString
		}
		escaped = true
		i++
		if i >= len(s) {
			return i, escaped, errEOF
		}
		switch s[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			i++
			for k := 0; k < 4; k++ {
				if i >= len(s) {
					return i, escaped, errEOF
				}
				if !isHex(s[i]) {
					return i, escaped, errHex
				}
				i++
			}
		default:
			return i, escaped, errEscape
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool {
	return c-'0' < 10
}

// scanNumber scans the number starting at s[i] ('-' or a digit) and returns
// the index just past it. It stops at the first byte that cannot continue
// the number without judging it; the caller does.
func scanNumber(s string, i int) (int, errCode) {
	if s[i] == '-' {
		i++
		if i >= len(s) {
			return i, errEOF
		}
	}
	switch c := s[i]; {
	case c == '0':
		i++
	case '1' <= c && c <= '9':
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return i, errNumber
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) {
			return i, errEOF
		}
		if !isDigit(s[i]) {
			return i, errFraction
		}
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) {
			return i, errEOF
		}
		if !isDigit(s[i]) {
			return i, errExponent
		}
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i, errNone
}

// scanLiteral checks that s[i:] starts with lit (true, false or null).
func scanLiteral(s string, i int, lit string, code errCode) (int, errCode) {
	if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
		return i + len(lit), errNone
	}
	for k := 1; k < len(lit); k++ {
		if i+k >= len(s) {
			return i + k, errEOF
		}
		if s[i+k] != lit[k] {
			return i + k, code
		}
	}
	return i + len(lit), errNone // not reached
}

// scanValue validates the JSON value that starts at s[i] after optional
// whitespace, allowing limit levels of nesting, and returns the index just
// past it. What follows the value is not looked at.
func scanValue(s string, i, limit int) (int, errCode) {
	// Strings and numbers, most object members, need no depth stack.
	if i = skipSpace(s, i); i < len(s) {
		switch c := s[i]; {
		case c == '"':
			end, _, code := scanString(s, i+1)
			return end, code
		case c == '-' || isDigit(c):
			return scanNumber(s, i)
		}
	}
	var small [smallStackWords]uint64
	end, code := scan(s, i, limit, small[:])
	if code == errNeedBigStack {
		return scanDeep(s, i, limit)
	}
	return end, code
}

// scanDeep is scanValue for input nested deeper than the small stack allows.
//
//go:noinline
func scanDeep(s string, i, limit int) (int, errCode) {
	var big [(maxDepth + 63) / 64]uint64
	return scan(s, i, limit, big[:])
}

// scan is the validating state machine behind scanValue. stack holds one bit
// per open container, set for an object and clear for an array; when it is
// full before limit is reached, scan gives up with errNeedBigStack.
func scan(s string, i, limit int, stack []uint64) (int, errCode) {
	depth := 0
	var code errCode
	var c byte

value:
	i = skipSpace(s, i)
	if i >= len(s) {
		return i, errEOF
	}
	c = s[i]
	switch {
	case c == '"':
		i, _, code = scanString(s, i+1)
		if code != errNone {
			return i, code
		}
	case c == '{':
		if depth >= limit {
			return i, errDepth
		}
		if depth >= len(stack)*64 {
			return i, errNeedBigStack
		}
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == '}' {
			i++
			break
		}
		stack[depth>>6] |= 1 << (depth & 63)
		depth++
		goto key
	case c == '[':
		if depth >= limit {
			return i, errDepth
		}
		if depth >= len(stack)*64 {
			return i, errNeedBigStack
		}
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			i++
			break
		}
		stack[depth>>6] &^= 1 << (depth & 63)
		depth++
		goto value
	case c == '-' || isDigit(c):
		i, code = scanNumber(s, i)
		if code != errNone {
			return i, code
		}
	case c == 't':
		i, code = scanLiteral(s, i, "true", errTrue)
		if code != errNone {
			return i, code
		}
	case c == 'f':
		i, code = scanLiteral(s, i, "false", errFalse)
		if code != errNone {
			return i, code
		}
	case c == 'n':
		i, code = scanLiteral(s, i, "null", errNull)
		if code != errNone {
			return i, code
		}
	default:
		return i, errBeginValue
	}

	// A value ended at s[i-1]; close containers as far as the input says.
next:
	if depth == 0 {
		return i, errNone
	}
	i = skipSpace(s, i)
	if i >= len(s) {
		return i, errEOF
	}
	c = s[i]
	if stack[(depth-1)>>6]&(1<<((depth-1)&63)) != 0 {
		switch c {
		case ',':
			i++
			goto key
		case '}':
			i++
			depth--
			goto next
		}
		return i, errAfterPair
	}
	switch c {
	case ',':
		i++
		goto value
	case ']':
		i++
		depth--
		goto next
	}
	return i, errAfterElem

	// An object key is due, then a colon, then a value.
key:
	i = skipSpace(s, i)
	if i >= len(s) {
		return i, errEOF
	}
	if s[i] != '"' {
		return i, errObjectKey
	}
	i, _, code = scanString(s, i+1)
	if code != errNone {
		return i, code
	}
	i = skipSpace(s, i)
	if i >= len(s) {
		return i, errEOF
	}
	if s[i] != ':' {
		return i, errAfterKey
	}
	i++
	goto value
}
