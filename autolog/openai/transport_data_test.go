package openai_test

// The programs and the hand-written OpenAI responses behind the cassettes of
// recordings/cassettes/openai/. TestGenerateOpenAICassettes serves the responses from a fake
// OpenAI server and records the programs' traffic through the recordings package; the
// tests replay the cassettes running the very same programs, so the requests match.
//
// The responses copy the real wire formats byte for byte in shape: field order, "object"
// values, id prefixes, system_fingerprint, usage with its details objects, SSE framing
// ("data: {...}\n\n", the usage chunk with "choices":[] before "data: [DONE]"), the
// Responses API event sequence with "event:" lines, and OpenAI's error bodies.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	openaigo "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	goopenai "github.com/sashabaranov/go-openai"
)

// apiBaseURL is where every client sends its requests; replay ignores the host, and the
// tracing transport names the provider after it.
const apiBaseURL = "https://api.openai.com/v1"

// azureEndpoint is the Azure OpenAI resource of the Azure cassette.
const azureEndpoint = "https://agentlens-demo.openai.azure.com"

// azureDeploymentName is the deployment the Azure requests go to.
const azureDeploymentName = "my-gpt4o"

// azureAPIVersion is the api-version query parameter of the Azure requests.
const azureAPIVersion = "2024-10-21"

// cassette names, under recordings/cassettes/.
const (
	cassChat            = "openai/chat"
	cassChatTools       = "openai/chat_tools"
	cassChatStream      = "openai/chat_stream"
	cassChatStreamTools = "openai/chat_stream_tools"
	cassCompletions     = "openai/completions"
	cassEmbeddings      = "openai/embeddings"
	cassResponses       = "openai/responses"
	cassResponsesStream = "openai/responses_stream"
	cassAzureChat       = "openai/azure_chat"
	cassError429        = "openai/error_429"
	cassError500        = "openai/error_500"
	cassError502        = "openai/error_502"
)

// goClient is a go-openai client for api.openai.com over rt.
func goClient(key string, rt http.RoundTripper) *goopenai.Client {
	cfg := goopenai.DefaultConfig(key)
	cfg.BaseURL = apiBaseURL
	cfg.HTTPClient = &http.Client{Transport: rt}
	return goopenai.NewClientWithConfig(cfg)
}

// azureClient is a go-openai client for the Azure resource over rt; every model maps to
// the one deployment.
func azureClient(key string, rt http.RoundTripper) *goopenai.Client {
	cfg := goopenai.DefaultAzureConfig(key, azureEndpoint)
	cfg.APIVersion = azureAPIVersion
	cfg.AzureModelMapperFunc = func(string) string { return azureDeploymentName }
	cfg.HTTPClient = &http.Client{Transport: rt}
	return goopenai.NewClientWithConfig(cfg)
}

// goClientOpts are the openai-go options of the Responses programs: rt as transport,
// api.openai.com, no retries. The tests add option.WithMiddleware.
func goClientOpts(key string, rt http.RoundTripper, extra ...option.RequestOption) []option.RequestOption {
	return append([]option.RequestOption{
		option.WithHTTPClient(&http.Client{Transport: rt}),
		option.WithBaseURL(apiBaseURL),
		option.WithAPIKey(key),
		option.WithMaxRetries(0),
	}, extra...)
}

// ---- chat ----

func chatRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: "You are a concise assistant."},
			{Role: goopenai.ChatMessageRoleUser, Content: "In one sentence, what is a goroutine?"},
		},
		Temperature:         0.2,
		MaxCompletionTokens: 60,
	}
}

func runChat(ctx context.Context, c *goopenai.Client) (goopenai.ChatCompletionResponse, error) {
	return c.CreateChatCompletion(ctx, chatRequest())
}

const chatResponse = `{
  "id": "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ",
  "object": "chat.completion",
  "created": 1755864012,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "A goroutine is a lightweight thread of execution managed by the Go runtime, started with the go keyword.",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 27,
    "completion_tokens": 22,
    "total_tokens": 49,
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
  "service_tier": "default",
  "system_fingerprint": "fp_560af6e559"
}
`

// ---- chat with tools: a two-call tool loop ----

const weatherToolSchema = `{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Paris, France"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"],"additionalProperties":false}`

