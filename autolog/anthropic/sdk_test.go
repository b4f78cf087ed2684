package anthropic_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/anthropic"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// The exact trees of the cases, made with anthropic-sdk-go (v2) against the fake
// Messages API.

func question(q string) sdk.MessageNewParams {
	return sdk.MessageNewParams{
		Model:     sdk.Model(model),
		MaxTokens: 1024,
		System:    []sdk.TextBlockParam{{Text: "You are terse."}},
		Messages:  []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock(q))},
	}
}

// only returns the one trace recorded and checks its tree.
func only(t *testing.T, rec *tracetest.Recorder, tree string) *tracedata.Trace {
	t.Helper()
	trs := rec.Traces()
	require.Len(t, trs, 1)
	require.Equal(t, tree, tracetest.Tree(trs[0]))
	return trs[0]
}

const oneSpan = "CHAT_MODEL Messages.create OK\n"

func TestPlainMessage(t *testing.T) {
	rec := tracetest.Capture(t)
	body := message("msg_01PlainAgentlens", `[{"type":"text","text":"Hello! How can I help?"}]`, "end_turn", usageJSON(12, 0, 0, 9))
	fake, srv := newFakeAPI(t, answer{body: body})
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	msg, err := client.Messages.New(context.Background(), question("Hi there"))
	require.NoError(t, err)
	assert.Equal(t, "Hello! How can I help?", msg.Content[0].Text)

	tr := only(t, rec, oneSpan)
	_, bodies := fake.received()
	assertSpan(t, tr.RootSpan(), expect{
		model: model, respModel: model, respID: "msg_01PlainAgentlens", stopReason: "end_turn",
		usage:     tokens(12, 9),
		usageJSON: `{"input_tokens":12,"output_tokens":9,"total_tokens":21,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}`,
		inputs:    bodies[0], outputs: body,
	})
	assert.Equal(t, "Hi there", tr.Info.RequestPreview)
	assert.Equal(t, "Hello! How can I help?", tr.Info.ResponsePreview)
}

// streamedText is a streamed answer of three text deltas, with prompt-cache tokens.
func streamedText() answer {
	return stream(
		"message_start", messageStart("msg_01StreamAgentlens", 5, 20, 100),
		"content_block_start", blockStart(0, `{"type":"text","text":""}`),
		"ping", ping,
		"content_block_delta", textDelta(0, "Go keeps"),
		"content_block_delta", textDelta(0, " errors as"),
		"content_block_delta", textDelta(0, " values."),
		"content_block_stop", blockStop(0),
		"message_delta", messageDelta("end_turn", 5, 20, 100, 14),
		"message_stop", messageStop,
	)
}

func TestStreamedMessage(t *testing.T) {
	rec := tracetest.Capture(t)
	fake, srv := newFakeAPI(t, streamedText())
	client := newClient(srv, option.WithMiddleware(anthropic.Middleware()))
	s := client.Messages.NewStreaming(context.Background(), question("Why errors as values?"))
	var acc sdk.Message
	for s.Next() {
		require.NoError(t, acc.Accumulate(s.Current()))
	}
	require.NoError(t, s.Err())
	require.NoError(t, s.Close())
	assert.Equal(t, "Go keeps errors as values.", acc.Content[0].Text)

	tr := only(t, rec, oneSpan)
	_, bodies := fake.received()
	sp := tr.RootSpan()
	assertSpan(t, sp, expect{
		model: model, respModel: model, respID: "msg_01StreamAgentlens", stopReason: "end_turn",
		usage:     tokens(125, 14), // the cache tokens are part of the input
		usageJSON: `{"input_tokens":125,"output_tokens":14,"total_tokens":139,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}`,
		inputs:    bodies[0],
		outputs: `{"id":"msg_01StreamAgentlens","type":"message","role":"assistant","model":"` + model + `",` +
			`"content":[{"type":"text","text":"Go keeps errors as values."}],"stop_reason":"end_turn","stop_sequence":null,` +
			`"usage":{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"cache_creation":{"ephemeral_5m_input_tokens":20,"ephemeral_1h_input_tokens":0},"output_tokens":14,"service_tier":"standard"}}`,
		events: 9, streamed: true,
	})
	assert.Equal(t, "100", string(sp.Attribute(spantypes.KeyGenAIUsageCacheReadInputTokens)))
	assert.Equal(t, "20", string(sp.Attribute(spantypes.KeyGenAIUsageCacheCreationInputTokens)))
	evs := chunkEvents(sp)
	assert.JSONEq(t, textDelta(0, " errors as"), evs[4].Attributes[spantypes.KeyChunkValue].(string), "the chunk of the 5th event is its data")
	assert.Equal(t, "Go keeps errors as values.", tr.Info.ResponsePreview)
}

