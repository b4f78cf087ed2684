package swarm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog"
	swarmautolog "github.com/agentlens/agentlens/autolog/swarm"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/swarm"
	"github.com/agentlens/agentlens/tracetest"
)

const testModel = "gpt-4o-mini"

func user(text string) []goopenai.ChatCompletionMessage {
	return []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: text}}
}

// transfer is a function that hands the conversation to agent.
func transfer(name string, agent *swarm.Agent) swarm.Function {
	return swarm.NewFunction(name, "Hand the conversation to "+agent.Name+".",
		func(context.Context, struct{}, swarm.ContextVariables) (any, error) { return agent, nil })
}

// program is a Swarm program: an agent, the user's messages, the run options, and the
// model's replies the fake API gives, in order.
type program struct {
	agent    *swarm.Agent
	messages []goopenai.ChatCompletionMessage
	opts     []swarm.RunOption
	script   []reply
}

// handoffChain: A hands off to B, B to C, C answers.
func handoffChain() program {
	c := &swarm.Agent{Name: "Agent C", Model: testModel, Instructions: "You are agent C. Answer the user."}
	b := &swarm.Agent{Name: "Agent B", Model: testModel, Instructions: "You are agent B. Transfer to agent C.",
		Functions: []swarm.Function{transfer("transfer_to_c", c)}}
	a := &swarm.Agent{Name: "Agent A", Model: testModel, Instructions: "You are agent A. Transfer to agent B.",
		Functions: []swarm.Function{transfer("transfer_to_b", b)}}
	return program{
		agent:    a,
		messages: user("Who answers in the end?"),
		opts:     []swarm.RunOption{swarm.WithContextVariables(swarm.ContextVariables{"user": "ana"})},
		script: []reply{
			call(toolCall{"call_AtoB0000000000000000000", "transfer_to_b", "{}"}),
			call(toolCall{"call_BtoC0000000000000000000", "transfer_to_c", "{}"}),
			say("Agent C answers: hello, ana."),
		},
	}
}

type cityArgs struct {
	City string `json:"city" description:"The city name, e.g. Lisbon"`
}

// toolLoop: one agent calls get_weather twice in one turn (the second call records the
// city in the context variables), then a forecast function that fails, then answers.
func toolLoop() program {
	getWeather := swarm.NewFunction("get_weather", "Get the current weather in a city.",
		func(_ context.Context, args cityArgs, cv swarm.ContextVariables) (any, error) {
			w := map[string]any{"city": args.City, "temperature_c": 19, "conditions": "light rain"}
			if args.City == "Lisbon" {
				w["temperature_c"], w["conditions"] = 24, "sunny"
				b, _ := json.Marshal(w)
				return swarm.Result{Value: string(b), ContextVariables: swarm.ContextVariables{"last_city": args.City}}, nil
			}
			return w, nil
		})
	getForecast := swarm.NewFunction("get_forecast", "Get tomorrow's forecast for a city.",
		func(_ context.Context, args cityArgs, cv swarm.ContextVariables) (any, error) {
			return nil, fmt.Errorf("forecast service unavailable for %s", args.City)
		})
	agent := &swarm.Agent{Name: "Weather Agent", Model: testModel,
		Instructions: "You report the weather.", Functions: []swarm.Function{getWeather, getForecast}}
	return program{
		agent:    agent,
		messages: user("Weather in Porto and Lisbon, and tomorrow in Porto?"),
		opts:     []swarm.RunOption{swarm.WithContextVariables(swarm.ContextVariables{"units": "metric"})},
		script: []reply{
			call(toolCall{"call_Porto00000000000000000000", "get_weather", `{"city":"Porto"}`},
				toolCall{"call_Lisbon0000000000000000000", "get_weather", `{"city":"Lisbon"}`}),
			call(toolCall{"call_Forecast0000000000000000", "get_forecast", `{"city":"Porto"}`}),
			say("Porto: 19 °C, light rain. Lisbon: 24 °C, sunny. No forecast for tomorrow."),
		},
	}
}

