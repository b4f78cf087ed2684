package jsonscan

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of a JSON value, as told by its first byte.
type Kind byte

// The kinds of JSON values; KindInvalid is for text that cannot start one.
// They carry a Kind prefix (as in log/slog) because Object and Array name the
// walking functions.
const (
	KindInvalid Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = [...]string{
	KindInvalid: "invalid",
	KindNull:    "null",
	KindBool:    "bool",
	KindNumber:  "number",
	KindString:  "string",
	KindArray:   "array",
	KindObject:  "object",
}

// String returns the lower-case name of k ("invalid" for values out of range),
// for error messages and logs.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// KindOf reports the kind of the raw JSON value v from its first byte,
// without validating it, so callers can branch on a value handed out by
// [Object], [Array] or [Next] (which have no leading whitespace) for free.
// An empty v, or one starting with any other byte (whitespace included), is
// KindInvalid.
func KindOf(v string) Kind {
	if v == "" {
		return KindInvalid
	}
	switch c := v[0]; c {
	case 'n':
		return KindNull
	case 't', 'f':
		return KindBool
	case '"':
		return KindString
	case '[':
		return KindArray
	case '{':
		return KindObject
	default:
		if c == '-' || isDigit(c) {
			return KindNumber
		}
	}
	return KindInvalid
}

// Valid reports whether s is exactly one JSON value, with optional
// surrounding whitespace: the same answer as json.Valid([]byte(s)) for every
// input (including encoding/json's nesting limit of 10000), without
// converting s to a byte slice or allocating.
func Valid(s string) bool {
	end, code := scanValue(s, 0, maxDepth)
	return code == errNone && skipSpace(s, end) == len(s)
}

// Next reads the first JSON value of s after leading whitespace, validating
// it, and returns its raw text and what follows it (not trimmed), so a
// caller can read a stream of concatenated values. Like json.Decoder, it
// does not judge what follows a complete value: Next("1x") returns "1" and
// "x". The error, a *SyntaxError, says why s does not start with a valid
// value; value is then empty and rest is s.
func Next(s string) (value, rest string, err error) {
	start := skipSpace(s, 0)
	end, code := scanValue(s, start, maxDepth)
	if code != errNone {
		return "", s, newError(s, end, code)
	}
	return s[start:end], s[end:], nil
}

// Object walks the members of raw, which must be exactly one JSON object
// with optional surrounding whitespace, so that a caller can pick the
// members it needs without decoding the rest.
//
// fn gets each member's key, decoded as encoding/json decodes strings (a key
// without escapes and with valid UTF-8 is a substring of raw, not a copy),
// and its raw value text (validated, without surrounding whitespace), in
// order, duplicates included. fn returning false stops the walk early with a
// nil error; the rest of raw is then not validated.
//
// The error, a *SyntaxError, reports invalid JSON or raw not being an
// object; fn may already have been called for earlier members when a later
// part of raw is invalid. As an exception, raw being the literal null is not
// an error: fn is not called and the result is nil, as when encoding/json
// decodes null into a struct or map. Use [KindOf] to treat null otherwise.
func Object(raw string, fn func(key, value string) bool) error {
	i, done, err := open(raw, '{', '}', errNotObject)
	if done {
		return err
	}
	for {
		if i >= len(raw) {
			return newError(raw, i, errEOF)
		}
		if raw[i] != '"' {
			return newError(raw, i, errObjectKey)
		}
		end, escaped, code := scanString(raw, i+1)
		if code != errNone {
			return newError(raw, end, code)
		}
		key := raw[i+1 : end-1]
		if escaped || !utf8.ValidString(key) {
			key = decode(key)
		}
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return newError(raw, i, errEOF)
		}
		if raw[i] != ':' {
			return newError(raw, i, errAfterKey)
		}
		i = skipSpace(raw, i+1)
		end, code = scanValue(raw, i, maxDepth-1)
		if code != errNone {
			return newError(raw, end, code)
		}
		if !fn(key, raw[i:end]) {
			return nil
		}
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return newError(raw, i, errEOF)
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
			continue
		case '}':
			return endTop(raw, i+1)
		}
		return newError(raw, i, errAfterPair)
	}
}

// Array walks the elements of raw, which must be exactly one JSON array with
// optional surrounding whitespace, handing fn the raw text of each element
// (validated, without surrounding whitespace) in order. The rules are those
// of [Object]: fn returning false stops the walk with a nil error and the
// rest unvalidated, fn may have been called before an error is found, and
// the literal null walks nothing and returns nil.
func Array(raw string, fn func(elem string) bool) error {
	i, done, err := open(raw, '[', ']', errNotArray)
	if done {
		return err
	}
	for {
		end, code := scanValue(raw, i, maxDepth-1)
		if code != errNone {
			return newError(raw, end, code)
		}
		if !fn(raw[i:end]) {
			return nil
		}
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return newError(raw, i, errEOF)
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
			continue
		case ']':
			return endTop(raw, i+1)
		}
		return newError(raw, i, errAfterElem)
	}
}

