package openai

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/jsonscan"
)

// The chunk readers must read what encoding/json decodes into the structs below (the
// readers' former implementation), keys matched exactly. The fuzz tests compare the two.

type refChatChunk struct {
	ID                string          `json:"id"`
	Created           json.Number     `json:"created"`
	Model             string          `json:"model"`
	SystemFingerprint string          `json:"system_fingerprint"`
	ServiceTier       string          `json:"service_tier"`
	Choices           []refChatChoice `json:"choices"`
	Usage             json.RawMessage `json:"usage"`
}

type refChatChoice struct {
	Index        int     `json:"index"`
	FinishReason *string `json:"finish_reason"`
	Delta        struct {
		Role         string             `json:"role"`
		Content      string             `json:"content"`
		Refusal      string             `json:"refusal"`
		ToolCalls    []refToolCall      `json:"tool_calls"`
		FunctionCall *chatChunkFunction `json:"function_call"`
	} `json:"delta"`
}

type refToolCall struct {
	Index    *int   `json:"index"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type refCompletionChunk struct {
	ID                string          `json:"id"`
	Created           json.Number     `json:"created"`
	Model             string          `json:"model"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Usage             json.RawMessage `json:"usage"`
	Choices           []struct {
		Index        int     `json:"index"`
		Text         string  `json:"text"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
}

func (r *refChatChunk) canon() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q created=%q model=%q fp=%q tier=%q usage=%q choices=%d\n", r.ID, r.Created, r.Model, r.SystemFingerprint, r.ServiceTier, r.Usage, len(r.Choices))
	for _, ch := range r.Choices {
		fin, hasFin := "", ch.FinishReason != nil
		if hasFin {
			fin = *ch.FinishReason
		}
		d := ch.Delta
		fmt.Fprintf(&b, " index=%d finish=%q/%v role=%q content=%q refusal=%q calls=%d", ch.Index, fin, hasFin, d.Role, d.Content, d.Refusal, len(d.ToolCalls))
		if d.FunctionCall != nil {
			fmt.Fprintf(&b, " fn=%q/%q", d.FunctionCall.Name, d.FunctionCall.Arguments)
		}
		b.WriteString("\n")
		for _, tc := range d.ToolCalls {
			idx, hasIdx := 0, tc.Index != nil
			if hasIdx {
				idx = *tc.Index
			}
			fmt.Fprintf(&b, "  call index=%d/%v id=%q type=%q name=%q args=%q\n", idx, hasIdx, tc.ID, tc.Type, tc.Function.Name, tc.Function.Arguments)
		}
	}
	return b.String()
}

func (c *chatChunk) canon() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q created=%q model=%q fp=%q tier=%q usage=%q choices=%d\n", c.ID, c.Created, c.Model, c.SystemFingerprint, c.ServiceTier, c.Usage, len(c.Choices))
	for _, ch := range c.Choices {
		d := ch.Delta
		fmt.Fprintf(&b, " index=%d finish=%q/%v role=%q content=%q refusal=%q calls=%d", ch.Index, ch.FinishReason, ch.HasFinish, d.Role, d.Content, d.Refusal, len(d.ToolCalls))
		if d.HasFunctionCall {
			fmt.Fprintf(&b, " fn=%q/%q", d.FunctionCall.Name, d.FunctionCall.Arguments)
		}
		b.WriteString("\n")
		for _, tc := range d.ToolCalls {
			fmt.Fprintf(&b, "  call index=%d/%v id=%q type=%q name=%q args=%q\n", tc.Index, tc.HasIndex, tc.ID, tc.Type, tc.Function.Name, tc.Function.Arguments)
		}
	}
	return b.String()
}

func (r *refCompletionChunk) canon() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q created=%q model=%q fp=%q usage=%q choices=%d\n", r.ID, r.Created, r.Model, r.SystemFingerprint, r.Usage, len(r.Choices))
	for _, ch := range r.Choices {
		fin, hasFin := "", ch.FinishReason != nil
		if hasFin {
			fin = *ch.FinishReason
		}
		fmt.Fprintf(&b, " index=%d text=%q finish=%q/%v\n", ch.Index, ch.Text, fin, hasFin)
	}
	return b.String()
}

func (c *completionChunk) canon() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q created=%q model=%q fp=%q usage=%q choices=%d\n", c.ID, c.Created, c.Model, c.SystemFingerprint, c.Usage, len(c.Choices))
	for _, ch := range c.Choices {
		fmt.Fprintf(&b, " index=%d text=%q finish=%q/%v\n", ch.Index, ch.Text, ch.FinishReason, ch.HasFinish)
	}
	return b.String()
}

// chunkFields are the keys the readers know.
var chunkFields = []string{"id", "created", "model", "system_fingerprint", "service_tier", "choices", "usage",
	"index", "finish_reason", "delta", "role", "content", "refusal", "tool_calls", "function_call",
	"type", "function", "name", "arguments", "text"}

// foldedKey reports whether a JSON value has a key that encoding/json would match to a known
// field case-insensitively but the readers (exact matching) would not. Every member counts,
// a repeated key's earlier ones too (encoding/json decodes them all).
func foldedKey(data string) bool {
	if !jsonscan.Valid(data) {
		return false
	}
	found := false
	var walk func(v string)
	walk = func(v string) {
		switch jsonscan.KindOf(v) {
		case jsonscan.KindObject:
			_ = jsonscan.Object(v, func(k, x string) bool {
				for _, f := range chunkFields {
					found = found || (k != f && strings.EqualFold(k, f))
				}
				walk(x)
				return !found
			})
		case jsonscan.KindArray:
			_ = jsonscan.Array(v, func(x string) bool { walk(x); return !found })
		}
	}
	v, _, _ := jsonscan.Next(data)
	walk(v)
	return found
}

var chunkSeeds = []string{
	chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}`, ""),
	chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"lo"}}]},"finish_reason":null}`, ""),
	chatChunkJSON(``, `{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}`),
	`{"choices":[{"index":1,"delta":{"content":"a"}}],"choices":[{"delta":{"role":"x"}},null]}`,
	`{"choices":[{"finish_reason":"stop","finish_reason":null,"delta":{"function_call":{"name":"f"},"function_call":null,"function_call":{"arguments":"x"}}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"index":2,"index":null,"function":null}],"tool_calls":[{"id":"b"}]}}]}`,
	`{"created":"17","id":null,"usage":null}`, `{"created":""}`, `{"created":" 1"}`, `{"created":true}`,
	`{"choices":[{"index":1.0}]}`, `{"choices":[{"index":-0}]}`, `{"choices":[{"index":"1"}]}`, `{"choices":{}}`,
	`{"choices":[{"delta":[]}]}`, `{"choices":[{"delta":{"content":1}}]}`, `{"choices":[{"text":"t","finish_reason":"length"}]}`,
	`{"id":"\u00e9\ud83d\ude00","model":"a\"b\\c","choices":[]}`, "{\"id\":\"\xff\"}", `  null `, `[]`, `"x"`, `{"id":"a"} x`,
	`{"ID":"upper"}`, `{"\u0069d":"escaped key"}`,
	`{"choices":[{"indeX":1}],"choices":[{},null]}`, // a folded key in a repeated key's earlier value
}

// canoner renders a decoded chunk for comparison.
type canoner interface{ canon() string }

// fuzzChunkReader compares read, which reads into got (reused across inputs, as a stream
// reuses it), with encoding/json decoding into a fresh ref.
func fuzzChunkReader[R any, PR interface {
	*R
	canoner
}](f *testing.F, got canoner, read func(string) error) {
	for _, s := range chunkSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if foldedKey(data) {
			t.Skip("a key only case-insensitive matching reads")
		}
		ref := PR(new(R))
		refErr := json.Unmarshal([]byte(data), ref)
		err := read(data)
		if (refErr == nil) != (err == nil) {
			t.Fatalf("%q: encoding/json error %v, reader error %v", data, refErr, err)
		}
		if err == nil && ref.canon() != got.canon() {
			t.Fatalf("%q:\nencoding/json:\n%s\nreader:\n%s", data, ref.canon(), got.canon())
		}
	})
}

func FuzzReadChatChunk(f *testing.F) {
	var c chatChunk
	fuzzChunkReader[refChatChunk](f, &c, func(data string) error { return readChatChunk(data, &c) })
}

func FuzzReadCompletionChunk(f *testing.F) {
	var c completionChunk
	fuzzChunkReader[refCompletionChunk](f, &c, func(data string) error { return readCompletionChunk(data, &c) })
}

// TestReadChatChunkAllocs pins reading a typical chunk into reused space at no allocation.
func TestReadChatChunkAllocs(t *testing.T) {
	data := chatChunkJSON(`{"index":0,"delta":{"content":" Hello"},"logprobs":null,"finish_reason":null}`, "")
	var c chatChunk
	if err := readChatChunk(data, &c); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = readChatChunk(data, &c) }); n != 0 {
		t.Errorf("%v allocations per chunk, want 0", n)
	}
	if c.Choices[0].Delta.Content != " Hello" || c.Model != "gpt-4o-2024-08-06" {
		t.Errorf("read %s", c.canon())
	}
}

func BenchmarkReadChatChunk(b *testing.B) {
	data := chatChunkJSON(`{"index":0,"delta":{"content":" Hello"},"logprobs":null,"finish_reason":null}`, "")
	b.Run("reader", func(b *testing.B) {
		var c chatChunk
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if err := readChatChunk(data, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			var c refChatChunk
			if err := json.Unmarshal([]byte(data), &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
