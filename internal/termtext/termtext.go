// Package termtext handles text shown to people: Clean makes untrusted text (span names,
// model output) safe to print on a terminal, and Truncate cuts text to a number of characters.
// Clean escapes control characters, escape sequences and bidirectional overrides instead of
// letting them be interpreted.
package termtext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Clean returns s with every character that could move the cursor, change colours or
// reorder text replaced by its Go escape (\x1b, \n, \u202e, ...). Other text, including
// non-ASCII letters, is kept as is.
func Clean(s string) string {
	i := strings.IndexFunc(s, unsafeRune)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[0]), 16))
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// Truncate cuts s to at most n characters (runes; an invalid byte counts as one), the last
// three being "..." when it was cut, as MLflow cuts previews and metadata.
func Truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n { // a string has no more runes than bytes
		return s
	}
	if n <= 3 {
		return strings.Repeat(".", n)
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-3 {
			cut = i
			break
		}
		count++
	}
	return s[:cut] + "..."
}

func unsafeRune(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f,
		r == 0x061c, // the Arabic letter mark, a bidirectional control
		r == 0x2028, r == 0x2029, r == 0xfeff,
		r >= 0xe0000 && r <= 0xe007f: // tag characters, invisible text
		return true
	}
	return false
}

// EscapeJSON returns the JSON text js with every character Clean would escape written as a
// \u escape, so that JSON printed on a terminal cannot move the cursor or reorder text
// either. Such characters can only be inside strings, where the escape means the same; the
// control characters JSON itself requires escaped are left to the encoder.
func EscapeJSON(js []byte) []byte {
	if !hasUnsafe(js) {
		return js
	}
	out := make([]byte, 0, len(js)+16)
	for len(js) > 0 {
		r, size := utf8.DecodeRune(js)
		if r >= utf8.RuneSelf && unsafeRune(r) || r == 0x7f {
			out = appendU(out, r)
		} else {
			out = append(out, js[:size]...)
		}
		js = js[size:]
	}
	return out
}

func hasUnsafe(js []byte) bool {
	for len(js) > 0 {
		r, size := utf8.DecodeRune(js)
		if r >= utf8.RuneSelf && unsafeRune(r) || r == 0x7f {
			return true
		}
		js = js[size:]
	}
	return false
}

// appendU appends r as a JSON \u escape, as a surrogate pair above U+FFFF.
func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	u := func(b []byte, v rune) []byte {
		return append(b, '\\', 'u', hex[v>>12&0xf], hex[v>>8&0xf], hex[v>>4&0xf], hex[v&0xf])
	}
	if r > 0xffff {
		r1, r2 := utf16.EncodeRune(r)
		return u(u(b, r1), r2)
	}
	return u(b, r)
}