// mixed: A hands off to B, which calls a function, then answers.
func mixed() program {
	lookup := swarm.NewFunction("lookup_order", "Look an order up.",
		func(_ context.Context, args struct {
			OrderID string `json:"order_id"`
		}, cv swarm.ContextVariables) (any, error) {
			return "Order " + args.OrderID + " ships tomorrow.", nil
		})
	b := &swarm.Agent{Name: "Orders Agent", Model: testModel, Instructions: "You track orders.",
		Functions: []swarm.Function{lookup}}
	a := &swarm.Agent{Name: "Triage Agent", Model: testModel, Instructions: "Route the user.",
		Functions: []swarm.Function{transfer("transfer_to_orders", b)}}
	return program{
		agent:    a,
		messages: user("Where is order 42?"),
		script: []reply{
			call(toolCall{"call_ToOrders000000000000000", "transfer_to_orders", "{}"}),
			call(toolCall{"call_Lookup42000000000000000", "lookup_order", `{"order_id":"42"}`}),
			say("Order 42 ships tomorrow."),
		},
	}
}

// run runs p against a new fake API, traced or not (the OpenAI transport and the
// observer), streamed or not.
func (p program) run(t *testing.T, traced, stream bool, extra ...swarm.RunOption) (*swarm.Response, *fakeAPI, error) {
	t.Helper()
	api := newFakeAPI(t, p.script...)
	client := api.client(traced)
	opts := append(slices.Clone(p.opts), extra...)
	if !stream {
		resp, err := client.Run(context.Background(), p.agent, p.messages, opts...)
		return resp, api, err
	}
	var resp *swarm.Response
	for ev, err := range client.RunStream(context.Background(), p.agent, p.messages, opts...) {
		if err != nil {
			return resp, api, err
		}
		if ev.Response != nil {
			resp = ev.Response
		}
	}
	if resp == nil {
		t.Fatal("the stream ended without a Response")
	}
	return resp, api, nil
}

// useAutolog turns the adapter on for the test.
func useAutolog(t *testing.T, opts ...swarmautolog.Option) {
	undo := swarmautolog.Autolog(opts...)
	t.Cleanup(undo)
}

func assertTree(t *testing.T, tr *tracedata.Trace, want string) {
	t.Helper()
	if got := tracetest.Tree(tr); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

func assertJSON(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: %v in %q", what, err, got)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s\nwant %s", what, got, want)
	}
}

func spansOf(tr *tracedata.Trace, typ string) []*tracedata.Span {
	return tr.SearchSpans(core.SpanQuery{Type: typ})
}

func event(s *tracedata.Span, name string) *tracedata.Event {
	for i := range s.Events {
		if s.Events[i].Name == name {
			return &s.Events[i]
		}
	}
	return nil
}

const chainTree = `CHAIN swarm.run OK
  AGENT Agent A OK
    CHAT_MODEL Completions OK
    TOOL transfer_to_b OK
  AGENT Agent B OK
    CHAT_MODEL Completions OK
    TOOL transfer_to_c OK
  AGENT Agent C OK
    CHAT_MODEL Completions OK
`

