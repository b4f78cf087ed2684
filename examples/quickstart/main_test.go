package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestQuickstart runs the program offline, replaying its cassette, and checks the trace it
// makes: the tree, and what the autologged spans learnt from the requests and responses.
func TestQuickstart(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "") // replay even on a machine with a key
	t.Setenv("AGENTLENS_RECORD", "")
	rec := tracetest.Capture(t)
	before := http.DefaultTransport

	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if http.DefaultTransport != before {
		t.Error("run left http.DefaultTransport replaced")
	}

	tr := rec.LastTrace()
	const wantTree = `CHAIN travel assistant OK
  CHAT_MODEL Completions OK
  CHAT_MODEL Completions OK
  TOOL get_weather OK
  CHAT_MODEL Completions OK
  CHAT_MODEL Completions OK
`
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, wantTree)
	}

	// The program prints the answers as they arrive, then the trace.
	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/quickstart.yaml",
		"\ncity: Porto\n",
		"\nweather: It is 19 °C with light rain in Porto right now.\n",
		"packing tips (streamed):\n" + fakeTips + "\n",
		`trace ` + tr.Info.TraceID + ` "travel assistant" OK`,
		"└─ CHAIN travel assistant OK",
		"├─ TOOL get_weather OK",
		"└─ CHAT_MODEL Completions OK",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	chats := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})
	wantUsage := []tracedata.TokenUsage{
		{InputTokens: 40, OutputTokens: 2, TotalTokens: 42},  // the city
		{InputTokens: 60, OutputTokens: 15, TotalTokens: 75}, // the tool call
		{InputTokens: 84, OutputTokens: 12, TotalTokens: 96}, // the weather answer
		{InputTokens: 54, OutputTokens: 36, TotalTokens: 90}, // the stream's usage chunk
	}
	for i, s := range chats {
		if u, ok := s.TokenUsage(); !ok || u != wantUsage[i] {
			t.Errorf("model call %d: usage %+v (%v), want %+v", i, u, ok, wantUsage[i])
		}
		for key, want := range map[string]string{
			spantypes.KeyLLMModel:           "gpt-4o-mini",
			spantypes.KeyGenAIRequestModel:  "gpt-4o-mini",
			spantypes.KeyGenAIResponseModel: "gpt-4o-mini-2024-07-18",
			spantypes.KeyLLMProvider:        "openai",
			spantypes.KeyGenAIOperationName: "chat",
			spantypes.KeyMessageFormat:      "openai",
		} {
			if got := s.StringAttribute(key); got != want {
				t.Errorf("model call %d: %s = %q, want %q", i, key, got, want)
			}
		}
		// The tool definitions are recorded on the calls that sent them.
		if hasTools := s.Attribute(spantypes.KeyChatTools) != nil; hasTools != (i == 1 || i == 2) {
			t.Errorf("model call %d: tools recorded: %v", i, hasTools)
		}
	}
	if u, _ := tr.TokenUsage(); u.TotalTokens != 42+75+96+90 {
		t.Errorf("trace usage %+v", u)
	}
	if got := chats[1].StringAttribute(spantypes.KeyGenAIResponseFinishReasons); got != `["tool_calls"]` {
		t.Errorf("tool call finish reasons = %s", got)
	}

	// The tool span: the arguments the model sent, what the Go function returned, and the
	// id of the call it answers, which is the id in the model's response.
	tool := tr.SearchSpans(core.SpanQuery{Type: spantypes.Tool})[0]
	assertJSON(t, "tool inputs", tool.Inputs(), `{"city":"Porto"}`)
	assertJSON(t, "tool outputs", tool.Outputs(), `{"city":"Porto","temperature_c":19,"conditions":"light rain"}`)
	var resp struct {
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					ID string `json:"id"`
				} `json:"tool_calls"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(chats[1].Outputs(), &resp); err != nil || len(resp.Choices) == 0 || len(resp.Choices[0].Message.ToolCalls) == 0 {
		t.Fatalf("tool call response %s: %v", chats[1].Outputs(), err)
	}
	if id := tool.StringAttribute(spantypes.KeyGenAIToolCallID); id != resp.Choices[0].Message.ToolCalls[0].ID || id == "" {
		t.Errorf("tool call id %q, response has %q", id, resp.Choices[0].Message.ToolCalls[0].ID)
	}

	// The streamed call: one event per chunk (the role chunk, 36 content chunks, the finish
	// chunk and the usage chunk), and the chunks assembled into one chat.completion.
	stream := chats[3]
	if n := len(stream.Events); n != 39 {
		t.Errorf("stream: %d chunk events, want 39", n)
	}
	var assembled struct {
		Object  string `json:"object"`
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(stream.Outputs(), &assembled); err != nil || len(assembled.Choices) != 1 {
		t.Fatalf("stream outputs %s: %v", stream.Outputs(), err)
	}
	if c := assembled.Choices[0]; assembled.Object != "chat.completion" || c.Message.Content != fakeTips || c.FinishReason != "stop" {
		t.Errorf("stream assembled to %s", stream.Outputs())
	}
	if stream.Attribute(spantypes.KeyTimeToFirstTokenMS) == nil || stream.Attribute(spantypes.KeyStreamCancelled) != nil {
		t.Errorf("stream attributes %v", stream.Attributes)
	}

	// The trace's previews come from the CHAIN span's chat-shaped inputs and outputs.
	if !strings.HasPrefix(tr.Info.RequestPreview, "Plan a weekend in Portugal") ||
		!strings.HasPrefix(tr.Info.ResponsePreview, "City: Porto") {
		t.Errorf("previews %q / %q", tr.Info.RequestPreview, tr.Info.ResponsePreview)
	}
}

func assertJSON(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: %v in %s", what, err, got)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}
