package jsonenc

import (
	"strconv"
	"unicode/utf8"
	"unsafe"
)

const (
	markerPrefix = "...[truncated, "
	markerSuffix = " bytes total]"
)

// Truncate caps a JSON text at max bytes. If len(js) <= max or max <= 0, js is returned unchanged.
// Otherwise the result is a valid JSON string literal whose content is the first bytes of js
// (cut on a UTF-8 rune boundary) followed by a visible marker "...[truncated, N bytes total]"
// where N is len(js), and the result's total length is at most max when max >= 64
// (for smaller max, the marker alone may exceed it; that's acceptable, but it must still be valid JSON).
func Truncate(js string, max int) string {
	if max <= 0 || len(js) <= max {
		return js
	}
	var num [20]byte
	total := strconv.AppendInt(num[:0], int64(len(js)), 10)
	fixed := 2 + len(markerPrefix) + len(total) + len(markerSuffix) // quotes and marker
	budget := max - fixed                                           // for the escaped prefix of js

	end := prefixLen(js, budget)
	out := make([]byte, 0, fixed+maxInt(budget, 0))
	out = appendQuoted(out, js[:end])
	out = out[:len(out)-1] // reopen the string to add the marker
	out = append(out, markerPrefix...)
	out = append(out, total...)
	out = append(out, markerSuffix...)
	out = append(out, '"')
	// out is never modified again, so it can back the string directly.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// prefixLen returns the length of the longest prefix of s, cut between
// runes, whose escaped form (as written by appendQuoted, without the quotes)
// fits in budget bytes.
func prefixLen(s string, budget int) int {
	used := 0
	i := 0
	for i < len(s) {
		b := s[i]
		n, size := 1, 1
		if b < utf8.RuneSelf {
			switch {
			case safeASCII[b]:
			case b == '\\', b == '"', b == '\b', b == '\f', b == '\n', b == '\r', b == '\t':
				n = 2
			default:
				n = 6 // \u00XX
			}
		} else {
			var c rune
			c, size = utf8.DecodeRuneInString(s[i:])
			n = size
			if c == utf8.RuneError && size == 1 || c == '\u2028' || c == '\u2029' {
				n = 6 // \ufffd, \u2028, \u2029
			}
		}
		if used+n > budget {
			break
		}
		used += n
		i += size
	}
	return i
}

// TruncateText caps the text s so that its JSON encoding (quotes and escapes included) is at
// most max bytes, as Truncate caps JSON text. If that encoding already fits, or max <= 0, s is
// returned unchanged. Otherwise the result is the first runes of s followed by the marker
// "...[truncated, N bytes total]", where N counts the bytes of the JSON encoding of s: the
// unit Truncate counts too. For max below about 64, the marker alone may exceed it.
func TruncateText(s string, max int) string {
	if max <= 0 || 6*len(s)+2 <= max { // no escaping makes a byte longer than 6
		return s
	}
	total := QuotedLen(s)
	if total <= max {
		return s
	}
	var num [20]byte
	n := strconv.AppendInt(num[:0], int64(total), 10)
	fixed := 2 + len(markerPrefix) + len(n) + len(markerSuffix)
	end := prefixLen(s, max-fixed)
	return s[:end] + markerPrefix + string(n) + markerSuffix
}
