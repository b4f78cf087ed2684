package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/internal/sse"
)

func parse(s string) gjson.Result { return gjson.Parse(s) }

// FuzzArraySplitter: any bytes, cut anywhere, split the same way without panicking, and
// every element of a valid JSON array is found.
func FuzzArraySplitter(f *testing.F) {
	for _, s := range []string{
		"[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"C\"}]}}]}\n,\r\n{\"a\":\"]\"}\n]",
		`[1,"x",[2,[3]],{"a":{"b":[]}}]`, `[`, `]`, `[,]`, `"\`, `[{"a":"\"]"}]`, "",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, cut uint8) {
		whole, wholeDone := splitAll([]string{s}, 1<<20)
		var pieces []string
		step := int(cut)%7 + 1
		for i := 0; i < len(s); i += step {
			pieces = append(pieces, s[i:min(i+step, len(s))])
		}
		parts, partsDone := splitAll(pieces, 1<<20)
		if strings.Join(whole, "\x00") != strings.Join(parts, "\x00") || wholeDone != partsDone {
			t.Fatalf("cutting changed the split: %q vs %q", whole, parts)
		}
		var arr []json.RawMessage
		if json.Unmarshal([]byte(s), &arr) == nil {
			if !wholeDone || len(whole) != len(arr) {
				t.Fatalf("valid array %q: %d elements (complete %v), want %d", s, len(whole), wholeDone, len(arr))
			}
			for i := range arr {
				if !jsontext.Valid(whole[i]) {
					t.Fatalf("element %d %q is not JSON", i, whole[i])
				}
			}
		}
	})
}

// FuzzStreamAssembler: any chunk text, as SSE data or array elements, is assembled without
// panicking into something that encodes as JSON.
func FuzzStreamAssembler(f *testing.F) {
	f.Add("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"},{\"functionCall\":{\"name\":\"f\"}}],\"role\":\"model\"},\"index\":1}]}\r\n\r\ndata: {\"error\":{\"code\":1}}\r\n\r\n", true)
	f.Add(`[{"candidates":[{"content":{"parts":[{"text":"a","thought":true},{"text":"b"}]},"finishReason":3}]},{"promptFeedback":{"blockReason":1}}]`, false)
	f.Add(`[{"candidates":[{"index":-9223372036854775808},{"index":"x"},7,{"content":7}]}]`, false)
	f.Fuzz(func(t *testing.T, body string, isSSE bool) {
		var a streamAssembler
		onChunk := func(data string) {
			_ = a.add(data)
			_ = readResponse(gjson.Parse(data))
			_, _ = errorObject(gjson.Parse(data))
		}
		if isSSE {
			p := sse.NewParser(1<<20, func(ev sse.Event) { onChunk(ev.Data) })
			_, _ = p.Write([]byte(body))
			p.Close()
		} else {
			sp := newArraySplitter(1<<20, onChunk)
			sp.Write([]byte(body))
		}
		if _, err := json.Marshal(a.response()); err != nil {
			t.Fatalf("assembled response does not encode: %v", err)
		}
		_ = a.text()
		_, _ = apiError(body)
		_, _ = usage(gjson.Parse(body))
		_ = chatTools(gjson.Parse(body))
	})
}
