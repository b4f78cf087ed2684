package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	swarmautolog "github.com/agentlens/agentlens/autolog/swarm"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestMultiagent runs the program offline, replaying its cassette, and checks the trace it
// makes: the tree, the handoff, the function calls and the run's inputs and outputs.
func TestMultiagent(t *testing.T) {
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

	traces := rec.Traces()
	if len(traces) != 1 {
		t.Fatalf("%d traces, want 1", len(traces))
	}
	tr := traces[0]
	const wantTree = `CHAIN swarm.run OK
  AGENT Triage Agent OK
    CHAT_MODEL Completions OK
    TOOL transfer_to_refunds OK
  AGENT Refunds Agent OK
    CHAT_MODEL Completions OK
    TOOL process_refund OK
    CHAT_MODEL Completions OK
`
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, wantTree)
	}

	// The program prints the conversation, then the trace.
	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/multiagent.yaml",
		"you: " + request + "\n",
		"Triage Agent: transfer_to_refunds({})\n  -> {\"assistant\": \"Refunds Agent\"}\n",
		"Refunds Agent: process_refund(" + fakeRefundArgs + ")\n" +
			"  -> Success! Refunded item_99 for Ana (user_1234), reason: arrived broken.\n",
		"Refunds Agent: " + fakeConfirmation + "\n",
		"ended with Refunds Agent; context variables: name=Ana refunded_item=item_99 user_id=user_1234\n",
		`trace ` + tr.Info.TraceID + ` "swarm.run" OK`,
		"└─ CHAIN swarm.run OK",
		"├─ AGENT Triage Agent OK",
		"└─ TOOL transfer_to_refunds OK",
		"├─ TOOL process_refund OK",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	// The run: what it was given and what it returned.
	root := tr.RootSpan()
	assertJSON(t, "run inputs", root.Inputs(), `{"messages":[{"role":"user","content":`+quoteJSON(request)+`}],`+
		`"context_variables":{"name":"Ana","user_id":"user_1234"}}`)
	var runOut struct {
		Messages         []json.RawMessage `json:"messages"`
		Agent            string            `json:"agent"`
		ContextVariables map[string]any    `json:"context_variables"`
	}
	if err := json.Unmarshal(root.Outputs(), &runOut); err != nil {
		t.Fatalf("run outputs %s: %v", root.Outputs(), err)
	}
	if runOut.Agent != "Refunds Agent" || len(runOut.Messages) != 5 ||
		!reflect.DeepEqual(runOut.ContextVariables, map[string]any{"name": "Ana", "user_id": "user_1234", "refunded_item": "item_99"}) {
		t.Errorf("run outputs %s", root.Outputs())
	}
	if tr.Info.RequestPreview != request {
		t.Errorf("request preview %q", tr.Info.RequestPreview)
	}

	// The handoff, on both agent spans and on the transfer function's span.
	agents := tr.SearchSpans(core.SpanQuery{Type: spantypes.Agent})
	tools := tr.SearchSpans(core.SpanQuery{Type: spantypes.Tool})
	for _, s := range []*tracedata.Span{agents[0], agents[1], tools[0]} {
		if s.StringAttribute(swarmautolog.KeyHandoffSourceName) != "Triage Agent" ||
			s.StringAttribute(swarmautolog.KeyHandoffTargetName) != "Refunds Agent" {
			t.Errorf("%s: handoff attributes %v", s.Name, s.Attributes)
		}
	}
	for i, name := range []string{"Triage Agent", "Refunds Agent"} {
		if got := agents[i].StringAttribute(spantypes.KeyGenAIAgentName); got != name {
			t.Errorf("agent %d: gen_ai.agent.name = %q", i, got)
		}
	}
	if n := len(agents[0].Events); n != 1 || agents[0].Events[0].Name != "handoff" ||
		agents[0].Events[0].Attributes["from"] != "Triage Agent" || agents[0].Events[0].Attributes["to"] != "Refunds Agent" ||
		agents[0].Events[0].Attributes["tool_call_id"] != tools[0].StringAttribute(spantypes.KeyGenAIToolCallID) {
		t.Errorf("triage agent events %+v", agents[0].Events)
	}
	if len(agents[1].Events) != 0 {
		t.Errorf("refunds agent events %+v", agents[1].Events)
	}

	// The function calls: arguments in, tool message out, the ids the model gave.
	chats := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})
	for i, w := range []struct {
		name, inputs, outputs string
		chat                  int
	}{
		{"transfer_to_refunds", `{}`, `{"assistant":"Refunds Agent"}`, 0},
		{"process_refund", fakeRefundArgs, `"Success! Refunded item_99 for Ana (user_1234), reason: arrived broken."`, 1},
	} {
		s := tools[i]
		if s.StringAttribute(spantypes.KeyGenAIToolName) != w.name {
			t.Errorf("tool %d: %v", i, s.Attributes)
		}
		assertJSON(t, w.name+" inputs", s.Inputs(), w.inputs)
		assertJSON(t, w.name+" outputs", s.Outputs(), w.outputs)
		if id := s.StringAttribute(spantypes.KeyGenAIToolCallID); id == "" || id != toolCallID(t, chats[w.chat]) {
			t.Errorf("%s: call id %q, the model's %q", w.name, id, toolCallID(t, chats[w.chat]))
		}
	}

	// The model calls are the OpenAI adapter's spans, under the agent that made them.
	wantParents := []*tracedata.Span{agents[0], agents[1], agents[1]}
	wantTokens := []int64{110, 215, 247}
	for i, c := range chats {
		if c.ParentID != wantParents[i].SpanID {
			t.Errorf("model call %d is not under %s", i, wantParents[i].Name)
		}
		if u, ok := c.TokenUsage(); !ok || u.TotalTokens != wantTokens[i] {
			t.Errorf("model call %d: usage %+v", i, u)
		}
		if got := c.StringAttribute(spantypes.KeyGenAIRequestModel); got != model {
			t.Errorf("model call %d: model %q", i, got)
		}
	}
	if u, _ := tr.TokenUsage(); u.TotalTokens != 110+215+247 {
		t.Errorf("trace usage %+v", u)
	}
}

// toolCallID is the id of the first tool call in a model span's response.
func toolCallID(t *testing.T, chat *tracedata.Span) string {
	t.Helper()
	var resp struct {
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					ID string `json:"id"`
				} `json:"tool_calls"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(chat.Outputs(), &resp); err != nil || len(resp.Choices) == 0 || len(resp.Choices[0].Message.ToolCalls) == 0 {
		t.Errorf("model response %s: %v", chat.Outputs(), err)
		return ""
	}
	return resp.Choices[0].Message.ToolCalls[0].ID
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
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
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}
