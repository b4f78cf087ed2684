package openai

import (
	"encoding/json"
	"testing"
)

// FuzzResponseBody feeds arbitrary bodies to the readers of a non-streamed response and of an
// error response: they must not panic, must take exactly the valid JSON objects, and must read
// the usage as decoding it does.
func FuzzResponseBody(f *testing.F) {
	for _, s := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`,
		`{"object":"response","status":"completed","usage":{"input_tokens":1,"output_tokens":2}}`,
		`{"error":{"type":"invalid_request_error","code":"model_not_found","message":"no such model"}}`,
		`{"error":{"code":429,"message":"slow down"}}`, `{"error":"x"}`, `{"choices":[null,1,{"finish_reason":7}]}`,
		`[]`, `null`, `{"id":`, `{"a":1} x`, `{"usage":{"prompt_tokens":1e400}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var obj map[string]any
		isObject := decodeStreamJSON([]byte(body), &obj) == nil && obj != nil
		head, ok := readResponseHead(body)
		if ok != isObject {
			t.Fatalf("readResponseHead(%q) ok = %v, but the body is an object: %v", body, ok, isObject)
		}
		e := apiError(body)
		if !isObject && e.found {
			t.Fatalf("apiError(%q) = %+v from a body that is not an object", body, e)
		}
		if e.found && (e.name() == "" || (e.code != "" && !json.Valid([]byte(e.code)))) {
			t.Fatalf("apiError(%q) = %+v: no name, or a code that is not JSON", body, e)
		}
		if ok {
			in, out, total, got := rawUsageCounts(head.usage)
			win, wout, wtotal, want := usageCounts(decodeUsage(json.RawMessage(head.usage.Raw)))
			if in != win || out != wout || total != wtotal || got != want {
				t.Fatalf("usage %s: read %d %d %d %v, decoded %d %d %d %v", head.usage.Raw, in, out, total, got, win, wout, wtotal, want)
			}
		}
	})
}