func TestHandoffChainTree(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	resp, _, err := handoffChain().run(t, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Agent == nil || resp.Agent.Name != "Agent C" {
		t.Fatalf("final agent %+v", resp.Agent)
	}
	traces := rec.Traces()
	if len(traces) != 1 {
		t.Fatalf("%d traces, want 1", len(traces))
	}
	tr := traces[0]
	assertTree(t, tr, chainTree)

	root := tr.RootSpan()
	assertJSON(t, "run inputs", root.Inputs(),
		`{"messages":[{"role":"user","content":"Who answers in the end?"}],"context_variables":{"user":"ana"}}`)
	var out struct {
		Messages []struct {
			Role       string `json:"role"`
			Content    string `json:"content"`
			Name       string `json:"name"`
			ToolCallID string `json:"tool_call_id"`
		} `json:"messages"`
		Agent            string         `json:"agent"`
		ContextVariables map[string]any `json:"context_variables"`
	}
	if err := json.Unmarshal(root.Outputs(), &out); err != nil {
		t.Fatalf("run outputs %s: %v", root.Outputs(), err)
	}
	if out.Agent != "Agent C" || !reflect.DeepEqual(out.ContextVariables, map[string]any{"user": "ana"}) ||
		len(out.Messages) != len(resp.Messages) || out.Messages[len(out.Messages)-1].Content != "Agent C answers: hello, ana." {
		t.Errorf("run outputs %s", root.Outputs())
	}
	if tr.Info.RequestPreview != "Who answers in the end?" {
		t.Errorf("request preview %q", tr.Info.RequestPreview)
	}

	// The model calls are the OpenAI adapter's, each under the agent that made it.
	for _, m := range spansOf(tr, spantypes.ChatModel) {
		if u, ok := m.TokenUsage(); !ok || u.TotalTokens == 0 {
			t.Errorf("model span without usage: %v", m.Attributes)
		}
		if p := tr.Span(m.ParentID); p == nil || p.SpanType() != spantypes.Agent {
			t.Errorf("model span under %v", p)
		}
	}
}

func TestHandoffAttributesAndEvent(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	if _, _, err := handoffChain().run(t, true, false); err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	agents := spansOf(tr, spantypes.Agent)
	if len(agents) != 3 {
		t.Fatalf("%d agent spans", len(agents))
	}
	root := tr.RootSpan()
	type want struct {
		name, source, target string
		event                *[3]string // from, to, tool call id
	}
	wants := []want{
		// A hands off to B.
		{"Agent A", "Agent A", "Agent B", &[3]string{"Agent A", "Agent B", "call_AtoB0000000000000000000"}},
		// B took over from A, then handed off to C: the last handoff it took part in.
		{"Agent B", "Agent B", "Agent C", &[3]string{"Agent B", "Agent C", "call_BtoC0000000000000000000"}},
		// C took over from B.
		{"Agent C", "Agent B", "Agent C", nil},
	}
	for i, a := range agents {
		w := wants[i]
		if a.Name != w.name || a.ParentID != root.SpanID {
			t.Errorf("agent span %d: %q under %s", i, a.Name, a.ParentID)
		}
		for key, v := range map[string]string{
			spantypes.KeyGenAIAgentName:       w.name,
			swarmautolog.KeyHandoffSourceName: w.source,
			swarmautolog.KeyHandoffTargetName: w.target,
			spantypes.KeyGenAIOperationName:   "invoke_agent",
		} {
			if got := a.StringAttribute(key); got != v {
				t.Errorf("%s: %s = %q, want %q", a.Name, key, got, v)
			}
		}
		ev := event(a, swarmautolog.HandoffEventName)
		switch {
		case w.event == nil && ev != nil:
			t.Errorf("%s: unexpected handoff event %+v", a.Name, ev)
		case w.event != nil && ev == nil:
			t.Errorf("%s: no handoff event (events %+v)", a.Name, a.Events)
		case w.event != nil:
			if ev.Attributes["from"] != w.event[0] || ev.Attributes["to"] != w.event[1] || ev.Attributes["tool_call_id"] != w.event[2] {
				t.Errorf("%s: handoff event %+v", a.Name, ev.Attributes)
			}
		}
	}
	// Agent spans follow one another: each ends before the next starts.
	for i := 1; i < len(agents); i++ {
		if agents[i].StartTimeUnixNano < agents[i-1].EndTimeUnixNano {
			t.Errorf("%s starts before %s ends", agents[i].Name, agents[i-1].Name)
		}
	}
	// The transfer functions' TOOL spans carry the handoff and the tool message.
	tools := spansOf(tr, spantypes.Tool)
	for i, w := range [][3]string{{"Agent A", "Agent B", "call_AtoB0000000000000000000"}, {"Agent B", "Agent C", "call_BtoC0000000000000000000"}} {
		tool := tools[i]
		if tool.StringAttribute(swarmautolog.KeyHandoffSourceName) != w[0] || tool.StringAttribute(swarmautolog.KeyHandoffTargetName) != w[1] ||
			tool.StringAttribute(spantypes.KeyGenAIToolCallID) != w[2] {
			t.Errorf("tool %s: attributes %v", tool.Name, tool.Attributes)
		}
		assertJSON(t, tool.Name+" inputs", tool.Inputs(), `{}`)
		assertJSON(t, tool.Name+" outputs", tool.Outputs(), `{"assistant":"`+w[1]+`"}`)
	}
}

const toolLoopTree = `CHAIN swarm.run OK
  AGENT Weather Agent OK
    CHAT_MODEL Completions OK
    TOOL get_weather OK
    TOOL get_weather OK
    CHAT_MODEL Completions OK
    TOOL get_forecast ERROR
    CHAT_MODEL Completions OK
`

func TestToolLoopTree(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	resp, api, err := toolLoop().run(t, true, false)
	if err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	assertTree(t, tr, toolLoopTree)

	if got := resp.ContextVariables; !reflect.DeepEqual(got, swarm.ContextVariables{"units": "metric", "last_city": "Lisbon"}) {
		t.Errorf("context variables %v", got)
	}
	assertJSON(t, "run context variables", jsonField(t, tr.RootSpan().Outputs(), "context_variables"),
		`{"units":"metric","last_city":"Lisbon"}`)

	// The failing function's message went back to the model, and the run went on.
	if n := api.requestCount(); n != 3 {
		t.Fatalf("%d model calls", n)
	}
	last := api.request(2).Messages
	if m := last[len(last)-1]; m.Role != "tool" || m.ToolCallID != "call_Forecast0000000000000000" ||
		!strings.HasPrefix(m.Content, "Error: ") || !strings.Contains(m.Content, "forecast service unavailable for Porto") {
		t.Errorf("tool message of the failed call: %+v", m)
	}
}

func TestToolSpans(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	resp, _, err := toolLoop().run(t, true, false)
	if err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	agent := spansOf(tr, spantypes.Agent)[0]
	tools := spansOf(tr, spantypes.Tool)
	if len(tools) != 3 {
		t.Fatalf("%d tool spans", len(tools))
	}
	// The tool messages of the response, by call id.
	toolMessages := map[string]string{}
	for _, m := range resp.Messages {
		if m.Role == goopenai.ChatMessageRoleTool {
			toolMessages[m.ToolCallID] = m.Content
		}
	}
	for i, w := range []struct {
		name, id, inputs, outputs string
	}{
		{"get_weather", "call_Porto00000000000000000000", `{"city":"Porto"}`, `{"city":"Porto","conditions":"light rain","temperature_c":19}`},
		{"get_weather", "call_Lisbon0000000000000000000", `{"city":"Lisbon"}`, `{"city":"Lisbon","conditions":"sunny","temperature_c":24}`},
		{"get_forecast", "call_Forecast0000000000000000", `{"city":"Porto"}`, ""},
	} {
		s := tools[i]
		if s.Name != w.name || s.ParentID != agent.SpanID {
			t.Errorf("tool span %d: %s under %s", i, s.Name, s.ParentID)
		}
		for key, v := range map[string]string{
			spantypes.KeyGenAIToolName:      w.name,
			spantypes.KeyGenAIToolCallID:    w.id,
			spantypes.KeyGenAIOperationName: "execute_tool",
		} {
			if got := s.StringAttribute(key); got != v {
				t.Errorf("%s: %s = %q, want %q", s.Name, key, got, v)
			}
		}
		assertJSON(t, w.name+" inputs", s.Inputs(), w.inputs)
		msg, ok := toolMessages[w.id]
		if !ok {
			t.Errorf("no tool message for %s", w.id)
		}
		if w.outputs != "" {
			assertJSON(t, w.name+" outputs", s.Outputs(), w.outputs)
			assertJSON(t, w.name+" outputs vs tool message", s.Outputs(), msg)
			if s.Status.Code != tracedata.StatusOK {
				t.Errorf("%s: status %+v", s.Name, s.Status)
			}
			continue
		}
		// The failed call: ERROR with the function's error, and the tool message as outputs.
		var out string
		if err := json.Unmarshal(s.Outputs(), &out); err != nil || out != msg {
			t.Errorf("%s outputs %s, tool message %q", s.Name, s.Outputs(), msg)
		}
		if s.Status.Code != tracedata.StatusError || !strings.Contains(s.Status.Message, "forecast service unavailable for Porto") {
			t.Errorf("%s: status %+v", s.Name, s.Status)
		}
		if ev := event(s, spantypes.ExceptionEventName); ev == nil ||
			ev.Attributes[spantypes.KeyExceptionMessage] != "forecast service unavailable for Porto" {
			t.Errorf("%s: events %+v", s.Name, s.Events)
		}
	}
	// The ids are the ones the model sent.
	var modelOut struct {
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					ID string `json:"id"`
				} `json:"tool_calls"`
			} `json:"message"`
		} `json:"choices"`
	}
	first := spansOf(tr, spantypes.ChatModel)[0]
	if err := json.Unmarshal(first.Outputs(), &modelOut); err != nil || len(modelOut.Choices) != 1 ||
		len(modelOut.Choices[0].Message.ToolCalls) != 2 || modelOut.Choices[0].Message.ToolCalls[1].ID != tools[1].StringAttribute(spantypes.KeyGenAIToolCallID) {
		t.Errorf("model outputs %s: %v", first.Outputs(), err)
	}
}

