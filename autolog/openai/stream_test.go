package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/internal/sse"
)

// streamCanon returns the canonical JSON text of a JSON value (keys sorted, numbers as
// written), failing the test when v is not representable.
func streamCanon(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	var back any
	if err := decodeStreamJSON(b, &back); err != nil {
		t.Fatalf("re-decode %s: %v", b, err)
	}
	out, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// streamCanonText is streamCanon for JSON text.
func streamCanonText(t testing.TB, s string) string {
	t.Helper()
	var v any
	if err := decodeStreamJSON([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return streamCanon(t, v)
}

// chatChunkJSON writes a chat.completion.chunk the way OpenAI does.
func chatChunkJSON(choices, usage string) string {
	if usage == "" {
		usage = "null"
	}
	return `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,` +
		`"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[` +
		choices + `],"usage":` + usage + `}`
}

func TestChatStream(t *testing.T) {
	const head = `"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,` +
		`"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8"`
	const usage = `{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
	tests := []struct {
		name   string
		chunks []string
		errs   int // chunks expected to be rejected
		want   string
	}{
		{
			name: "content with usage chunk",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"content":"! How"},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"content":" can I help?"},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}`, ""),
				chatChunkJSON(``, usage),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"finish_reason":"stop"}],"usage":` + usage + `}`,
		},
		{
			name: "two parallel tool calls interleaved",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"lo"}}]},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":"}}]},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\": \"Paris\"}"}}]},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \"CET\"}"}}]},"logprobs":null,"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}`, ""),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[` +
				`{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Paris\"}"}},` +
				`{"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"tz\": \"CET\"}"}}]},"finish_reason":"tool_calls"}]}`,
		},
		{
			name: "tool call indices arrive out of order",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"b","arguments":"{}"}},{"index":0,"id":"call_a","function":{"name":"a","arguments":"{"}}]}}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]},"finish_reason":"tool_calls"}`, ""),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[` +
				`{"id":"call_a","type":"function","function":{"name":"a","arguments":"{}"}},` +
				`{"id":"call_b","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`,
		},
		{
			name: "tool call deltas without index (compatible servers)",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"call_a","type":"function","function":{"name":"a","arguments":"{\"x\":"}}]}}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]}}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"id":"call_b","type":"function","function":{"name":"b","arguments":"{}"}}]}}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"tool_calls":[{"id":"call_b","function":{"name":"b","arguments":""}}]},"finish_reason":"tool_calls"}`, ""),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[` +
				`{"id":"call_a","type":"function","function":{"name":"a","arguments":"{\"x\":1}"}},` +
				`{"id":"call_b","type":"function","function":{"name":"b","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`,
		},
		{
			name: "legacy function_call",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":""}},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"function_call":{"arguments":"{\"city\":"}},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"function_call":{"arguments":"\"Oslo\"}"}},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"finish_reason":"function_call"}`, ""),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}},"finish_reason":"function_call"}]}`,
		},
		{
			name: "n=2 choices interleaved",
			chunks: []string{
				chatChunkJSON(`{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"content":"Red"},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":1,"delta":{"content":"Blue"},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":1,"delta":{"content":" sky"},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"content":" sun"},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":1,"delta":{},"finish_reason":"stop"}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"finish_reason":"length"}`, ""),
				chatChunkJSON(``, `{"prompt_tokens":8,"completion_tokens":4,"total_tokens":12}`),
			},
			want: `{` + head + `,"choices":[` +
				`{"index":0,"message":{"role":"assistant","content":"Red sun"},"finish_reason":"length"},` +
				`{"index":1,"message":{"role":"assistant","content":"Blue sky"},"finish_reason":"stop"}],` +
				`"usage":{"prompt_tokens":8,"completion_tokens":4,"total_tokens":12}}`,
		},
		{
			name: "refusal",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"refusal":"I'm sorry, "},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{"refusal":"I can't help with that."},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"finish_reason":"stop"}`, ""),
			},
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"stop"}]}`,
		},
		{
			name: "malformed chunks in the middle are skipped",
			chunks: []string{
				chatChunkJSON(`{"index":0,"delta":{"role":"assistant","content":"A"},"finish_reason":null}`, ""),
				`{"id":"chatcmpl-x","choices":[{"index":0,"delta":{"content":"LOST`,                    // cut off
				chatChunkJSON(`{"index":"zero","delta":{"content":"LOST"},"finish_reason":null}`, ""),  // wrong type
				chatChunkJSON(`{"index":0,"delta":{"content":"LOST"},"finish_reason":null}`, "") + `x`, // trailing garbage
				`[DONE]`,
				`null`,
				chatChunkJSON(`{"index":0,"delta":{"content":"B"},"finish_reason":null}`, ""),
				chatChunkJSON(`{"index":0,"delta":{},"finish_reason":"stop"}`, ""),
			},
			errs: 4,
			want: `{` + head + `,"choices":[{"index":0,"message":{"role":"assistant","content":"AB"},"finish_reason":"stop"}]}`,
		},
		{
			name: "role from the deltas, finish_reason null until the end",
			chunks: []string{
				`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"developer","content":"x"},"finish_reason":null}]}`,
				`{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"y"},"finish_reason":""}]}`,
			},
			want: `{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"developer","content":"xy"},"finish_reason":null}]}`,
		},
		{
			name: "system_fingerprint from any chunk, exact big numbers",
			chunks: []string{
				`{"id":"c2","created":9007199254740993,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"x"}}]}`,
				`{"id":"c2","created":9007199254740993,"model":"m","system_fingerprint":"fp_1","choices":[],"usage":{"prompt_tokens":9007199254740993,"completion_tokens":1,"total_tokens":9007199254740994}}`,
			},
			want: `{"id":"c2","object":"chat.completion","created":9007199254740993,"model":"m","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":null}],` +
				`"usage":{"prompt_tokens":9007199254740993,"completion_tokens":1,"total_tokens":9007199254740994}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s chatStream
			errs := 0
			for _, c := range tt.chunks {
				if err := s.add("", c); err != nil {
					errs++
				}
			}
			if errs != tt.errs {
				t.Errorf("%d chunks rejected, want %d", errs, tt.errs)
			}
			if s.chunks() != len(tt.chunks)-tt.errs {
				t.Errorf("chunks() = %d, want %d", s.chunks(), len(tt.chunks)-tt.errs)
			}
			got, want := streamCanon(t, s.response()), streamCanonText(t, tt.want)
			if got != want {
				t.Fatalf("response\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestChatStreamEmpty(t *testing.T) {
	var s chatStream
	if r := s.response(); r != nil || s.chunks() != 0 {
		t.Fatalf("empty stream: %v, %d chunks", r, s.chunks())
	}
	if s.add("", `{"choices":[`) == nil {
		t.Fatal("malformed chunk accepted")
	}
	if r := s.response(); r != nil {
		t.Fatalf("after a malformed chunk only: %v", r)
	}
}

func TestChatStreamExactNumbers(t *testing.T) {
	var s chatStream
	for _, c := range []string{
		chatChunkJSON(`{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}`, ""),
		chatChunkJSON(``, `{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}`),
	} {
		if err := s.add("", c); err != nil {
			t.Fatal(err)
		}
	}
	r := s.response()
	if r["created"] != json.Number("1741570283") {
		t.Fatalf("created = %#v", r["created"])
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"created":1741570283,`)) || !bytes.Contains(b, []byte(`"total_tokens":29}`)) {
		t.Fatalf("numbers not kept exact: %s", b)
	}
	if in, out, total, ok := usageOf(r); !ok || in != 19 || out != 10 || total != 29 {
		t.Fatalf("usageOf = %d %d %d %v", in, out, total, ok)
	}
}

