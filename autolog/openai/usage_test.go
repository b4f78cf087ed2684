package openai

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/tidwall/gjson"
)

func TestUsageOf(t *testing.T) {
	decode := func(s string) map[string]any {
		var m map[string]any
		if err := decodeStreamJSON([]byte(s), &m); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return m
	}
	tests := []struct {
		name           string
		resp           map[string]any
		in, out, total int64
		ok             bool
	}{
		{name: "chat completion (json.Number)",
			resp: decode(`{"object":"chat.completion","usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0}}}`),
			in:   19, out: 10, total: 29, ok: true},
		{name: "embeddings",
			resp: decode(`{"object":"list","data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}`),
			in:   8, total: 8, ok: true},
		{name: "responses API",
			resp: decode(`{"object":"response","usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}`),
			in:   36, out: 87, total: 123, ok: true},
		{name: "missing total is input+output",
			resp: decode(`{"usage":{"input_tokens":3,"output_tokens":4}}`),
			in:   3, out: 4, total: 7, ok: true},
		{name: "float64 (encoding/json default)",
			resp: map[string]any{"usage": map[string]any{"prompt_tokens": 5.0, "completion_tokens": float64(6), "total_tokens": 11.0}},
			in:   5, out: 6, total: 11, ok: true},
		{name: "Go ints",
			resp: map[string]any{"usage": map[string]any{"prompt_tokens": 5, "completion_tokens": int64(6), "total_tokens": uint32(11)}},
			in:   5, out: 6, total: 11, ok: true},
		{name: "big exact numbers",
			resp: decode(`{"usage":{"prompt_tokens":9007199254740993,"completion_tokens":1}}`),
			in:   9007199254740993, out: 1, total: 9007199254740994, ok: true},
		{name: "exponent form", resp: decode(`{"usage":{"prompt_tokens":1e3,"completion_tokens":2.0E1}}`),
			in: 1000, out: 20, total: 1020, ok: true},
		{name: "unusable counts are missing",
			resp: map[string]any{"usage": map[string]any{"prompt_tokens": "12", "completion_tokens": 1.5, "total_tokens": math.NaN()}},
			ok:   false},
		{name: "out of range", resp: decode(`{"usage":{"prompt_tokens":1e19,"completion_tokens":18446744073709551615,"total_tokens":2}}`),
			total: 2, ok: true},
		{name: "huge uint", resp: map[string]any{"usage": map[string]any{"prompt_tokens": uint64(math.MaxUint64), "completion_tokens": uint(3)}},
			out: 3, total: 3, ok: true},
		{name: "infinity", resp: map[string]any{"usage": map[string]any{"prompt_tokens": math.Inf(1), "completion_tokens": math.Inf(-1)}}},
		{name: "prompt_tokens wins over input_tokens", resp: decode(`{"usage":{"prompt_tokens":1,"input_tokens":2}}`),
			in: 1, total: 1, ok: true},
		{name: "negative kept", resp: map[string]any{"usage": map[string]any{"prompt_tokens": json.Number("-1")}},
			in: -1, total: -1, ok: true},
		{name: "null usage", resp: decode(`{"usage":null}`)},
		{name: "no usage", resp: decode(`{"id":"x"}`)},
		{name: "usage not an object", resp: decode(`{"usage":[1,2]}`)},
		{name: "empty usage", resp: decode(`{"usage":{}}`)},
		{name: "nil map", resp: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, out, total, ok := usageOf(tt.resp)
			if in != tt.in || out != tt.out || total != tt.total || ok != tt.ok {
				t.Fatalf("usageOf = %d, %d, %d, %v; want %d, %d, %d, %v", in, out, total, ok, tt.in, tt.out, tt.total, tt.ok)
			}
		})
	}
}

// usageOf reads the usage of a whole response object.
func usageOf(resp map[string]any) (in, out, total int64, ok bool) {
	u, _ := resp["usage"].(map[string]any)
	return usageCounts(u)
}

// TestRawUsageCounts: reading a usage object in place gives what decoding it does.
func TestRawUsageCounts(t *testing.T) {
	for _, raw := range []string{
		`{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0}}`,
		`{"input_tokens":36,"output_tokens":87,"total_tokens":123}`, `{"prompt_tokens":8,"total_tokens":8}`,
		`{"prompt_tokens":1.5,"input_tokens":2,"completion_tokens":"3","output_tokens":4e0}`,
		`{"total_tokens":1,"total_tokens":null}`, `{"prompt_tokens":92233720368547758070}`, `null`, `[]`, `7`,
		`{"prompt_tokens":-3,"completion_tokens":1e3}`, `{}`,
	} {
		t.Run(raw, func(t *testing.T) {
			in, out, total, ok := rawUsageCounts(gjson.Parse(raw))
			win, wout, wtotal, wok := usageCounts(decodeUsage(json.RawMessage(raw)))
			if in != win || out != wout || total != wtotal || ok != wok {
				t.Fatalf("read %d %d %d %v, decoded %d %d %d %v", in, out, total, ok, win, wout, wtotal, wok)
			}
		})
	}
}