const mixedTree = `CHAIN swarm.run OK
  AGENT Triage Agent OK
    CHAT_MODEL Completions OK
    TOOL transfer_to_orders OK
  AGENT Orders Agent OK
    CHAT_MODEL Completions OK
    TOOL lookup_order OK
    CHAT_MODEL Completions OK
`

// TestStreamedRunTree: a streamed run gives the same tree as the same run unstreamed, and
// its model spans are the adapter's streamed ones (chunk events, assembled outputs).
func TestStreamedRunTree(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	for _, p := range []struct {
		name string
		prog func() program
		tree string
	}{
		{"chain", handoffChain, chainTree},
		{"tools", toolLoop, toolLoopTree},
		{"mixed", mixed, mixedTree},
	} {
		t.Run(p.name, func(t *testing.T) {
			rec.Reset()
			streamed, _, err := p.prog().run(t, true, true)
			if err != nil {
				t.Fatal(err)
			}
			tr := rec.LastTrace()
			assertTree(t, tr, p.tree)
			for _, m := range spansOf(tr, spantypes.ChatModel) {
				if len(m.Events) == 0 || m.Attribute(spantypes.KeyTimeToFirstTokenMS) == nil || m.Attribute(spantypes.KeyStreamCancelled) != nil {
					t.Errorf("model span is not a whole stream: %d events, attributes %v", len(m.Events), m.Attributes)
				}
			}
			rec.Reset()
			plain, _, err := p.prog().run(t, true, false)
			if err != nil {
				t.Fatal(err)
			}
			assertTree(t, rec.LastTrace(), tracetest.Tree(tr))
			assertSameResponse(t, streamed, plain)
		})
	}
}