// open starts a walk of raw, a container opened by the byte opening and closed by closing:
// it returns the index of the first member or element, or done with the walk's result for
// an empty container, null, or something else (reported with notCode when it is a value).
func open(raw string, opening, closing byte, notCode errCode) (i int, done bool, err error) {
	i = skipSpace(raw, 0)
	if i >= len(raw) {
		return i, true, newError(raw, i, errEOF)
	}
	switch raw[i] {
	case opening:
	case 'n':
		return i, true, walkNull(raw, i)
	default:
		return i, true, notContainer(raw, i, notCode)
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == closing {
		return i, true, endTop(raw, i+1)
	}
	return i, false, nil
}

// walkNull checks that raw[i:] is the literal null and trailing whitespace.
func walkNull(raw string, i int) error {
	end, code := scanLiteral(raw, i, "null", errNull)
	if code != errNone {
		return newError(raw, end, code)
	}
	return endTop(raw, end)
}

// endTop checks that only whitespace follows the top-level value ending at
// raw[i-1].
func endTop(raw string, i int) error {
	i = skipSpace(raw, i)
	if i < len(raw) {
		return newError(raw, i, errAfterTop)
	}
	return nil
}

// notContainer reports raw[i], which is neither the expected container nor
// null: a value of another kind, or a byte that starts no value.
func notContainer(raw string, i int, code errCode) error {
	if KindOf(raw[i:]) == KindInvalid {
		code = errBeginValue
	}
	return newError(raw, i, code)
}

// Unquote returns the Go string that the JSON string literal raw (including
// its quotes, with no whitespace around them) decodes to, exactly as
// encoding/json decodes into a string: escapes including \uXXXX surrogate
// pairs are decoded, and invalid surrogates and invalid UTF-8 bytes become
// U+FFFD. When raw has no backslash and is valid UTF-8, the result is a
// substring of raw and nothing is allocated. The error, a *SyntaxError, says
// why raw is not a valid JSON string literal.
func Unquote(raw string) (string, error) {
	if raw == "" {
		return "", newError(raw, 0, errEOF)
	}
	if raw[0] != '"' {
		return "", notContainer(raw, 0, errNotString)
	}
	end, escaped, code := scanString(raw, 1)
	if code != errNone {
		return "", newError(raw, end, code)
	}
	if end != len(raw) {
		return "", newError(raw, end, errAfterTop)
	}
	body := raw[1 : end-1]
	if !escaped && utf8.ValidString(body) {
		return body, nil
	}
	return decode(body), nil
}

// decode decodes the body of a valid string literal that has escapes or
// invalid UTF-8, as encoding/json's unquoteBytes does.
func decode(body string) string {
	var b strings.Builder
	b.Grow(len(body))
	for r := 0; r < len(body); {
		// Copy up to the next escape, turning each byte of invalid UTF-8
		// into U+FFFD.
		run := body[r:]
		if k := strings.IndexByte(run, '\\'); k >= 0 {
			run = run[:k]
		}
		r += len(run)
		if utf8.ValidString(run) {
			b.WriteString(run)
		} else {
			for _, rr := range run {
				b.WriteRune(rr) // ranging yields U+FFFD per invalid byte
			}
		}
		if r+1 >= len(body) {
			break // no escape, or a lone backslash (not in a valid body)
		}
		switch c := body[r+1]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			rr := getu4(body, r)
			r += 6
			if utf16.IsSurrogate(rr) {
				if dec := utf16.DecodeRune(rr, getu4(body, r)); dec != utf8.RuneError {
					rr = dec
					r += 6
				} else {
					rr = utf8.RuneError
				}
			}
			b.WriteRune(rr)
			continue
		default: // '"', '\\' or '/'
			b.WriteByte(c)
		}
		r += 2
	}
	return b.String()
}

// getu4 decodes the \uXXXX escape at s[i:], or returns -1 if there is none.
func getu4(s string, i int) rune {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range []byte(s[i+2 : i+6]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// AppendCompact appends src, which must be exactly one JSON value with
// optional surrounding whitespace, without insignificant whitespace: the
// bytes json.Compact writes (it escapes nothing, HTML characters included),
// without a bytes.Buffer or a copy of src. On invalid input it returns dst
// unchanged and a *SyntaxError.
func AppendCompact(dst []byte, src string) ([]byte, error) {
	end, code := scanValue(src, 0, maxDepth)
	if code == errNone {
		if end = skipSpace(src, end); end < len(src) {
			code = errAfterTop
		}
	}
	if code != errNone {
		return dst, newError(src, end, code)
	}
	// src is valid: outside strings, every byte <= ' ' is whitespace.
	i := skipSpace(src, 0)
	start := i
	for i < len(src) {
		c := src[i]
		if c > '"' { // punctuation, digits and letters of literals
			i++
			continue
		}
		if c == '"' {
			i, _, _ = scanString(src, i+1)
			continue
		}
		dst = append(dst, src[start:i]...)
		i = skipSpace(src, i+1)
		start = i
	}
	return append(dst, src[start:]...), nil
}
