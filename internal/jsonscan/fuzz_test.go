package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
}

// FuzzValid checks Valid against json.Valid, and Next against Valid.
func FuzzValid(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got, want := Valid(s), json.Valid([]byte(s))
		if got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid = %v", s, got, want)
		}
		value, rest, err := Next(s)
		if err != nil {
			if want {
				t.Fatalf("Next(%q) error %v for valid input", s, err)
			}
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Next(%q) error %T, want *SyntaxError", s, err)
			}
			return
		}
		if !Valid(value) || strings.TrimLeft(value, " \t\r\n") != value {
			t.Fatalf("Next(%q) value %q is not a trimmed valid value", s, value)
		}
		if !strings.HasSuffix(s, value+rest) {
			t.Fatalf("Next(%q) = %q, %q: not the input's tail", s, value, rest)
		}
		if want && strings.Trim(rest, " \t\r\n") != "" {
			t.Fatalf("Next(%q) rest %q for a single valid value", s, rest)
		}
	})
}

// FuzzUnquote checks Unquote against json.Unmarshal into a string.
func FuzzUnquote(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Unquote(s)
		if err == nil && (s == "" || s[0] != '"' || s[len(s)-1] != '"') {
			t.Fatalf("Unquote(%q) = %q for a non-literal", s, got)
		}
		// Unquote takes the bare literal; json.Unmarshal allows whitespace
		// around it and decodes null (and rejects other kinds) too.
		lit := strings.Trim(s, " \t\r\n")
		if lit != s {
			if _, err := Unquote(s); err == nil {
				t.Fatalf("Unquote(%q) accepted surrounding whitespace", s)
			}
			got, err = Unquote(lit)
		}
		if lit == "" || lit[0] != '"' {
			if err == nil {
				t.Fatalf("Unquote(%q) = %q, want error", lit, got)
			}
			return
		}
		var want string
		jerr := json.Unmarshal([]byte(s), &want)
		if (err == nil) != (jerr == nil) {
			t.Fatalf("Unquote(%q) error %v, json.Unmarshal error %v", lit, err, jerr)
		}
		if err == nil && got != want {
			t.Fatalf("Unquote(%q) = %q, json.Unmarshal = %q", lit, got, want)
		}
	})
}

// FuzzAppendCompact checks AppendCompact against json.Compact.
func FuzzAppendCompact(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		prefix := []byte("prefix")
		got, err := AppendCompact(prefix[:len(prefix):len(prefix)], s)
		var want bytes.Buffer
		want.WriteString("prefix")
		jerr := json.Compact(&want, []byte(s))
		if (err == nil) != (jerr == nil) {
			t.Fatalf("AppendCompact(%q) error %v, json.Compact error %v", s, err, jerr)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("AppendCompact(%q) = %q, json.Compact = %q", s, got, want.Bytes())
		}
	})
}

// FuzzObject checks Object and Array against json.Unmarshal into
// map[string]json.RawMessage and []json.RawMessage, that walking any input
// never panics, and that nested values handed out always walk cleanly.
func FuzzObject(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := map[string]string{}
		var calls int
		err := Object(s, func(key, value string) bool {
			calls++
			got[key] = value
			walkNested(t, value)
			return true
		})
		var want map[string]json.RawMessage
		jerr := json.Unmarshal([]byte(s), &want)
		if (err == nil) != (jerr == nil) {
			t.Fatalf("Object(%q) error %v, json.Unmarshal error %v", s, err, jerr)
		}
		if err == nil {
			if len(got) != len(want) {
				t.Fatalf("Object(%q) keys %q, json.Unmarshal %q", s, got, want)
			}
			for k, v := range want {
				if g, ok := got[k]; !ok || g != string(v) {
					t.Fatalf("Object(%q)[%q] = %q, json.Unmarshal %q", s, k, g, v)
				}
			}
		}

		var elems []string
		err = Array(s, func(elem string) bool {
			elems = append(elems, elem)
			walkNested(t, elem)
			return true
		})
		var wantElems []json.RawMessage
		jerr = json.Unmarshal([]byte(s), &wantElems)
		if (err == nil) != (jerr == nil) {
			t.Fatalf("Array(%q) error %v, json.Unmarshal error %v", s, err, jerr)
		}
		if err == nil {
			if len(elems) != len(wantElems) {
				t.Fatalf("Array(%q) = %q, json.Unmarshal %q", s, elems, wantElems)
			}
			for i := range elems {
				if elems[i] != string(wantElems[i]) {
					t.Fatalf("Array(%q)[%d] = %q, json.Unmarshal %q", s, i, elems[i], wantElems[i])
				}
			}
		}

		// Stopping early: exactly one call, no error, if there is a first member.
		calls = 0
		err = Object(s, func(string, string) bool { calls++; return false })
		if calls > 1 || calls == 1 && err != nil {
			t.Fatalf("Object(%q) stopped early: %d calls, error %v", s, calls, err)
		}
		calls = 0
		err = Array(s, func(string) bool { calls++; return false })
		if calls > 1 || calls == 1 && err != nil {
			t.Fatalf("Array(%q) stopped early: %d calls, error %v", s, calls, err)
		}
	})
}

// walkNested walks a value handed out by Object or Array, which is valid, so
// walking it as its own kind must succeed.
func walkNested(t *testing.T, v string) {
	t.Helper()
	if !Valid(v) {
		t.Fatalf("handed out invalid value %q", v)
	}
	switch KindOf(v) {
	case KindObject:
		if err := Object(v, func(_, value string) bool { walkNested(t, value); return true }); err != nil {
			t.Fatalf("Object(%q) of a handed-out value: %v", v, err)
		}
	case KindArray:
		if err := Array(v, func(elem string) bool { walkNested(t, elem); return true }); err != nil {
			t.Fatalf("Array(%q) of a handed-out value: %v", v, err)
		}
	case KindString:
		if _, err := Unquote(v); err != nil {
			t.Fatalf("Unquote(%q) of a handed-out value: %v", v, err)
		}
	case KindInvalid:
		t.Fatalf("handed out value %q of invalid kind", v)
	}
}