// TestSameResultsWithAndWithoutAutolog runs each program without any tracing, then with
// the OpenAI transport and the adapter: the responses, and the requests the model got, are
// the same.
func TestSameResultsWithAndWithoutAutolog(t *testing.T) {
	tracetest.Capture(t)
	for _, p := range []struct {
		name string
		prog func() program
	}{
		{"chain", handoffChain},
		{"tools", toolLoop},
		{"mixed", mixed},
	} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", p.name, stream), func(t *testing.T) {
				plain, plainAPI, err := p.prog().run(t, false, stream)
				if err != nil {
					t.Fatal(err)
				}
				undo := swarmautolog.Autolog()
				traced, tracedAPI, err := p.prog().run(t, true, stream)
				undo()
				if err != nil {
					t.Fatal(err)
				}
				assertSameResponse(t, traced, plain)
				if !reflect.DeepEqual(plainAPI.bodies, tracedAPI.bodies) {
					t.Errorf("the model got other requests with tracing")
				}
			})
		}
	}
}

func assertSameResponse(t *testing.T, got, want *swarm.Response) {
	t.Helper()
	if !reflect.DeepEqual(got.Messages, want.Messages) {
		t.Errorf("messages differ:\n%s\nwant:\n%s", mustJSON(got.Messages), mustJSON(want.Messages))
	}
	if got.Agent == nil || want.Agent == nil || got.Agent.Name != want.Agent.Name {
		t.Errorf("agent %v, want %v", got.Agent, want.Agent)
	}
	if !reflect.DeepEqual(got.ContextVariables, want.ContextVariables) {
		t.Errorf("context variables %v, want %v", got.ContextVariables, want.ContextVariables)
	}
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func jsonField(t *testing.T, obj json.RawMessage, field string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatalf("%s: %v", obj, err)
	}
	return m[field]
}

