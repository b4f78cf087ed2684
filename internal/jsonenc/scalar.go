package jsonenc

import (
	"encoding/base64"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safeASCII reports which ASCII bytes are written verbatim inside a JSON
// string: everything except control characters, '"' and '\\' (HTML
// characters are not escaped).
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// appendQuoted appends src as a JSON string literal exactly as encoding/json
// does with HTML escaping disabled: short escapes for \b \f \n \r \t,
// \u00XX for other control characters, \ufffd for each invalid UTF-8 byte,
// and \u2028 / \u2029 escaped; everything else verbatim.
func appendQuoted[S string | []byte](dst []byte, src S) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		// Skip runs of plain ASCII eight bytes at a time.
		for i+8 <= len(src) && plainASCII8(uint64(src[i])|uint64(src[i+1])<<8|uint64(src[i+2])<<16|uint64(src[i+3])<<24|
			uint64(src[i+4])<<32|uint64(src[i+5])<<40|uint64(src[i+6])<<48|uint64(src[i+7])<<56) {
			i += 8
		}
		if i >= len(src) {
			break
		}
		b := src[i]
		if b < utf8.RuneSelf {
			if safeASCII[b] {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(src)-i, utf8.UTFMax)
		c, size := utf8.DecodeRuneInString(string(src[i : i+n]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainASCII8 reports whether none of the eight bytes packed in x needs
// escaping: each is ASCII, not a control character, not '"' and not '\\'.
func plainASCII8(x uint64) bool {
	// (v - lsb) &^ v & msb is non-zero iff some byte of v is zero.
	quote := x ^ ('"' * lsb)
	backslash := x ^ ('\\' * lsb)
	return (x|(x-0x20*lsb)|((quote-lsb)&^quote)|((backslash-lsb)&^backslash))&msb == 0
}

// appendFloat formats f exactly as encoding/json does (ES6 number
// formatting). NaN and infinities, which JSON cannot represent, are written
// as the strings "NaN", "+Inf" and "-Inf".
func appendFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) {
		return append(dst, `"NaN"`...)
	}
	if math.IsInf(f, 1) {
		return append(dst, `"+Inf"`...)
	}
	if math.IsInf(f, -1) {
		return append(dst, `"-Inf"`...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// Clean up e-09 to e-9.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendBytes writes b as encoding/json does: a base64 (standard encoding)
// string, or null for a nil slice.
func appendBytes(dst []byte, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendCompact appends the already validated JSON text src with all
// insignificant whitespace removed, which is what encoding/json does to the
// output of MarshalJSON methods (when HTML escaping is off).
func appendCompact(dst, src []byte) []byte {
	inString, escaped := false, false
	start := 0
	for i, c := range src {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}

// QuotedLen returns len(AppendString(nil, s)), the length of s as a JSON string literal,
// without writing it: measuring is much cheaper than encoding.
func QuotedLen(s string) int {
	if len(s) >= 64 && plainASCII(s) {
		// Only quotes and backslashes to escape: strings.Count finds them many bytes at a
		// time, several times faster than the loop below on JSON text.
		return 2 + len(s) + strings.Count(s, `"`) + strings.Count(s, `\`)
	}
	n := 2 + len(s)
	for i := 0; i < len(s); {
		// Eight ASCII bytes without control characters at a time: their quotes and
		// backslashes, each escaped with one more byte, are counted without a branch. JSON
		// text, which is what is mostly measured, has a quote every few bytes.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if (x|(x-0x20*lsb))&msb != 0 { // a non-ASCII or control byte (or a borrow from one)
				break
			}
			n += bits.OnesCount64(zeroBytes(x^('"'*lsb)) | zeroBytes(x^('\\'*lsb)))
			i += 8
		}
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if !safeASCII[b] {
				switch b {
				case '\\', '"', '\b', '\f', '\n', '\r', '\t':
					n++ // two-byte escape
				default:
					n += 5 // \u00XX
				}
			}
			i++
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			n += 5 // one byte becomes \ufffd
		case c == '\u2028' || c == '\u2029':
			n += 3 // three bytes become \u202X
		}
		i += size
	}
	return n
}

// plainASCII reports whether s is ASCII without control characters.
func plainASCII(s string) bool {
	var acc uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		acc |= x | (x - 0x20*lsb) // a byte's top bit: non-ASCII, or below 0x20 (or a borrow)
	}
	for ; i < len(s); i++ {
		acc |= uint64(s[i]) | uint64(s[i]-0x20)
	}
	return acc&msb == 0
}

// zeroBytes returns 0x80 in each byte of x that is zero and 0 in the others, exactly (the
// shorter haszero trick can flag a byte above a zero one).
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7F7F7F7F7F7F7F7F
	return ^((x&low7 + low7) | x | low7)
}
