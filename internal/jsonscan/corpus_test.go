package jsonscan

import "strings"

// chunk is a streamed chat.completion.chunk as OpenAI sends it (~300 bytes).
const chunk = `{"id":"chatcmpl-9xKz3b7Q1rNqLhT0pW2mYv8sD4eFa","object":"chat.completion.chunk","created":1724081234,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_2a322c9ffc","choices":[{"index":0,"delta":{"content":" lifecycle, including experimentation"},"logprobs":null,"finish_reason":null}],"usage":null}`

// lastChunk carries the finish reason and usage.
const lastChunk = `{"id":"chatcmpl-9xKz3b7Q1rNqLhT0pW2mYv8sD4eFa","object":"chat.completion.chunk","created":1724081234,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_2a322c9ffc","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":23,"completion_tokens":112,"total_tokens":135}}`

// toolChunk streams tool-call arguments, whose JSON is itself escaped.
const toolChunk = `{"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1724081234,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_Xy12","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Paris, FR\", \"unit\": \"c\\u00b0\"}"}}],"refusal":null},"logprobs":null,"finish_reason":null}]}`

// completion is a pretty-printed chat.completion response (~1 KB).
const completion = `{
  "id": "chatcmpl-9xKz3b7Q1rNqLhT0pW2mYv8sD4eFa",
  "object": "chat.completion",
  "created": 1724081234,
  "model": "gpt-4o-2024-08-06",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "MLflow is an open-source platform for managing the end-to-end machine learning lifecycle. It covers experiment tracking (logging parameters, metrics and artifacts), packaging code into reproducible runs, deploying models to a variety of serving environments, and a central model registry for versioning and stage transitions.\n\nIt is library-agnostic: you can use it with scikit-learn, PyTorch, TensorFlow, XGBoost, Hugging Face \"transformers\" and more.",
        "refusal": null
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 23,
    "completion_tokens": 112,
    "total_tokens": 135,
    "prompt_tokens_details": {
      "cached_tokens": 0,
      "audio_tokens": 0
    },
    "completion_tokens_details": {
      "reasoning_tokens": 0,
      "audio_tokens": 0,
      "accepted_prediction_tokens": 0,
      "rejected_prediction_tokens": 0
    }
  },
  "system_fingerprint": "fp_2a322c9ffc"
}
`

// messages is a chat request's message list.
const messages = `[
	{"role": "system", "content": "You are a helpful assistant. Answer in <= 3 sentences & cite sources."},
	{"role": "user", "content": [{"type": "text", "text": "What is in this image?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}]},
	{"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"cat\"}"}}]},
	{"role": "tool", "tool_call_id": "call_1", "content": "a tabby cat \u2014 \ud83d\udc31 sitting on a mat"}
]`

// seeds are the fuzz seeds shared by all fuzz tests: realistic payloads,
// escapes, surrogates, invalid UTF-8, deep nesting and broken input.
var seeds = []string{
	chunk, lastChunk, toolChunk, completion, messages,
	chunk[:150], completion[:500], messages[:200],
	`null`, ` null `, `true`, `false`, `0`, `-0`, `-0.0e+00`, `1E9`, `123.456e-7`, `01`, `-`, `1.`, `1e`, `.5`, `+1`,
	`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u0000\uFFFF"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00\ud83d"`,
	`"\ud83dx"`, `"\ud83d\u0041"`, `"\uD83D\uDE00\uD83D"`, "\"\xff\xfe\"", "\"\xed\xa0\x80\"", "\"caf\xc3\xa9\"",
	"\"a\x00b\"", "\"tab\there\"", `"\x"`, `"\u12g4"`, `"\'"`, `"abc`, `"`,
	`{}`, `[]`, `{ }`, `[ ]`, `{"a":1,"a":2}`, `{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{1:2}`, `[1 2]`, `{"a":1 "b":2}`,
	`{"k\u00e9y":"v","k\\":[1,{"x":null}]}`, "{\"\xff\":1}", `{"":""}`, "\t{\r\n\"a\" : [ true , false ] }\n",
	`[[[[[[[[[[]]]]]]]]]]`, `{"a":{"b":{"c":{"d":[{"e":[]}]}}}}`, `[{"a":[{"b":[{"c":1}]}]}]`,
	strings.Repeat("[", 300) + strings.Repeat("]", 300),
	strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70),
	`nul`, `tru`, `fals`, `nulll`, `truex`, `1 2`, ``, ` `, "\v1", `[1,2,3]x`,
	`<html>`, `{"html":"<a href=\"x\">&amp;</a>","ls":"\u2028\u2029"}`, "{\"raw\":\"\xe2\x80\xa8\"}",
}
