package recordings

// The exchanges of cassettes/selftest.yaml. TestGenerateSelftestCassette serves them from
// a fake OpenAI server to write the cassette; the replay tests compare against them.

const selftestURL = "https://api.openai.com/v1/chat/completions"

// selftestFakeKey is the key the generator sends; scrubbing must keep it out of the cassette.
const selftestFakeKey = "sk-selftest-FAKE-0123456789abcdefghijklmnop"

// selftestFakeOrg is the organization id the generator sends.
const selftestFakeOrg = "org-SELFTESTFAKE0123456789abcd"

// selftestJokeRequest is sent twice; the model answered differently each time.
const selftestJokeRequest = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Tell me a one-line joke about Go."}],"temperature":1}`

const selftestJoke1 = `{
  "id": "chatcmpl-selftest0001",
  "object": "chat.completion",
  "created": 1732176000,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "Why did the gopher stop arguing? It had no generics to defend, and then it did.",
        "refusal": null
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 16,
    "completion_tokens": 19,
    "total_tokens": 35,
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
  "system_fingerprint": "fp_selftest"
}
`

const selftestJoke2 = `{
  "id": "chatcmpl-selftest0002",
  "object": "chat.completion",
  "created": 1732176002,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "I would tell you a joke about Go channels, but you might block waiting for the punchline.",
        "refusal": null
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 16,
    "completion_tokens": 20,
    "total_tokens": 36,
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
  "system_fingerprint": "fp_selftest"
}
`

const selftestStreamRequest = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"stream":true,"stream_options":{"include_usage":true}}`

// selftestStreamChunks are written and flushed one by one; their concatenation is the body.
var selftestStreamChunks = []string{
	"data: {\"id\":\"chatcmpl-selftest0003\",\"object\":\"chat.completion.chunk\",\"created\":1732176004,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_selftest\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
	"data: {\"id\":\"chatcmpl-selftest0003\",\"object\":\"chat.completion.chunk\",\"created\":1732176004,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_selftest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
	"data: {\"id\":\"chatcmpl-selftest0003\",\"object\":\"chat.completion.chunk\",\"created\":1732176004,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_selftest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
	"data: {\"id\":\"chatcmpl-selftest0003\",\"object\":\"chat.completion.chunk\",\"created\":1732176004,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_selftest\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
	"data: {\"id\":\"chatcmpl-selftest0003\",\"object\":\"chat.completion.chunk\",\"created\":1732176004,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_selftest\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n",
	"data: [DONE]\n\n",
}