var weatherTool = sdk.ToolUnionParam{OfTool: &sdk.ToolParam{
	Name:        "get_weather",
	Description: sdk.String("The current weather of a city."),
	InputSchema: sdk.ToolInputSchemaParam{
		Properties: map[string]any{"city": map[string]any{"type": "string", "description": "The city's name"}},
		Required:   []string{"city"},
	},
}}

func TestToolUseRoundTrip(t *testing.T) {
	rec := tracetest.Capture(t)
	first := message("msg_01ToolUseAgentlens", `[{"type":"text","text":"I'll look it up."},{"type":"tool_use","id":"toolu_01AgentlensWeather","name":"get_weather","input":{"city":"Paris"}}]`,
		"tool_use", usageJSON(380, 0, 0, 54))
	second := message("msg_01ToolResultAgentlens", `[{"type":"text","text":"It is 18 °C and cloudy in Paris."}]`, "end_turn", usageJSON(452, 0, 0, 15))
	fake, srv := newFakeAPI(t, answer{body: first}, answer{body: second})
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))

	ctx, agent := core.StartSpan(context.Background(), "weather agent", core.WithSpanType(spantypes.Agent), core.WithInputs("Weather in Paris?"))
	params := question("Weather in Paris?")
	params.Tools = []sdk.ToolUnionParam{weatherTool}
	msg, err := client.Messages.New(ctx, params)
	require.NoError(t, err)
	use := msg.Content[1].AsToolUse()
	result, err := core.Trace(ctx, use.Name, func(context.Context) (string, error) { return "18 °C, cloudy", nil },
		core.WithSpanType(spantypes.Tool), core.WithInputs(use.Input))
	require.NoError(t, err)
	params.Messages = append(params.Messages, msg.ToParam(), sdk.NewUserMessage(sdk.NewToolResultBlock(use.ID, result, false)))
	final, err := client.Messages.New(ctx, params)
	require.NoError(t, err)
	agent.SetOutputs(final.Content[0].Text)
	agent.End()

	tr := only(t, rec, "AGENT weather agent OK\n  CHAT_MODEL Messages.create OK\n  TOOL get_weather OK\n  CHAT_MODEL Messages.create OK\n")
	_, bodies := fake.received()
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	require.Len(t, models, 2)
	assertSpan(t, models[0], expect{model: model, respModel: model, respID: "msg_01ToolUseAgentlens", stopReason: "tool_use",
		usage: tokens(380, 54), inputs: bodies[0], outputs: first, tools: weatherToolMLflow})
	assertSpan(t, models[1], expect{model: model, respModel: model, respID: "msg_01ToolResultAgentlens", stopReason: "end_turn",
		usage: tokens(452, 15), inputs: bodies[1], outputs: second, tools: weatherToolMLflow})
	assert.Contains(t, bodies[1], `{"tool_use_id":"toolu_01AgentlensWeather","is_error":false`)
	u, _ := tr.TokenUsage()
	assert.Equal(t, tracedata.TokenUsage{InputTokens: 832, OutputTokens: 69, TotalTokens: 901}, u)
}