func weatherTools() []goopenai.Tool {
	return []goopenai.Tool{{
		Type: goopenai.ToolTypeFunction,
		Function: &goopenai.FunctionDefinition{
			Name:        "get_weather",
			Description: "Get the current weather in a city",
			Parameters:  json.RawMessage(weatherToolSchema),
		},
	}}
}

// getWeather is the tool of the tool loop: a canned answer for the arguments the model gave.
func getWeather(_ context.Context, arguments string) (string, error) {
	var args struct {
		Location string `json:"location"`
		Unit     string `json:"unit"`
	}
	if err := json.Unmarshal([]byte(arguments), &args); err != nil {
		return "", fmt.Errorf("get_weather: bad arguments: %w", err)
	}
	return fmt.Sprintf(`{"location":%q,"temperature":18,"unit":%q,"condition":"partly cloudy"}`, args.Location, args.Unit), nil
}

// runToolLoop asks for the weather, runs the tool the model calls (through runTool), sends
// its result back and returns both responses.
func runToolLoop(ctx context.Context, c *goopenai.Client, runTool func(ctx context.Context, call goopenai.ToolCall) (string, error)) ([]goopenai.ChatCompletionResponse, error) {
	req := goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleUser, Content: "What's the weather like in Paris right now?"},
		},
		Tools: weatherTools(),
	}
	first, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		return nil, err
	}
	msg := first.Choices[0].Message
	req.Messages = append(req.Messages, msg)
	for _, call := range msg.ToolCalls {
		out, err := runTool(ctx, call)
		if err != nil {
			return nil, err
		}
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{
			Role: goopenai.ChatMessageRoleTool, Content: out, ToolCallID: call.ID,
		})
	}
	second, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		return nil, err
	}
	return []goopenai.ChatCompletionResponse{first, second}, nil
}

const toolCallResponse = `{
  "id": "chatcmpl-C7KyH4sVnP0dXq7LmB2wR9tZcE5uF",
  "object": "chat.completion",
  "created": 1755864075,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {
            "id": "call_Qd3mX8pLr2VtN6bY1sKfW9zH",
            "type": "function",
            "function": {
              "name": "get_weather",
              "arguments": "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"
            }
          }
        ],
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }
  ],
  "usage": {
    "prompt_tokens": 85,
    "completion_tokens": 21,
    "total_tokens": 106,
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
  "service_tier": "default",
  "system_fingerprint": "fp_560af6e559"
}
`

const toolAnswerResponse = `{
  "id": "chatcmpl-C7KyJ8wTbR1fYk3NcQ6vH0pXmA9sD",
  "object": "chat.completion",
  "created": 1755864077,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": "It's 18 °C and partly cloudy in Paris right now.",
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 131,
    "completion_tokens": 14,
    "total_tokens": 145,
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
  "service_tier": "default",
  "system_fingerprint": "fp_560af6e559"
}
`

// ---- streamed chat with usage ----

func chatStreamRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleUser, Content: "Write a haiku about Go channels."},
		},
		StreamOptions: &goopenai.StreamOptions{IncludeUsage: true},
	}
}

// runChatStream streams the haiku and returns the chunks received.
func runChatStream(ctx context.Context, c *goopenai.Client) ([]goopenai.ChatCompletionStreamResponse, error) {
	return drainChatStream(c.CreateChatCompletionStream(ctx, chatStreamRequest()))
}

func drainChatStream(s *goopenai.ChatCompletionStream, err error) ([]goopenai.ChatCompletionStreamResponse, error) {
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var out []goopenai.ChatCompletionStreamResponse
	for {
		ch, err := s.Recv()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ch)
	}
}

// chatChunk writes one chat.completion.chunk line as OpenAI frames it.
func chatChunk(id string, created int, choices, usage, obfuscation string) string {
	return `data: {"id":"` + id + `","object":"chat.completion.chunk","created":` + fmt.Sprint(created) +
		`,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[` +
		choices + `],"usage":` + usage + `,"obfuscation":"` + obfuscation + `"}` + "\n\n"
}

func contentDelta(s string) string {
	b, _ := json.Marshal(s)
	return `{"index":0,"delta":{"content":` + string(b) + `},"logprobs":null,"finish_reason":null}`
}

