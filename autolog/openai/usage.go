package openai

import (
	"encoding/json"
	"math"

	"github.com/tidwall/gjson"
)

// usageCounts reads the token usage object of an OpenAI response (a decoded JSON object):
// chat/completions use prompt_tokens/completion_tokens/total_tokens, embeddings
// prompt_tokens/total_tokens, the Responses API input_tokens/output_tokens/total_tokens.
// A missing total is input+output. ok is false when there is no usage object, or when it
// holds none of these counts.
//
// Counts may be float64, json.Number, or any Go integer type; a count that is not a whole
// number in the int64 range, or is of another type, is taken as missing.
func usageCounts(u map[string]any) (in, out, total int64, ok bool) {
	if u == nil {
		return 0, 0, 0, false
	}
	in, okIn := tokenCount(u, "prompt_tokens", "input_tokens")
	out, okOut := tokenCount(u, "completion_tokens", "output_tokens")
	total, okTotal := tokenCount(u, "total_tokens")
	if !okTotal {
		total = in + out
	}
	return in, out, total, okIn || okOut || okTotal
}

// tokenCount returns the first of keys that holds a count.
func tokenCount(u map[string]any, keys ...string) (int64, bool) {
	for _, k := range keys {
		if n, ok := tokenInt(u[k]); ok {
			return n, true
		}
	}
	return 0, false
}

// tokenInt converts a JSON or Go number to int64, leniently.
func tokenInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil {
			return 0, false
		}
		return floatTokens(f)
	case float64:
		return floatTokens(n)
	case float32:
		return floatTokens(float64(n))
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case int16:
		return int64(n), true
	case int8:
		return int64(n), true
	case uint:
		return uintTokens(uint64(n))
	case uint64:
		return uintTokens(n)
	case uint32:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint8:
		return int64(n), true
	}
	return 0, false
}

func floatTokens(f float64) (int64, bool) {
	// -2^63 is exact as a float64; 2^63 is the first value past the range.
	if f != math.Trunc(f) || f < math.MinInt64 || f >= -math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

func uintTokens(n uint64) (int64, bool) {
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// rawUsageCounts is usageCounts for a usage object read in place.
func rawUsageCounts(u gjson.Result) (in, out, total int64, ok bool) {
	if !u.IsObject() {
		return 0, 0, 0, false
	}
	var counts [5]gjson.Result // the values of usageKeys, the last of repeated keys
	u.ForEach(func(key, v gjson.Result) bool {
		for i, k := range usageKeys {
			if key.Str == k {
				counts[i] = v
			}
		}
		return true
	})
	count := func(i int) (int64, bool) {
		if counts[i].Type != gjson.Number {
			return 0, false
		}
		return tokenInt(json.Number(counts[i].Raw))
	}
	in, okIn := firstCount(count, 0, 1)
	out, okOut := firstCount(count, 2, 3)
	total, okTotal := count(4)
	if !okTotal {
		total = in + out
	}
	return in, out, total, okIn || okOut || okTotal
}

// usageKeys are the counts rawUsageCounts reads, in the order usageCounts prefers them.
var usageKeys = [5]string{"prompt_tokens", "input_tokens", "completion_tokens", "output_tokens", "total_tokens"}

func firstCount(count func(int) (int64, bool), i, j int) (int64, bool) {
	if n, ok := count(i); ok {
		return n, true
	}
	return count(j)
}