// TestRunUnderCallerSpan: the run's CHAIN span is a child of the span in the run's context.
func TestRunUnderCallerSpan(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	p := mixed()
	api := newFakeAPI(t, p.script...)
	ctx, span := core.StartSpan(context.Background(), "handle request", core.WithSpanType(spantypes.Chain))
	if _, err := api.client(true).Run(ctx, p.agent, p.messages); err != nil {
		t.Fatal(err)
	}
	span.End()
	assertTree(t, rec.LastTrace(), "CHAIN handle request OK\n"+indent(mixedTree))
}

func indent(tree string) string {
	lines := strings.SplitAfter(tree, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "")
}

// TestRunError: a model call that fails fails the run, and ends its spans ERROR.
func TestRunError(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	p := mixed()
	p.script = p.script[:2] // the third model call gets a 500
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			rec.Reset()
			if _, _, err := p.run(t, true, stream); err == nil {
				t.Fatal("the run did not fail")
			}
			tr := rec.LastTrace()
			assertTree(t, tr, `CHAIN swarm.run ERROR
  AGENT Triage Agent OK
    CHAT_MODEL Completions OK
    TOOL transfer_to_orders OK
  AGENT Orders Agent ERROR
    CHAT_MODEL Completions OK
    TOOL lookup_order OK
    CHAT_MODEL Completions ERROR
`)
			if msg := tr.RootSpan().Status.Message; !strings.Contains(msg, "500") && !strings.Contains(msg, "server had an error") {
				t.Errorf("run status %q", msg)
			}
		})
	}
}

// TestWithObserver traces one run given the observer, without Autolog; a second tracing
// observer on the same run adds nothing.
func TestWithObserver(t *testing.T) {
	rec := tracetest.Capture(t)
	if _, _, err := mixed().run(t, true, false, swarm.WithObserver(swarmautolog.Observer())); err != nil {
		t.Fatal(err)
	}
	assertTree(t, rec.LastTrace(), mixedTree)

	rec.Reset()
	useAutolog(t)
	for _, stream := range []bool{false, true} {
		rec.Reset()
		if _, _, err := mixed().run(t, true, stream, swarm.WithObserver(swarmautolog.Observer())); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.Traces()); n != 1 {
			t.Fatalf("%d traces", n)
		}
		assertTree(t, rec.LastTrace(), mixedTree)
	}

	// The same observer registered globally and given to the run.
	o := swarmautolog.Observer()
	unregister := swarm.RegisterObserver(o)
	defer unregister()
	rec.Reset()
	if _, _, err := handoffChain().run(t, true, false, swarm.WithObserver(o)); err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	assertTree(t, tr, chainTree)
	for _, a := range spansOf(tr, spantypes.Agent)[:2] {
		if n := len(a.Events); n != 1 {
			t.Errorf("%s: %d events", a.Name, n)
		}
	}
}

// TestAutologRegistry: autolog.Enable turns the adapter on, with its options; undo turns it off.
func TestAutologRegistry(t *testing.T) {
	if !slices.Contains(autolog.Registered(), "swarm") {
		t.Fatalf("registered adapters %v", autolog.Registered())
	}
	rec := tracetest.Capture(t)
	undo := autolog.Enable(autolog.WithCaptureContent(false))
	if _, _, err := mixed().run(t, true, false); err != nil {
		undo()
		t.Fatal(err)
	}
	undo()
	tr := rec.LastTrace()
	assertTree(t, tr, mixedTree)
	for _, s := range tr.Spans {
		if s.SpanType() != spantypes.ChatModel && (s.Inputs() != nil || s.Outputs() != nil) {
			t.Errorf("%s recorded content with capture off: %s / %s", s.Name, s.Inputs(), s.Outputs())
		}
	}
	if a := spansOf(tr, spantypes.Agent)[0]; a.StringAttribute(swarmautolog.KeyHandoffTargetName) != "Orders Agent" {
		t.Errorf("handoff attributes missing with capture off: %v", a.Attributes)
	}

	// Off again: nothing traced (the model calls still are, by the transport).
	rec.Reset()
	if _, _, err := mixed().run(t, true, false); err != nil {
		t.Fatal(err)
	}
	for _, tr := range rec.Traces() {
		if tr.RootSpan().SpanType() != spantypes.ChatModel {
			t.Errorf("traced after undo:\n%s", tracetest.Tree(tr))
		}
	}
}