const (
	haikuID      = "chatcmpl-C7L0Fq2ZbXn8RkT4vWm1YsPd6HcJe"
	haikuCreated = 1755864150
	haikuText    = "Channels carry words,\ngoroutines wait their turn—\nclose brings quiet."
	haikuUsage   = `{"prompt_tokens":14,"completion_tokens":17,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
)

// chatStreamChunks are written and flushed one by one; their concatenation is the body.
var chatStreamChunks = func() []string {
	deltas := []string{"Channels", " carry", " words", ",\n", "gor", "outines", " wait", " their", " turn", "—\n", "close", " brings", " quiet", "."}
	obf := []string{"Xk3Lq9", "pR2m", "Zt7wQ", "a", "nB4v8", "Q1", "yT6sD", "kM0", "cW5r", "P", "J8hN", "fV2", "u9Gz", "Re3KdL0"}
	out := []string{chatChunk(haikuID, haikuCreated, `{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}`, "null", "H2dk9QwP")}
	for i, d := range deltas {
		out = append(out, chatChunk(haikuID, haikuCreated, contentDelta(d), "null", obf[i]))
	}
	out = append(out,
		chatChunk(haikuID, haikuCreated, `{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}`, "null", "vN3p"),
		chatChunk(haikuID, haikuCreated, "", haikuUsage, "Lw8Tq2Ys"),
		"data: [DONE]\n\n",
	)
	return out
}()

// ---- streamed tool calls: two parallel calls, arguments in pieces ----

func chatStreamToolsRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleUser, Content: "What's the weather in Paris and in Tokyo?"},
		},
		Tools:         weatherTools(),
		StreamOptions: &goopenai.StreamOptions{IncludeUsage: true},
	}
}

func runChatStreamTools(ctx context.Context, c *goopenai.Client) ([]goopenai.ChatCompletionStreamResponse, error) {
	return drainChatStream(c.CreateChatCompletionStream(ctx, chatStreamToolsRequest()))
}

const (
	streamToolsID      = "chatcmpl-C7L1bN5xWq8TzK2mRv4PfYd7HsJ0c"
	streamToolsCreated = 1755864210
	streamToolsUsage   = `{"prompt_tokens":88,"completion_tokens":52,"total_tokens":140,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
	parisCallID        = "call_Vb7nK2qXw9LtR4mZp1sYd8Hc"
	tokyoCallID        = "call_Ju3hF6tNq0PzW8kXr5vBm2Lg"
	parisArgs          = `{"location":"Paris, France","unit":"celsius"}`
	tokyoArgs          = `{"location":"Tokyo, Japan","unit":"celsius"}`
)

func toolCallDelta(first bool, index int, id, args string) string {
	a, _ := json.Marshal(args)
	if first {
		return fmt.Sprintf(`{"index":0,"delta":{"tool_calls":[{"index":%d,"id":"%s","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}`, index, id)
	}
	return fmt.Sprintf(`{"index":0,"delta":{"tool_calls":[{"index":%d,"function":{"arguments":%s}}]},"logprobs":null,"finish_reason":null}`, index, a)
}

var chatStreamToolsChunks = func() []string {
	c := func(choices, usage, obf string) string {
		return chatChunk(streamToolsID, streamToolsCreated, choices, usage, obf)
	}
	return []string{
		c(`{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"`+parisCallID+`","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}`, "null", "Kd8s"),
		c(toolCallDelta(false, 0, "", `{"lo`), "null", "mQ2xV7"),
		c(toolCallDelta(false, 0, "", `cation": "Paris`), "null", "T9"),
		c(toolCallDelta(false, 0, "", `, France", "unit`), "null", "bW4nZ"),
		c(toolCallDelta(false, 0, "", `": "celsius"}`), "null", "Hy1"),
		c(toolCallDelta(true, 1, tokyoCallID, ""), "null", "pL6c"),
		c(toolCallDelta(false, 1, "", `{"lo`), "null", "Ze3kR0"),
		c(toolCallDelta(false, 1, "", `cation": "Tokyo, Japan"`), "null", "q"),
		c(toolCallDelta(false, 1, "", `, "unit": "celsius"}`), "null", "Fv5Tn"),
		c(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}`, "null", "sA8d"),
		c("", streamToolsUsage, "Wm2Qp9Lx"),
		"data: [DONE]\n\n",
	}
}()

// The arguments as the stream spells them (spaces after the colons).
const (
	parisStreamArgs = `{"location": "Paris, France", "unit": "celsius"}`
	tokyoStreamArgs = `{"location": "Tokyo, Japan", "unit": "celsius"}`
)

// ---- legacy completions ----

func completionRequest() goopenai.CompletionRequest {
	return goopenai.CompletionRequest{
		Model:       "gpt-3.5-turbo-instruct",
		Prompt:      "Write a tagline for a Go tracing library:",
		MaxTokens:   24,
		Temperature: 0.7,
	}
}

func runCompletion(ctx context.Context, c *goopenai.Client) (goopenai.CompletionResponse, error) {
	return c.CreateCompletion(ctx, completionRequest())
}

const completionResponse = `{
  "id": "cmpl-C7L2cYx3KqP5tH2wZ8mN4vRbD6eFg",
  "object": "text_completion",
  "created": 1755864290,
  "model": "gpt-3.5-turbo-instruct:20230824-v2",
  "choices": [
    {
      "text": "\n\nSee every span, ship with confidence.",
      "index": 0,
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 10,
    "completion_tokens": 9,
    "total_tokens": 19
  }
}
`

// ---- embeddings: a batch of three ----

func embeddingRequest() goopenai.EmbeddingRequest {
	return goopenai.EmbeddingRequest{
		Input: []string{
			"Traces record every step of an agent.",
			"Spans nest under their parent.",
			"Token usage adds up per trace.",
		},
		Model:      goopenai.SmallEmbedding3,
		Dimensions: 8,
	}
}

func runEmbeddings(ctx context.Context, c *goopenai.Client) (goopenai.EmbeddingResponse, error) {
	return c.CreateEmbeddings(ctx, embeddingRequest())
}

var embeddingsResponse = func() string {
	vectors := [][]string{
		{"0.41837472", "-0.22650953", "0.09712861", "0.52461034", "-0.31095472", "0.18220413", "-0.48107246", "0.36612037"},
		{"0.27401966", "0.11873254", "-0.60925585", "0.33170897", "0.24560021", "-0.41638404", "0.08735561", "-0.43012455"},
		{"-0.15230412", "0.47981226", "0.29014662", "-0.38702828", "0.51166457", "0.06641288", "-0.27790564", "0.40125683"},
	}
	var b strings.Builder
	b.WriteString("{\n  \"object\": \"list\",\n  \"data\": [\n")
	for i, v := range vectors {
		fmt.Fprintf(&b, "    {\n      \"object\": \"embedding\",\n      \"index\": %d,\n      \"embedding\": [\n", i)
		for j, x := range v {
			sep := ","
			if j == len(v)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "        %s%s\n", x, sep)
		}
		b.WriteString("      ]\n    }")
		if i < len(vectors)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ],\n  \"model\": \"text-embedding-3-small\",\n  \"usage\": {\n    \"prompt_tokens\": 20,\n    \"total_tokens\": 20\n  }\n}\n")
	return b.String()
}()

// ---- Responses API (openai-go) ----

func responsesParams(input string) responses.ResponseNewParams {
	return responses.ResponseNewParams{
		Model:        openaigo.ChatModelGPT4oMini,
		Instructions: openaigo.String("Answer in one sentence."),
		Input:        responses.ResponseNewParamsInputUnion{OfString: openaigo.String(input)},
	}
}

const (
	responsesPlainInput  = "Give me one tip for writing idiomatic Go."
	responsesStreamInput = "Why does Go have no exceptions?"
)

func runResponses(ctx context.Context, opts ...option.RequestOption) (*responses.Response, error) {
	client := openaigo.NewClient(opts...)
	return client.Responses.New(ctx, responsesParams(responsesPlainInput))
}

// runResponsesStream streams a response and returns the events received.
func runResponsesStream(ctx context.Context, opts ...option.RequestOption) ([]responses.ResponseStreamEventUnion, error) {
	client := openaigo.NewClient(opts...)
	s := client.Responses.NewStreaming(ctx, responsesParams(responsesStreamInput))
	defer s.Close()
	var out []responses.ResponseStreamEventUnion
	for s.Next() {
		out = append(out, s.Current())
	}
	return out, s.Err()
}

// responseObject writes a Responses API response object the way the API orders it.
func responseObject(indent bool, id string, createdAt int, status, output, usage string) string {
	obj := `{"id":"` + id + `","object":"response","created_at":` + fmt.Sprint(createdAt) + `,"status":"` + status +
		`","background":false,"error":null,"incomplete_details":null,"instructions":"Answer in one sentence.","max_output_tokens":null,` +
		`"max_tool_calls":null,"model":"gpt-4o-mini-2024-07-18","output":` + output + `,"parallel_tool_calls":true,"previous_response_id":null,` +
		`"prompt_cache_key":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default","store":true,` +
		`"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_logprobs":0,` +
		`"top_p":1.0,"truncation":"disabled","usage":` + usage + `,"user":null,"metadata":{}}`
	if !indent {
		return obj
	}
	var b strings.Builder
	if err := jsonIndent(&b, obj); err != nil {
		panic(err)
	}
	return b.String() + "\n"
}

// jsonIndent indents JSON text like the API does, keeping numbers as written.
func jsonIndent(w io.Writer, text string) error {
	var v json.RawMessage = json.RawMessage(text)
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

const (
	respPlainID   = "resp_68a8c1f0d2b081a3b5e2c9d47f1a6e0b0c3d5e7f9a1b2c3d"
	respPlainMsg  = "msg_68a8c1f1a4e481a39c0d7e2b5f8a3c6d0c3d5e7f9a1b2c3d"
	respPlainText = "Handle errors explicitly where they occur instead of hiding them, and return them with added context."
	respPlainUse  = `{"input_tokens":27,"input_tokens_details":{"cached_tokens":0},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":47}`

	respStreamID      = "resp_68a8c2a7e5f081a2a1d4c7b09e3f5a2d0e4f6a8b1c3d5e7f"
	respStreamMsg     = "msg_68a8c2a83bd481a2b6e9f1c4d7a0b3e50e4f6a8b1c3d5e7f"
	respStreamCreated = 1755865767
	respStreamUse     = `{"input_tokens":25,"input_tokens_details":{"cached_tokens":0},"output_tokens":18,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":43}`
)

func outputMessage(id, status, text string) string {
	t, _ := json.Marshal(text)
	return `{"id":"` + id + `","type":"message","status":"` + status + `","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":` + string(t) + `}],"role":"assistant"}`
}

var responsesResponse = responseObject(true, respPlainID, 1755865620, "completed",
	"["+outputMessage(respPlainMsg, "completed", respPlainText)+"]", respPlainUse)

var respStreamDeltas = []string{"Go", " treats", " errors", " as", " ordinary", " values", ",", " so", " failures", " stay", " visible", " in", " the", " control", " flow", "."}

// responsesStreamEvents are the events of the streamed response, each framed with its
// "event:" line; their concatenation is the body.
var responsesStreamEvents = func() []string {
	text := strings.Join(respStreamDeltas, "")
	seq := 0
	ev := func(typ, rest string) string {
		s := "event: " + typ + "\ndata: {\"type\":\"" + typ + "\",\"sequence_number\":" + fmt.Sprint(seq) + "," + rest + "}\n\n"
		seq++
		return s
	}
	inProgress := responseObject(false, respStreamID, respStreamCreated, "in_progress", "[]", "null")
	textJSON, _ := json.Marshal(text)
	part := func(t string) string {
		b, _ := json.Marshal(t)
		return `{"type":"output_text","annotations":[],"logprobs":[],"text":` + string(b) + `}`
	}
	out := []string{
		ev("response.created", `"response":`+inProgress),
		ev("response.in_progress", `"response":`+inProgress),
		ev("response.output_item.added", `"output_index":0,"item":{"id":"`+respStreamMsg+`","type":"message","status":"in_progress","content":[],"role":"assistant"}`),
		ev("response.content_part.added", `"item_id":"`+respStreamMsg+`","output_index":0,"content_index":0,"part":`+part("")),
	}
	obf := []string{"p9Xk2LmQwE3rT", "bN7", "Vc4z", "Hq8sW1", "y", "R5tKd", "Zm0pLx2Qv9Ce", "Fj6", "u", "Tg2Nw", "sB8", "Lk3Pz", "Qd", "e7Yh", "Wm4", "Ja9Rc0Xv5Bn"}
	for i, d := range respStreamDeltas {
		b, _ := json.Marshal(d)
		out = append(out, ev("response.output_text.delta", `"item_id":"`+respStreamMsg+`","output_index":0,"content_index":0,"delta":`+string(b)+`,"logprobs":[],"obfuscation":"`+obf[i]+`"`))
	}
	out = append(out,
		ev("response.output_text.done", `"item_id":"`+respStreamMsg+`","output_index":0,"content_index":0,"text":`+string(textJSON)+`,"logprobs":[]`),
		ev("response.content_part.done", `"item_id":"`+respStreamMsg+`","output_index":0,"content_index":0,"part":`+part(text)),
		ev("response.output_item.done", `"output_index":0,"item":`+outputMessage(respStreamMsg, "completed", text)),
		ev("response.completed", `"response":`+responseObject(false, respStreamID, respStreamCreated, "completed", "["+outputMessage(respStreamMsg, "completed", text)+"]", respStreamUse)),
	)
	return out
}()

// ---- Azure OpenAI ----

func azureChatRequest() goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model: "gpt-4o",
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleUser, Content: "Name one Azure region in Europe."},
		},
	}
}

func runAzureChat(ctx context.Context, c *goopenai.Client) (goopenai.ChatCompletionResponse, error) {
	return c.CreateChatCompletion(ctx, azureChatRequest())
}

// azureRawURL is the URL of the Azure request sent without go-openai.
const azureRawURL = azureEndpoint + "/openai/deployments/" + azureDeploymentName + "/chat/completions?api-version=" + azureAPIVersion

// azureRawBody names no model: Azure takes it from the deployment.
const azureRawBody = `{"messages":[{"role":"user","content":"Name one Azure region in Asia."}],"max_tokens":20}`

// runAzureRaw sends azureRawBody with net/http, the way Azure's REST documentation does.
func runAzureRaw(ctx context.Context, key string, client *http.Client) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, azureRawURL, strings.NewReader(azureRawBody))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("api-key", key)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