func TestStreamedToolUse(t *testing.T) {
	rec := tracetest.Capture(t)
	fake, srv := newFakeAPI(t, stream(
		"message_start", messageStart("msg_01StreamToolAgentlens", 380, 0, 0),
		"content_block_start", blockStart(0, `{"type":"text","text":""}`),
		"content_block_delta", textDelta(0, "Checking."),
		"content_block_stop", blockStop(0),
		"content_block_start", blockStart(1, `{"type":"tool_use","id":"toolu_01AgentlensStream","name":"get_weather","input":{}}`),
		"content_block_delta", delta(1, `{"type":"input_json_delta","partial_json":""}`),
		"content_block_delta", delta(1, `{"type":"input_json_delta","partial_json":"{\"city\": "}`),
		"content_block_delta", delta(1, `{"type":"input_json_delta","partial_json":"\"Paris\"}"}`),
		"content_block_stop", blockStop(1),
		"message_delta", messageDelta("tool_use", 380, 0, 0, 41),
		"message_stop", messageStop,
	))
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	params := question("Weather in Paris?")
	params.Tools = []sdk.ToolUnionParam{weatherTool}
	s := client.Messages.NewStreaming(context.Background(), params)
	var acc sdk.Message
	for s.Next() {
		require.NoError(t, acc.Accumulate(s.Current()))
	}
	require.NoError(t, s.Err())
	assert.JSONEq(t, `{"city":"Paris"}`, string(acc.Content[1].AsToolUse().Input))

	tr := only(t, rec, oneSpan)
	_, bodies := fake.received()
	assertSpan(t, tr.RootSpan(), expect{
		model: model, respModel: model, respID: "msg_01StreamToolAgentlens", stopReason: "tool_use",
		usage: tokens(380, 41), usageJSON: `{"input_tokens":380,"output_tokens":41,"total_tokens":421,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}`,
		inputs: bodies[0], tools: weatherToolMLflow,
		outputs: `{"id":"msg_01StreamToolAgentlens","type":"message","role":"assistant","model":"` + model + `","content":[` +
			`{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_01AgentlensStream","name":"get_weather","input":{"city":"Paris"}}],` +
			`"stop_reason":"tool_use","stop_sequence":null,"usage":` + usageJSON(380, 0, 0, 41) + `}`,
		events: 11, streamed: true,
	})
}

func TestThinkingBlock(t *testing.T) {
	rec := tracetest.Capture(t)
	fake, srv := newFakeAPI(t, stream(
		"message_start", messageStart("msg_01ThinkAgentlens", 41, 0, 0),
		"content_block_start", blockStart(0, `{"type":"thinking","thinking":"","signature":""}`),
		"content_block_delta", delta(0, `{"type":"thinking_delta","thinking":"27 is 3 cubed,"}`),
		"content_block_delta", delta(0, `{"type":"thinking_delta","thinking":" so its cube root is 3."}`),
		"content_block_delta", delta(0, `{"type":"signature_delta","signature":"EqQBCgIYAhIMAgentlensFakeSignature=="}`),
		"content_block_stop", blockStop(0),
		"content_block_start", blockStart(1, `{"type":"text","text":""}`),
		"content_block_delta", textDelta(1, "3"),
		"content_block_stop", blockStop(1),
		"message_delta", messageDelta("end_turn", 41, 0, 0, 30),
		"message_stop", messageStop,
	))
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	params := question("Cube root of 27?")
	params.Thinking = sdk.ThinkingConfigParamOfEnabled(1024)
	s := client.Messages.NewStreaming(context.Background(), params)
	var acc sdk.Message
	for s.Next() {
		require.NoError(t, acc.Accumulate(s.Current()))
	}
	require.NoError(t, s.Err())

	tr := only(t, rec, oneSpan)
	_, bodies := fake.received()
	assertSpan(t, tr.RootSpan(), expect{
		model: model, respModel: model, respID: "msg_01ThinkAgentlens", stopReason: "end_turn",
		usage: tokens(41, 30), usageJSON: `{"input_tokens":41,"output_tokens":30,"total_tokens":71,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}`,
		inputs: bodies[0],
		outputs: `{"id":"msg_01ThinkAgentlens","type":"message","role":"assistant","model":"` + model + `","content":[` +
			`{"type":"thinking","thinking":"27 is 3 cubed, so its cube root is 3.","signature":"EqQBCgIYAhIMAgentlensFakeSignature=="},{"type":"text","text":"3"}],` +
			`"stop_reason":"end_turn","stop_sequence":null,"usage":` + usageJSON(41, 0, 0, 30) + `}`,
		events: 11, streamed: true,
	})
	assert.Equal(t, acc.Content[0].AsThinking().Thinking, "27 is 3 cubed, so its cube root is 3.")
	assert.Equal(t, "3", tr.Info.ResponsePreview, "the preview is the text, not the thinking")
}

