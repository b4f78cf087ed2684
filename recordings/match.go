package recordings

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"reflect"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// matchRequest is the go-vcr matcher: method, URL path, query parameters other than the
// credentials scrubbing redacts (key=, api-key=, ...), and the body, compared as JSON values when both bodies are JSON and byte for byte
// otherwise. Host, scheme, headers and protocol are ignored, so a cassette replays against
// any base URL and whatever credentials the client sends.
func matchRequest(r *http.Request, rec cassette.Request) bool {
	if r.Method != rec.Method {
		return false
	}
	ru, err := url.Parse(rec.URL)
	if err != nil {
		return false
	}
	if cleanPath(r.URL.Path) != cleanPath(ru.Path) {
		return false
	}
	if !sameQuery(r.URL.RawQuery, ru.RawQuery) {
		return false
	}
	body, err := peekBody(r)
	if err != nil {
		return false
	}
	return sameBody(body, []byte(rec.Body))
}

func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// sameQuery compares two raw queries as parameter sets, ignoring the credentials scrubbing
// redacts (key=, api-key=, ...: see secretName).
func sameQuery(a, b string) bool {
	if a == b {
		return true
	}
	qa, errA := url.ParseQuery(a)
	qb, errB := url.ParseQuery(b)
	if errA != nil || errB != nil {
		return false
	}
	for _, q := range []url.Values{qa, qb} {
		for k := range q {
			if secretName(k) {
				delete(q, k)
			}
		}
	}
	return reflect.DeepEqual(qa, qb)
}

// peekBody returns the body of r and leaves r readable again.
func peekBody(r *http.Request) ([]byte, error) {
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// sameBody reports whether two bodies are equal: as JSON values when both are JSON (so key
// order and whitespace do not matter, and numbers compare by value), byte for byte otherwise.
func sameBody(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	va, okA := decodeJSON(a)
	if !okA {
		return false
	}
	vb, okB := decodeJSON(b)
	if !okB {
		return false
	}
	return jsonEqual(va, vb)
}

func decodeJSON(b []byte) (any, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// jsonEqual compares values decoded with UseNumber.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, va := range a {
			vb, ok := b[k]
			if !ok || !jsonEqual(va, vb) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		if a == b {
			return true
		}
		ra, okA := new(big.Rat).SetString(string(a))
		rb, okB := new(big.Rat).SetString(string(b))
		return okA && okB && ra.Cmp(rb) == 0
	default: // string, bool, nil
		return a == b
	}
}