const azureFilters = `{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}`

func azureResponse(id string, created int, content string, prompt, completion int) string {
	c, _ := json.Marshal(content)
	return `{"choices":[{"content_filter_results":` + azureFilters + `,"finish_reason":"stop","index":0,"logprobs":null,"message":{"annotations":[],"content":` + string(c) +
		`,"refusal":null,"role":"assistant"}}],"created":` + fmt.Sprint(created) + `,"id":"` + id + `","model":"gpt-4o-2024-11-20","object":"chat.completion",` +
		`"prompt_filter_results":[{"prompt_index":0,"content_filter_results":` + azureFilters + `}],"system_fingerprint":"fp_ee1d74bde0",` +
		`"usage":{"completion_tokens":` + fmt.Sprint(completion) + `,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":0,"rejected_prediction_tokens":0},` +
		`"prompt_tokens":` + fmt.Sprint(prompt) + `,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":` + fmt.Sprint(prompt+completion) + `}}` + "\n"
}

var (
	azureChatResponse = azureResponse("chatcmpl-C7L4nQ8vXk2TzR5mWb1PyHd9FsJ3e", 1755866001, "Sweden Central is one Azure region in Europe.", 14, 10)
	azureRawResponse  = azureResponse("chatcmpl-C7L4pA3sLm7VqN0xKd6RbWy2HtF8c", 1755866004, "Japan East is one Azure region in Asia.", 14, 10)
)

// ---- errors ----

func errorChatRequest(content string) goopenai.ChatCompletionRequest {
	return goopenai.ChatCompletionRequest{
		Model:    "gpt-4o-mini",
		Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: content}},
	}
}

const (
	prompt429 = "Summarise the Go memory model in one line."
	prompt500 = "List three uses of context.Context."
	prompt502 = "What does sync.Once do?"
)

const rateLimitMessage = "Rate limit reached for gpt-4o-mini in organization org-agentlensdemo on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more. You can increase your rate limit by adding a payment method to your account at https://platform.openai.com/account/billing."

const error429Body = `{
    "error": {
        "message": "` + rateLimitMessage + `",
        "type": "requests",
        "param": null,
        "code": "rate_limit_exceeded"
    }
}
`

const serverErrorMessage = "The server had an error while processing your request. Sorry about that!"

const error500Body = `{
    "error": {
        "message": "` + serverErrorMessage + `",
        "type": "server_error",
        "param": null,
        "code": null
    }
}
`

const error502Body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