func TestOverloadedInStream(t *testing.T) {
	rec := tracetest.Capture(t)
	overloaded := `{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011AgentlensFakeRequest01"}`
	fake, srv := newFakeAPI(t, stream(
		"message_start", messageStart("msg_01OverloadAgentlens", 12, 0, 0),
		"ping", ping,
		"error", overloaded,
	))
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	s := client.Messages.NewStreaming(context.Background(), question("Hi"))
	for s.Next() {
	}
	var apiErr *sdk.Error
	require.ErrorAs(t, s.Err(), &apiErr, "the SDK reports the error event")

	tr := only(t, rec, "CHAT_MODEL Messages.create ERROR\n")
	_, bodies := fake.received()
	assertSpan(t, tr.RootSpan(), expect{
		status: "ERROR", message: "overloaded_error: Overloaded", apiErrorType: "overloaded_error",
		model: model, respModel: model, respID: "msg_01OverloadAgentlens", usage: tokens(12, 1),
		inputs: bodies[0],
		outputs: `{"id":"msg_01OverloadAgentlens","type":"message","role":"assistant","model":"` + model + `","content":[],` +
			`"stop_reason":null,"stop_sequence":null,"usage":` + usageJSON(12, 0, 0, 1) + `}`,
		events: 3, streamed: true,
	})
}

// HTTP errors are named as Anthropic's SDKs name them.
func TestHTTPErrors(t *testing.T) {
	for _, tc := range []struct {
		status          int
		typ, msg, named string
	}{
		{429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", "RateLimitError"},
		{529, "overloaded_error", "Overloaded", "OverloadedError"},
	} {
		t.Run(tc.named, func(t *testing.T) {
			rec := tracetest.Capture(t)
			body := apiErrorBody(tc.typ, tc.msg)
			fake, srv := newFakeAPI(t, answer{status: tc.status, body: body})
			client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
			_, err := client.Messages.New(context.Background(), question("Hi"))
			var apiErr *sdk.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.typ, string(apiErr.Type()), "the SDK read the body the transport passed on")

			tr := only(t, rec, "CHAT_MODEL Messages.create ERROR\n")
			_, bodies := fake.received()
			assertSpan(t, tr.RootSpan(), expect{
				status: "ERROR", message: tc.named + ": " + tc.msg, apiErrorType: tc.typ, httpStatus: itoa(tc.status),
				model: model, inputs: bodies[0], outputs: body,
			})
		})
	}
}

func TestConnectionError(t *testing.T) {
	rec := tracetest.Capture(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there now
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	_, err := client.Messages.New(context.Background(), question("Hi"))
	var opErr *net.OpError
	require.True(t, errors.As(err, &opErr), "the caller gets the dial error: %v", err)

	tr := only(t, rec, "CHAT_MODEL Messages.create ERROR\n")
	sp := tr.RootSpan()
	assertSpan(t, sp, expect{status: "ERROR", model: model, inputs: string(sp.Inputs())})
	assert.Contains(t, sp.Status.Message, "connection refused")
	assert.True(t, strings.HasPrefix(sp.Status.Message, "net.OpError: "), sp.Status.Message)
}
