package mcpserver

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// classify reads every line a client pipes in: it must take any bytes.
func FuzzClassify(f *testing.F) {
	f.Add(`{"jsonrpc":"2.0","id":1,"method":"initialize"}`)
	f.Add(`[{"id":1,"method":"a"},{"id":2,"result":{}}]`)
	f.Add(`{"id":null}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, line string) {
		req, resp := classify([]byte(line))
		if req < 0 || resp < 0 || req+resp > len(line) {
			t.Fatalf("classify(%q) = %d, %d", line, req, resp)
		}
	})
}

// The cut and the pieces of a span field never split a character, and the pieces read
// from the cut make up the whole string, whatever the string, limit and field path.
func FuzzTruncateAndRead(f *testing.F) {
	f.Add("aé€😀b", "mlflow.spanInputs", 3)
	f.Add(strings.Repeat("x", 50), "a`b.c", 1)
	f.Fuzz(func(t *testing.T, s, key string, maxBytes int) {
		if maxBytes < 1 || maxBytes > 64 || key == "" || !utf8.ValidString(s) || strings.Contains(key, "`") {
			t.Skip()
		}
		doc := map[string]any{"data": map[string]any{"spans": []any{map[string]any{
			"span_id": "s1", "attributes": map[string]any{key: s},
		}}}}
		truncateSpans(doc, "tr-1", maxBytes, DefaultMaxEvents)
		field := fieldPath([]string{"attributes", key})
		got := doc["data"].(map[string]any)["spans"].([]any)[0].(map[string]any)["attributes"].(map[string]any)[key].(string)
		i := strings.Index(got, truncMarker)
		if i < 0 {
			if got != s || (len(s) > maxBytes && utf8.RuneCountInString(s) > 1) {
				t.Fatalf("%q (limit %d) became %q", s, maxBytes, got)
			}
			return
		}
		if i == 0 || !strings.HasPrefix(s, got[:i]) || !utf8.ValidString(got[:i]) {
			t.Fatalf("cut %q of %q is not a valid prefix", got, s)
		}
		orig := map[string]any{"data": map[string]any{"spans": []any{map[string]any{
			"span_id": "s1", "attributes": map[string]any{key: s},
		}}}}
		text, offset := got[:i], i
		for offset != 0 {
			p, err := readSpanField(orig, "tr-1", "s1", field, offset, maxBytes)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(p.Text) || p.Offset != offset {
				t.Fatalf("piece %+v", p)
			}
			text += p.Text
			offset = p.NextOffset
		}
		if text != s {
			t.Fatalf("pieces %q, want %q", text, s)
		}
	})
}
