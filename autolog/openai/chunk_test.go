package openai

import (
	"fmt"
	"strings"
	"testing"
)

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

func (c *completionChunk) canon() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q created=%q model=%q fp=%q usage=%q choices=%d\n", c.ID, c.Created, c.Model, c.SystemFingerprint, c.Usage, len(c.Choices))
	for _, ch := range c.Choices {
		fmt.Fprintf(&b, " index=%d text=%q finish=%q/%v\n", ch.Index, ch.Text, ch.FinishReason, ch.HasFinish)
	}
	return b.String()
}

func TestReadChatChunk(t *testing.T) {
	const head = `id="chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG" created="1741570283" model="gpt-4o-2024-08-06" fp="fp_eb9dce56a8" tier="default"`
	cases := []struct {
		name, data, want string
	}{
		{
			"content delta",
			chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}`, ""),
			head + " usage=\"null\" choices=1\n index=0 finish=\"\"/false role=\"assistant\" content=\"\" refusal=\"\" calls=0\n",
		},
		{
			"tool call delta",
			chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"lo"}}]},"finish_reason":null}`, ""),
			head + " usage=\"null\" choices=1\n index=0 finish=\"\"/false role=\"\" content=\"\" refusal=\"\" calls=1\n" +
				"  call index=0/true id=\"call_a\" type=\"function\" name=\"get_weather\" args=\"{\\\"lo\"\n",
		},
		{
			"usage chunk",
			chatChunkJSON(``, `{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}`),
			head + " usage=\"{\\\"prompt_tokens\\\":19,\\\"completion_tokens\\\":10,\\\"total_tokens\\\":29}\" choices=0\n",
		},
		{
			"repeated keys: the last counts",
			`{"choices":[{"index":1,"delta":{"content":"a"}}],"choices":[{"delta":{"role":"x"}},null]}`,
			`id="" created="" model="" fp="" tier="" usage="" choices=2` + "\n" + ` index=0 finish=""/false role="x" content="" refusal="" calls=0` + "\n" +
				` index=0 finish=""/false role="" content="" refusal="" calls=0` + "\n",
		},
		{
			"null clears what is nullable",
			`{"choices":[{"finish_reason":"stop","finish_reason":null,"delta":{"function_call":{"name":"f"},"function_call":null,"function_call":{"arguments":"x"}}}]}`,
			`id="" created="" model="" fp="" tier="" usage="" choices=1` + "\n" + ` index=0 finish=""/false role="" content="" refusal="" calls=0 fn=""/"x"` + "\n",
		},
		{
			"a tool call without an index",
			`{"choices":[{"delta":{"tool_calls":[{"index":2,"index":null,"id":"b"}]}}]}`,
			`id="" created="" model="" fp="" tier="" usage="" choices=1` + "\n" + ` index=0 finish=""/false role="" content="" refusal="" calls=1` + "\n" +
				`  call index=0/false id="b" type="" name="" args=""` + "\n",
		},
		{
			"created as a string holding a number",
			`{"created":"17","id":null}`,
			`id="" created="17" model="" fp="" tier="" usage="" choices=0` + "\n",
		},
		{
			"escapes",
			`{"id":"\u00e9\ud83d\ude00","model":"a\"b\\c","choices":[]}`,
			`id="é😀" created="" model="a\"b\\c" fp="" tier="" usage="" choices=0` + "\n",
		},
	}
	var c chatChunk // reused, as a stream reuses it
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := readChatChunk(tc.data, &c); err != nil {
				t.Fatal(err)
			}
			if got := c.canon(); got != tc.want {
				t.Errorf("read:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestReadChunkRejectsMalformedChunks(t *testing.T) {
	for _, data := range []string{`[]`, `"x"`, `{"id":"a"} x`, `{"id":`, `{"created":NaN}`, ``,
		`{"created":" 1"}`, `{"created":true}`, `{"model":7}`, `{"choices":{}}`, `{"choices":[{"index":1.5}]}`,
		`{"choices":[{"index":"1"}]}`, `{"choices":["x"]}`,
	} {
		var c chatChunk
		if err := readChatChunk(data, &c); err == nil {
			t.Errorf("readChatChunk(%q) = nil error", data)
		}
		var cc completionChunk
		if err := readCompletionChunk(data, &cc); err == nil {
			t.Errorf("readCompletionChunk(%q) = nil error", data)
		}
	}
	for _, data := range []string{`{"choices":[{"delta":[]}]}`, `{"choices":[{"delta":{"content":1}}]}`,
		`{"choices":[{"delta":{"tool_calls":[{"index":"0"}]}}]}`, `{"choices":[{"delta":{"function_call":"f"}}]}`} {
		var c chatChunk
		if err := readChatChunk(data, &c); err == nil {
			t.Errorf("readChatChunk(%q) = nil error", data)
		}
	}
}

func TestReadCompletionChunk(t *testing.T) {
	var c completionChunk
	data := `{"id":"cmpl-1","object":"text_completion","created":1,"model":"gpt-3.5-turbo-instruct","choices":[{"text":"t","index":0,"finish_reason":"length"}],"usage":null}`
	if err := readCompletionChunk(data, &c); err != nil {
		t.Fatal(err)
	}
	want := `id="cmpl-1" created="1" model="gpt-3.5-turbo-instruct" fp="" usage="null" choices=1` + "\n" + ` index=0 text="t" finish="length"/true` + "\n"
	if got := c.canon(); got != want {
		t.Errorf("read:\n%s\nwant:\n%s", got, want)
	}
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
	var c chatChunk
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if err := readChatChunk(data, &c); err != nil {
			b.Fatal(err)
		}
	}
}