// TestAutologTwice: calling Autolog again changes the options without tracing twice.
func TestAutologTwice(t *testing.T) {
	rec := tracetest.Capture(t)
	swarmautolog.Autolog()
	undo := swarmautolog.Autolog(swarmautolog.WithCaptureContent(false))
	defer undo()
	if _, _, err := mixed().run(t, true, false); err != nil {
		t.Fatal(err)
	}
	tr := rec.LastTrace()
	assertTree(t, tr, mixedTree)
	if tr.RootSpan().Inputs() != nil {
		t.Errorf("the second options did not apply")
	}
	undo()
	undo() // idempotent
}

// TestConcurrentRuns: one observer traces concurrent runs, each in its own trace.
func TestConcurrentRuns(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(stream bool) {
			defer wg.Done()
			p := mixed()
			api := newFakeAPI(t, p.script...)
			client := api.client(true)
			if !stream {
				_, err := client.Run(context.Background(), p.agent, p.messages)
				errs <- err
				return
			}
			for _, err := range client.RunStream(context.Background(), p.agent, p.messages) {
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(i%2 == 1)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	traces := rec.Traces()
	if len(traces) != n {
		t.Fatalf("%d traces, want %d", len(traces), n)
	}
	for _, tr := range traces {
		assertTree(t, tr, mixedTree)
	}
}

// TestTracingOff: with tracing disabled the observer records nothing and the run works.
func TestTracingOff(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	sdk.Disable()
	defer sdk.Enable()
	resp, _, err := mixed().run(t, true, true)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Agent.Name != "Orders Agent" {
		t.Errorf("final agent %s", resp.Agent.Name)
	}
	if n := len(rec.Traces()); n != 0 {
		t.Errorf("%d traces with tracing off", n)
	}
}

// TestStreamStoppedEarly: a consumer that stops iterating ends the run; its spans end ERROR.
func TestStreamStoppedEarly(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	p := mixed()
	p.script[0] = say("Let me think about where order 42 is.")
	api := newFakeAPI(t, p.script...)
	deltas := 0
	for ev, err := range api.client(true).RunStream(context.Background(), p.agent, p.messages) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Delta != nil && ev.Delta.Content != "" {
			deltas++
			break
		}
	}
	if deltas != 1 {
		t.Fatalf("%d deltas", deltas)
	}
	tr := rec.LastTrace()
	assertTree(t, tr, `CHAIN swarm.run ERROR
  AGENT Triage Agent ERROR
    CHAT_MODEL Completions OK
`)
	if msg := tr.RootSpan().Status.Message; !strings.Contains(msg, "stopped iterating") {
		t.Errorf("run status %q", msg)
	}
}

// TestNestedRun: a function that runs agents itself, with the context it is given, puts that
// run's CHAIN span under its TOOL span.
func TestNestedRun(t *testing.T) {
	rec := tracetest.Capture(t)
	useAutolog(t)
	inner := mixed()
	innerAPI := newFakeAPI(t, inner.script...)
	innerClient := innerAPI.client(true)
	ask := swarm.NewFunction("ask_orders_desk", "Ask the orders desk.",
		func(ctx context.Context, args struct {
			Question string `json:"question"`
		}, _ swarm.ContextVariables) (any, error) {
			resp, err := innerClient.Run(ctx, inner.agent, user(args.Question))
			if err != nil {
				return nil, err
			}
			return resp.Messages[len(resp.Messages)-1].Content, nil
		})
	outer := program{
		agent:    &swarm.Agent{Name: "Front Desk", Model: testModel, Functions: []swarm.Function{ask}},
		messages: user("Where is order 42?"),
		script: []reply{
			call(toolCall{"call_Ask0000000000000000000000", "ask_orders_desk", `{"question":"Where is order 42?"}`}),
			say("It ships tomorrow."),
		},
	}
	if _, _, err := outer.run(t, true, false); err != nil {
		t.Fatal(err)
	}
	assertTree(t, rec.LastTrace(), `CHAIN swarm.run OK
  AGENT Front Desk OK
    CHAT_MODEL Completions OK
    TOOL ask_orders_desk OK
`+indent(indent(indent(mixedTree)))+`    CHAT_MODEL Completions OK
`)
}