// TestChatStreamRealFixtures assembles every streamed chat completion of the real
// recordings langchaingo's module ships (fed through the SSE parser in uneven pieces) and
// checks the content and usage against what the test computes from the raw chunks on its own.
func TestChatStreamRealFixtures(t *testing.T) {
	root, err := httprr.LangchaingoDir()
	if err != nil {
		t.Fatal(err)
	}
	exchanges, err := httprr.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, x := range exchanges {
		if !strings.HasSuffix(x.Request.URL.Path, "/chat/completions") {
			continue
		}
		var reqBody struct {
			Stream bool `json:"stream"`
		}
		if json.Unmarshal(x.RequestBody, &reqBody) != nil || !reqBody.Stream {
			continue
		}
		seen++
		t.Run(fmt.Sprintf("%s#%d", x.File, x.Index), func(t *testing.T) {
			// Independently: the data lines, their deltas and the usage chunk.
			var (
				wantContent = map[int]string{}
				wantFinish  = map[int]any{}
				wantUsage   any
				first       map[string]any
			)
			for _, line := range strings.Split(string(x.ResponseBody), "\n") {
				payload, ok := strings.CutPrefix(line, "data: ")
				if !ok || payload == "[DONE]" {
					continue
				}
				var chunk map[string]any
				if err := decodeStreamJSON([]byte(payload), &chunk); err != nil {
					t.Fatalf("recorded chunk: %v", err)
				}
				if first == nil {
					first = chunk
				}
				if u := chunk["usage"]; u != nil {
					wantUsage = u
				}
				for _, c := range chunk["choices"].([]any) {
					c := c.(map[string]any)
					idx, _ := c["index"].(json.Number).Int64()
					if s, ok := c["delta"].(map[string]any)["content"].(string); ok {
						wantContent[int(idx)] += s
					}
					if f := c["finish_reason"]; f != nil {
						wantFinish[int(idx)] = f
					}
				}
			}
			if len(wantContent) == 0 || wantContent[0] == "" {
				t.Fatal("no content in the recorded stream")
			}

			var s chatStream
			var addErr error
			p := sse.NewParser(0, func(ev sse.Event) {
				if ev.Data == "[DONE]" {
					return
				}
				if err := s.add("", ev.Data); err != nil && addErr == nil {
					addErr = err
				}
			})
			for i, b := 0, x.ResponseBody; len(b) > 0; i++ {
				n := min(len(b), 1+(i*37)%113)
				p.Write(b[:n])
				b = b[n:]
			}
			p.Close()
			if addErr != nil {
				t.Fatal(addErr)
			}
			r := s.response()
			choices := r["choices"].([]any)
			if len(choices) != len(wantContent) {
				t.Fatalf("%d choices, want %d", len(choices), len(wantContent))
			}
			for _, c := range choices {
				c := c.(map[string]any)
				idx := c["index"].(int)
				msg := c["message"].(map[string]any)
				if msg["content"] != wantContent[idx] {
					t.Errorf("choice %d content\n got %q\nwant %q", idx, msg["content"], wantContent[idx])
				}
				if c["finish_reason"] != wantFinish[idx] {
					t.Errorf("choice %d finish_reason %v, want %v", idx, c["finish_reason"], wantFinish[idx])
				}
				if msg["role"] != "assistant" {
					t.Errorf("role %v", msg["role"])
				}
			}
			if !reflect.DeepEqual(r["usage"], wantUsage) {
				t.Errorf("usage %v, want %v", r["usage"], wantUsage)
			}
			for _, k := range []string{"id", "model", "created"} {
				if r[k] != first[k] {
					t.Errorf("%s = %#v, want %#v", k, r[k], first[k])
				}
			}
			if wantUsage != nil {
				in, out, total, ok := usageOf(r)
				u := wantUsage.(map[string]any)
				if !ok || fmt.Sprintf("%v %v %v", in, out, total) != fmt.Sprintf("%v %v %v", u["prompt_tokens"], u["completion_tokens"], u["total_tokens"]) {
					t.Errorf("usageOf = %d %d %d %v, recorded %v", in, out, total, ok, u)
				}
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		})
	}
	if seen == 0 {
		t.Skip("no streamed chat completions in the real fixtures")
	}
}

func TestCompletionStream(t *testing.T) {
	chunk := func(choices, usage string) string {
		s := `{"id":"cmpl-9qGXvB5nQx2Ms8w1sd0VbKcTfXyZ","object":"text_completion","created":1722325455,"choices":[` + choices +
			`],"model":"gpt-3.5-turbo-instruct","system_fingerprint":null`
		if usage != "" {
			s += `,"usage":` + usage
		}
		return s + `}`
	}
	tests := []struct {
		name   string
		chunks []string
		errs   int
		want   string
	}{
		{
			name: "text with usage",
			chunks: []string{
				chunk(`{"text":"\n\n","index":0,"logprobs":null,"finish_reason":null}`, ""),
				chunk(`{"text":"This","index":0,"logprobs":null,"finish_reason":null}`, ""),
				chunk(`{"text":" is a test","index":0,"logprobs":null,"finish_reason":null}`, ""),
				chunk(`{"text":".","index":0,"logprobs":null,"finish_reason":null}`, ""),
				chunk(`{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}`, ""),
				chunk(``, `{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}`),
			},
			want: `{"id":"cmpl-9qGXvB5nQx2Ms8w1sd0VbKcTfXyZ","object":"text_completion","created":1722325455,"model":"gpt-3.5-turbo-instruct",` +
				`"choices":[{"index":0,"text":"\n\nThis is a test.","finish_reason":"stop","logprobs":null}],` +
				`"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`,
		},
		{
			name: "n=2 without usage, malformed chunk skipped",
			chunks: []string{
				chunk(`{"text":"A","index":1,"logprobs":null,"finish_reason":null}`, ""),
				chunk(`{"text":"B","index":0,"logprobs":null,"finish_reason":null}`, ""),
				`{"id":"cmpl-9qGXvB5nQx2Ms8w1sd0VbKcTfXyZ","choices":[{"text":7}]}`,
				chunk(`{"text":"b","index":0,"logprobs":null,"finish_reason":"length"}`, ""),
				chunk(`{"text":"a","index":1,"logprobs":null,"finish_reason":"length"}`, ""),
			},
			errs: 1,
			want: `{"id":"cmpl-9qGXvB5nQx2Ms8w1sd0VbKcTfXyZ","object":"text_completion","created":1722325455,"model":"gpt-3.5-turbo-instruct",` +
				`"choices":[{"index":0,"text":"Bb","finish_reason":"length","logprobs":null},{"index":1,"text":"Aa","finish_reason":"length","logprobs":null}]}`,
		},
		{
			name:   "cut off before the finish",
			chunks: []string{chunk(`{"text":"Once","index":0,"logprobs":null,"finish_reason":null}`, "")},
			want: `{"id":"cmpl-9qGXvB5nQx2Ms8w1sd0VbKcTfXyZ","object":"text_completion","created":1722325455,"model":"gpt-3.5-turbo-instruct",` +
				`"choices":[{"index":0,"text":"Once","finish_reason":null,"logprobs":null}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s completionStream
			errs := 0
			for _, c := range tt.chunks {
				if err := s.add("", c); err != nil {
					errs++
				}
			}
			if errs != tt.errs || s.chunks() != len(tt.chunks)-tt.errs {
				t.Errorf("%d rejected, %d chunks", errs, s.chunks())
			}
			if got, want := streamCanon(t, s.response()), streamCanonText(t, tt.want); got != want {
				t.Fatalf("response\n got %s\nwant %s", got, want)
			}
		})
	}
	var empty completionStream
	if empty.response() != nil {
		t.Fatal("empty stream has a response")
	}
}

// responsesSSE writes a Responses API stream as the server sends it: every event with its
// "event:" name line and a JSON data line carrying the same "type".
func responsesSSE(events ...string) string {
	var b strings.Builder
	for i, e := range events {
		var probe struct {
			Type string `json:"type"`
		}
		json.Unmarshal([]byte(e), &probe)
		// The sequence numbers are added here to keep the test data readable.
		e = strings.Replace(e, `{"type":"`+probe.Type+`"`, fmt.Sprintf(`{"type":"%s","sequence_number":%d`, probe.Type, i), 1)
		fmt.Fprintf(&b, "event: %s\ndata: %s\n\n", probe.Type, e)
	}
	return b.String()
}

const (
	respID     = "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"
	msgID      = "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b"
	respCommon = `"object":"response","created_at":1741476542,"error":null,"incomplete_details":null,` +
		`"instructions":null,"max_output_tokens":null,"model":"gpt-4.1-2025-04-14","parallel_tool_calls":true,` +
		`"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,` +
		`"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","user":null,"metadata":{}`
	respInProgress = `{"id":"` + respID + `",` + respCommon + `,"status":"in_progress","output":[],"usage":null}`
	respOutputText = `In a peaceful grove beneath a silver moon, a unicorn named Lumina discovered a hidden pool.`
	respMessage    = `{"id":"` + msgID + `","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"` + respOutputText + `","annotations":[]}]}`
	respCompleted  = `{"id":"` + respID + `",` + respCommon + `,"status":"completed","output":[` + respMessage + `],` +
		`"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}`
)

// responsesEvents is a complete streamed Responses API call.
func responsesEvents() []string {
	evs := []string{
		`{"type":"response.created","response":` + respInProgress + `}`,
		`{"type":"response.in_progress","response":` + respInProgress + `}`,
		`{"type":"response.output_item.added","output_index":0,"item":{"id":"` + msgID + `","type":"message","status":"in_progress","role":"assistant","content":[]}}`,
		`{"type":"response.content_part.added","item_id":"` + msgID + `","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}`,
	}
	for _, piece := range []string{"In a peaceful grove", " beneath a silver moon", ", a unicorn named Lumina", " discovered a hidden pool."} {
		evs = append(evs, `{"type":"response.output_text.delta","item_id":"`+msgID+`","output_index":0,"content_index":0,"delta":"`+piece+`"}`)
	}
	return append(evs,
		`{"type":"response.output_text.done","item_id":"`+msgID+`","output_index":0,"content_index":0,"text":"`+respOutputText+`"}`,
		`{"type":"response.content_part.done","item_id":"`+msgID+`","output_index":0,"content_index":0,"part":{"type":"output_text","text":"`+respOutputText+`","annotations":[]}}`,
		`{"type":"response.output_item.done","output_index":0,"item":`+respMessage+`}`,
		`{"type":"response.completed","response":`+respCompleted+`}`,
	)
}

// feedResponses parses an SSE text into a responsesStream, returning the add errors.
func feedResponses(t *testing.T, s *responsesStream, text string) []error {
	t.Helper()
	var errs []error
	p := sse.NewParser(0, func(ev sse.Event) {
		if err := s.add(ev.Event, ev.Data); err != nil {
			errs = append(errs, err)
		}
	})
	for i := 0; i < len(text); i += 50 {
		p.Write([]byte(text[i:min(i+50, len(text))]))
	}
	p.Close()
	return errs
}

func TestResponsesStream(t *testing.T) {
	inProgressOut := func(text string) string {
		out := `[]`
		if text != "" {
			out = `[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"` + text + `"}]}]`
		}
		return `{"id":"` + respID + `","object":"response","model":"gpt-4.1-2025-04-14","status":"in_progress","output":` + out + `}`
	}
	all := responsesEvents()
	failedResp := strings.Replace(strings.Replace(respInProgress, `"status":"in_progress"`, `"status":"failed"`, 1),
		`"error":null`, `"error":{"code":"server_error","message":"The model failed to generate a response."}`, 1)
	incompleteResp := strings.Replace(strings.Replace(respCompleted, `"status":"completed"`, `"status":"incomplete"`, 1),
		`"incomplete_details":null`, `"incomplete_details":{"reason":"max_output_tokens"}`, 1)
	tests := []struct {
		name       string
		events     []string
		errs       int
		want       string
		failed     bool
		failTyp    string
		failMsg    string
		wantStatus string
	}{
		{name: "completed", events: all, want: respCompleted, wantStatus: "completed"},
		{name: "cut off after two deltas", events: all[:6], want: inProgressOut("In a peaceful grove beneath a silver moon"), wantStatus: "in_progress"},
		{name: "cut off before any text", events: all[:2], want: inProgressOut(""), wantStatus: "in_progress"},
		{name: "cut off without response.created", events: all[4:6],
			want: `{"id":null,"object":"response","model":null,"status":"in_progress","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"In a peaceful grove beneath a silver moon"}]}]}`, wantStatus: "in_progress"},
		{name: "incomplete", events: append(append([]string{}, all[:len(all)-1]...), `{"type":"response.incomplete","response":`+incompleteResp+`}`),
			want: incompleteResp, wantStatus: "incomplete"},
		{name: "failed", events: append(append([]string{}, all[:3]...), `{"type":"response.failed","response":`+failedResp+`}`),
			want: failedResp, wantStatus: "failed", failed: true, failTyp: "server_error", failMsg: "The model failed to generate a response."},
		{name: "error event", events: append(append([]string{}, all[:5]...), `{"type":"error","code":"ERR_SOMETHING","message":"Something went wrong","param":null}`),
			want: inProgressOut("In a peaceful grove"), wantStatus: "in_progress", failed: true, failTyp: "ERR_SOMETHING", failMsg: "Something went wrong"},
		{name: "error event with an error object", events: append(append([]string{}, all[:2]...), `{"type":"error","error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Too long.","param":"input"}}`),
			want: inProgressOut(""), wantStatus: "in_progress", failed: true, failTyp: "invalid_request_error", failMsg: "Too long."},
		{name: "malformed events skipped", events: append(append([]string{all[0], `{"type":"response.output_text.delta","delta":"x"`, `{"type":7}`,
			`{"type":"response.completed","response":[1]}`}, all[1:6]...), `{"type":"response.output_text.delta","delta":"LOST"} x`),
			errs: 4, want: inProgressOut("In a peaceful grove beneath a silver moon"), wantStatus: "in_progress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s responsesStream
			errs := feedResponses(t, &s, responsesSSE(tt.events...))
			if len(errs) != tt.errs || s.chunks() != len(tt.events)-tt.errs {
				t.Errorf("errors %v, %d chunks", errs, s.chunks())
			}
			r := s.response()
			if got, want := streamCanon(t, r), streamCanonText(t, tt.want); got != want {
				t.Fatalf("response\n got %s\nwant %s", got, want)
			}
			if r["status"] != tt.wantStatus {
				t.Errorf("status %v", r["status"])
			}
			typ, msg, failed := s.failed()
			if failed != tt.failed || typ != tt.failTyp || msg != tt.failMsg {
				t.Errorf("failed() = %q, %q, %v", typ, msg, failed)
			}
		})
	}

	t.Run("usage and exact numbers of the completed response", func(t *testing.T) {
		var s responsesStream
		feedResponses(t, &s, responsesSSE(all...))
		r := s.response()
		if in, out, total, ok := usageOf(r); !ok || in != 36 || out != 87 || total != 123 {
			t.Fatalf("usageOf = %d %d %d %v", in, out, total, ok)
		}
		if r["created_at"] != json.Number("1741476542") {
			t.Fatalf("created_at = %#v", r["created_at"])
		}
	})
	t.Run("event name used when data has no type", func(t *testing.T) {
		var s responsesStream
		if err := s.add("response.output_text.delta", `{"delta":"hi"}`); err != nil {
			t.Fatal(err)
		}
		if err := s.add("response.completed", `{"response":{"id":"r","status":"completed"}}`); err != nil {
			t.Fatal(err)
		}
		if got := streamCanon(t, s.response()); got != `{"id":"r","status":"completed"}` {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("empty", func(t *testing.T) {
		var s responsesStream
		if s.response() != nil {
			t.Fatal("response before any event")
		}
		if _, _, failed := s.failed(); failed {
			t.Fatal("failed before any event")
		}
	})
}
