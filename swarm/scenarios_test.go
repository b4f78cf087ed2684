package swarm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/swarm"
)

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run("fake/"+sc.name, func(t *testing.T) { runFake(t, sc) })
		t.Run("replay/"+sc.name, func(t *testing.T) { runReplay(t, sc) })
	}
}

// TestGenerateSwarmCassettes rewrites recordings/cassettes/swarm/*.yaml by recording the
// scenarios (and the examples) against the fake server, through the real recording path (a
// fake key, AGENTLENS_RECORD=1). It runs only when asked:
//
//	AGENTLENS_REGEN_SWARM=1 go test ./swarm -run TestGenerateSwarmCassettes
func TestGenerateSwarmCassettes(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_SWARM") != "1" {
		t.Skip("set AGENTLENS_REGEN_SWARM=1 to rewrite recordings/cassettes/swarm/*.yaml")
	}
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) { recordScenario(t, sc) })
	}
	for _, ex := range examples() {
		t.Run(ex.name, func(t *testing.T) { recordExample(t, ex) })
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// noArgs is the arguments of functions that take none.
type noArgs struct{}

// transferTo is a handoff function.
func transferTo(name string, to *swarm.Agent) swarm.Function {
	return swarm.NewFunction(name, "Transfer the conversation to "+to.Name+".",
		func(context.Context, noArgs, swarm.ContextVariables) (any, error) { return to, nil })
}

type weatherArgs struct {
	Location string `json:"location" description:"City and country, e.g. Paris, France"`
	Unit     string `json:"unit,omitempty" enum:"celsius,fahrenheit"`
}

var weatherSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"location": map[string]any{"type": "string", "description": "City and country, e.g. Paris, France"},
		"unit":     map[string]any{"type": "string", "enum": []any{"celsius", "fahrenheit"}},
	},
	"required": []any{"location"},
}

func scenarios() []scenario {
	return []scenario{
		scenarioSingleAgent(),
		scenarioToolLoop(),
		scenarioHandoff(),
		scenarioChain(),
		scenarioContextVariables(),
		scenarioMaxTurns(),
		scenarioFunctionError(),
		scenarioUnknownTool(),
		scenarioParallelToolCalls(),
		scenarioExecuteToolsOff(),
		scenarioStreamMatchesRun(),
		scenarioObserverOrder(),
		scenarioObserverPanics(),
	}
}

// One agent, no functions: one model call, no tools in the request.
func scenarioSingleAgent() scenario {
	r := say("Hello! How can I help you today?")
	return scenario{
		name:    "single_agent",
		replies: []reply{r},
		run: func(t *testing.T, h *harness) {
			agent := &swarm.Agent{Name: "Assistant", Instructions: "You are a concise assistant."}
			msgs := []openai.ChatCompletionMessage{user("Hi!")}
			resp := mustRun(t, h, agent, msgs)

			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r)})
			eq(t, "senders", resp.Senders, []string{"Assistant"})
			eq(t, "context variables", resp.ContextVariables, swarm.ContextVariables{})
			if resp.Agent != agent {
				t.Errorf("agent %v", resp.Agent)
			}
			eq(t, "input messages", msgs, []openai.ChatCompletionMessage{user("Hi!")})

			h.wantRequests(t, 1)
			req := h.req(t, 0)
			eq(t, "model", req.Model, swarm.DefaultModel)
			eq(t, "request messages", req.Messages, []openai.ChatCompletionMessage{
				{Role: "system", Content: "You are a concise assistant."}, user("Hi!"),
			})
			for _, k := range []string{"tools", "tool_choice", "parallel_tool_calls"} {
				if _, ok := req.raw[k]; ok {
					t.Errorf("request has %q: %s", k, req.body)
				}
			}
			if req.Stream {
				t.Error("stream requested")
			}
		},
	}
}

// A tool loop: the model calls a function twice, reading each result, then answers.
func scenarioToolLoop() scenario {
	c1 := call{"call_weather_paris", "get_weather", `{"location":"Paris, France"}`}
	c2 := call{"call_weather_tokyo", "get_weather", `{"location":"Tokyo, Japan","unit":"celsius"}`}
	r1, r2, r3 := calls(c1), calls(c2), say("Paris is at 21°C and Tokyo at 27°C.")
	return scenario{
		name:    "tool_loop",
		replies: []reply{r1, r2, r3},
		run: func(t *testing.T, h *harness) {
			var got []weatherArgs
			weather := swarm.NewFunction("get_weather", "Get the current weather in a city.",
				func(_ context.Context, a weatherArgs, _ swarm.ContextVariables) (any, error) {
					got = append(got, a)
					temp := map[string]int{"Paris, France": 21, "Tokyo, Japan": 27}[a.Location]
					return fmt.Sprintf(`{"location":%q,"temperature":%d,"unit":"celsius"}`, a.Location, temp), nil
				})
			agent := &swarm.Agent{Name: "Weather Agent", Model: "gpt-4o-mini", Instructions: "You report the weather.", Functions: []swarm.Function{weather}}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Weather in Paris, then in Tokyo?")})

			eq(t, "function calls", got, []weatherArgs{{Location: "Paris, France"}, {Location: "Tokyo, Japan", Unit: "celsius"}})
			t1 := toolMsg(c1.id, `{"location":"Paris, France","temperature":21,"unit":"celsius"}`)
			t2 := toolMsg(c2.id, `{"location":"Tokyo, Japan","temperature":27,"unit":"celsius"}`)
			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r1), t1, assistant(r2), t2, assistant(r3)})
			eq(t, "senders", resp.Senders, []string{"Weather Agent", "", "Weather Agent", "", "Weather Agent"})

			h.wantRequests(t, 3)
			req := h.req(t, 0)
			eq(t, "model", req.Model, "gpt-4o-mini")
			if len(req.Tools) != 1 || req.Tools[0].Type != "function" || req.Tools[0].Function.Name != "get_weather" ||
				req.Tools[0].Function.Description != "Get the current weather in a city." {
				t.Fatalf("tools: %s", req.raw["tools"])
			}
			eq(t, "parameters", req.Tools[0].Function.Parameters, weatherSchema)
			if req.ParallelToolCalls == nil || !*req.ParallelToolCalls {
				t.Errorf("parallel_tool_calls: %s", req.raw["parallel_tool_calls"])
			}
			if _, ok := req.raw["tool_choice"]; ok {
				t.Errorf("tool_choice sent: %s", req.raw["tool_choice"])
			}
			eq(t, "second request messages", h.req(t, 1).Messages[2:], []openai.ChatCompletionMessage{assistant(r1), t1})
			eq(t, "third request messages", h.req(t, 2).Messages[2:], []openai.ChatCompletionMessage{assistant(r1), t1, assistant(r2), t2})
		},
	}
}

// A handoff: agent A's function returns agent B, which answers.
func scenarioHandoff() scenario {
	c := call{"call_transfer_spanish", "transfer_to_spanish_agent", `{}`}
	r1, r2 := calls(c), say("¡Hola! ¿En qué puedo ayudarte?")
	return scenario{
		name:    "handoff",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			spanish := &swarm.Agent{Name: "Spanish Agent", Instructions: "You only speak Spanish."}
			english := &swarm.Agent{Name: "English Agent", Instructions: "You only speak English.",
				Functions: []swarm.Function{transferTo("transfer_to_spanish_agent", spanish)}}
			resp := mustRun(t, h, english, []openai.ChatCompletionMessage{user("Hola. ¿Cómo estás?")})

			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{
				assistant(r1), toolMsg(c.id, `{"assistant": "Spanish Agent"}`), assistant(r2),
			})
			eq(t, "senders", resp.Senders, []string{"English Agent", "", "Spanish Agent"})
			if resp.Agent != spanish {
				t.Errorf("agent %q, want Spanish Agent", resp.Agent.Name)
			}

			h.wantRequests(t, 2)
			eq(t, "first system message", h.req(t, 0).Messages[0].Content, "You only speak English.")
			eq(t, "first request parameters", h.req(t, 0).Tools[0].Function.Parameters,
				map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}})
			req := h.req(t, 1)
			eq(t, "second system message", req.Messages[0].Content, "You only speak Spanish.")
			if _, ok := req.raw["tools"]; ok {
				t.Errorf("the Spanish agent has no functions, but tools were sent: %s", req.raw["tools"])
			}
		},
	}
}

// A chain: A hands off to B, B to C, C answers.
func scenarioChain() scenario {
	c1 := call{"call_to_sales", "transfer_to_sales", `{}`}
	c2 := call{"call_to_refunds", "transfer_to_refunds", `{}`}
	r1, r2, r3 := calls(c1), calls(c2), say("I can refund that order. Could you give me the order number?")
	return scenario{
		name:    "chain",
		replies: []reply{r1, r2, r3},
		run: func(t *testing.T, h *harness) {
			refunds := &swarm.Agent{Name: "Refunds", Instructions: "You process refunds."}
			sales := &swarm.Agent{Name: "Sales", Instructions: "You sell bees.",
				Functions: []swarm.Function{transferTo("transfer_to_refunds", refunds)}}
			triage := &swarm.Agent{Name: "Triage", Instructions: "You route the user to the right team.",
				Functions: []swarm.Function{transferTo("transfer_to_sales", sales)}}
			resp := mustRun(t, h, triage, []openai.ChatCompletionMessage{user("I want my money back for the bees.")})

			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{
				assistant(r1), toolMsg(c1.id, `{"assistant": "Sales"}`),
				assistant(r2), toolMsg(c2.id, `{"assistant": "Refunds"}`),
				assistant(r3),
			})
			eq(t, "senders", resp.Senders, []string{"Triage", "", "Sales", "", "Refunds"})
			if resp.Agent != refunds {
				t.Errorf("agent %q, want Refunds", resp.Agent.Name)
			}
			h.wantRequests(t, 3)
			for i, want := range []struct{ system, tool string }{
				{"You route the user to the right team.", "transfer_to_sales"},
				{"You sell bees.", "transfer_to_refunds"},
				{"You process refunds.", ""},
			} {
				req := h.req(t, i)
				eq(t, fmt.Sprintf("request %d system message", i), req.Messages[0].Content, want.system)
				var tools []string
				for _, tl := range req.Tools {
					tools = append(tools, tl.Function.Name)
				}
				if want.tool == "" {
					eq(t, fmt.Sprintf("request %d tools", i), tools, []string(nil))
				} else {
					eq(t, fmt.Sprintf("request %d tools", i), tools, []string{want.tool})
				}
			}
		},
	}
}

// A function returns a Result that hands off and updates the context variables; the next
// agent's InstructionsFunc sees them in the system message of the next request.
func scenarioContextVariables() scenario {
	c := call{"call_remember_name", "remember_name", `{"name":"Ada"}`}
	r1, r2 := calls(c), say("Nice to meet you, Ada! What can I do for you?")
	return scenario{
		name:    "context_variables",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			type nameArgs struct {
				Name string `json:"name" description:"The user's first name"`
			}
			concierge := &swarm.Agent{Name: "Concierge", InstructionsFunc: func(cv swarm.ContextVariables) string {
				return fmt.Sprintf("You are the concierge. The user's name is %v. Session: %v.", cv["user_name"], cv["session"])
			}}
			var seen swarm.ContextVariables
			remember := swarm.NewFunction("remember_name", "Remember the user's name.",
				func(_ context.Context, a nameArgs, cv swarm.ContextVariables) (any, error) {
					seen = cloneCV(cv)
					return swarm.Result{Value: "Saved the name.", Agent: concierge, ContextVariables: swarm.ContextVariables{"user_name": a.Name}}, nil
				})
			greeter := &swarm.Agent{Name: "Greeter", Instructions: "Ask the user's name, then remember it.", Functions: []swarm.Function{remember}}
			initial := swarm.ContextVariables{"session": "s-42"}
			resp := mustRun(t, h, greeter, []openai.ChatCompletionMessage{user("I'm Ada.")}, swarm.WithContextVariables(initial))

			eq(t, "variables the function saw", seen, swarm.ContextVariables{"session": "s-42"})
			eq(t, "variables", resp.ContextVariables, swarm.ContextVariables{"session": "s-42", "user_name": "Ada"})
			eq(t, "initial variables", initial, swarm.ContextVariables{"session": "s-42"})
			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r1), toolMsg(c.id, "Saved the name."), assistant(r2)})
			if resp.Agent != concierge {
				t.Errorf("agent %q, want Concierge", resp.Agent.Name)
			}

			h.wantRequests(t, 2)
			if _, ok := h.req(t, 0).Tools[0].Function.Parameters["properties"].(map[string]any)["context_variables"]; ok {
				t.Error("context variables in the schema")
			}
			const want = "You are the concierge. The user's name is Ada. Session: s-42."
			eq(t, "system message of the next request", h.req(t, 1).Messages[0], openai.ChatCompletionMessage{Role: "system", Content: want})
			if h.mode == "replay" {
				// The recorded request carries the updated variables too.
				var rec sent
				if err := json.Unmarshal([]byte(h.recorded[1]), &rec); err != nil {
					t.Fatal(err)
				}
				eq(t, "recorded system message", rec.Messages[0].Content, want)
			}
		},
	}
}

func cloneCV(cv swarm.ContextVariables) swarm.ContextVariables {
	out := swarm.ContextVariables{}
	for k, v := range cv {
		out[k] = v
	}
	return out
}

// The max turns bound stops a model that keeps calling tools: with 3, the loop stops once
// the second turn's tool message makes 4 new messages.
func scenarioMaxTurns() scenario {
	c1 := call{"call_increment_1", "increment", `{}`}
	c2 := call{"call_increment_2", "increment", `{}`}
	r1, r2 := calls(c1), calls(c2)
	return scenario{
		name:    "max_turns",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			increment := swarm.NewFunction("increment", "Add one to the counter.",
				func(_ context.Context, _ noArgs, cv swarm.ContextVariables) (any, error) {
					n, _ := cv["count"].(int)
					n++
					return &swarm.Result{Value: fmt.Sprintf("count=%d", n), ContextVariables: swarm.ContextVariables{"count": n}}, nil
				})
			noParallel := false
			agent := &swarm.Agent{Name: "Counter", Instructions: "Count forever.", Functions: []swarm.Function{increment},
				ToolChoice: "required", ParallelToolCalls: &noParallel}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Count.")}, swarm.WithMaxTurns(3))

			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{
				assistant(r1), toolMsg(c1.id, "count=1"), assistant(r2), toolMsg(c2.id, "count=2"),
			})
			eq(t, "variables", resp.ContextVariables, swarm.ContextVariables{"count": 2})
			h.wantRequests(t, 2)
			req := h.req(t, 0)
			eq(t, "tool_choice", req.ToolChoice, any("required"))
			if req.ParallelToolCalls == nil || *req.ParallelToolCalls {
				t.Errorf("parallel_tool_calls: %s", req.raw["parallel_tool_calls"])
			}
		},
	}
}

// A function's error (and arguments it cannot decode) reach the model as tool messages.
func scenarioFunctionError() scenario {
	c1 := call{"call_lookup_ok_json", "lookup_order", `{"order_id":"A-1001"}`}
	c2 := call{"call_lookup_bad_json", "lookup_order", `{"order_id":1001}`}
	r1, r2 := calls(c1, c2), say("Sorry, I cannot look up your order right now.")
	return scenario{
		name:    "function_error",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			type orderArgs struct {
				OrderID string `json:"order_id"`
			}
			var got []string
			lookup := swarm.NewFunction("lookup_order", "Look up an order.",
				func(_ context.Context, a orderArgs, _ swarm.ContextVariables) (any, error) {
					got = append(got, a.OrderID)
					return nil, errors.New("order database unavailable")
				})
			agent := &swarm.Agent{Name: "Support", Instructions: "You help with orders.", Functions: []swarm.Function{lookup}}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Where is order A-1001?")})

			eq(t, "function calls", got, []string{"A-1001"})
			h.wantRequests(t, 2)
			sentMsgs := h.req(t, 1).Messages
			if len(sentMsgs) != 5 {
				t.Fatalf("second request has %d messages", len(sentMsgs))
			}
			eq(t, "tool message of the error", sentMsgs[3], toolMsg(c1.id, "Error: order database unavailable"))
			if m := sentMsgs[4]; m.ToolCallID != c2.id || !strings.HasPrefix(m.Content, "Error: invalid arguments for lookup_order: json: cannot unmarshal number") {
				t.Errorf("tool message of the bad arguments: %+v", m)
			}
			eq(t, "messages", resp.Messages[:2], []openai.ChatCompletionMessage{assistant(r1), sentMsgs[3]})
			eq(t, "last message", resp.Messages[len(resp.Messages)-1], assistant(r2))
		},
	}
}

// A tool the agent does not have: Swarm's error message, and the run goes on.
func scenarioUnknownTool() scenario {
	c := call{"call_unknown", "get_weather", `{"location":"Paris"}`}
	r1, r2 := calls(c), say("I cannot check the weather, but it is 14:05 in Paris.")
	return scenario{
		name:    "unknown_tool",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			called := false
			clock := swarm.NewFunction("get_time", "Get the time in a city.",
				func(context.Context, weatherArgs, swarm.ContextVariables) (any, error) {
					called = true
					return "14:05", nil
				})
			agent := &swarm.Agent{Name: "Clock", Instructions: "You tell the time.", Functions: []swarm.Function{clock}}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Weather in Paris?")})

			if called {
				t.Error("get_time was called")
			}
			want := toolMsg(c.id, "Error: Tool get_weather not found.")
			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r1), want, assistant(r2)})
			h.wantRequests(t, 2)
			eq(t, "tool message sent", h.req(t, 1).Messages[3], want)
		},
	}
}

// Parallel tool calls run in the model's order, their tool messages follow that order, the
// variable updates of the turn are applied after it, and the last handoff wins.
func scenarioParallelToolCalls() scenario {
	ca := call{"call_a_weather", "get_weather", `{"location":"Paris, France"}`}
	cb := call{"call_b_support", "transfer_to_support", `{}`}
	cc := call{"call_c_time", "get_time", `{"location":"Tokyo, Japan"}`}
	cd := call{"call_d_booking", "transfer_to_booking", `{}`}
	r1, r2 := calls(ca, cb, cc, cd), say("Booking here: Paris is sunny and it is 21:00 in Tokyo. Where to?")
	return scenario{
		name:    "parallel_tool_calls",
		replies: []reply{r1, r2},
		run: func(t *testing.T, h *harness) {
			var order []string
			var cvSeenByTime swarm.ContextVariables
			support := &swarm.Agent{Name: "Support", Instructions: "You help with problems."}
			booking := &swarm.Agent{Name: "Booking", Instructions: "You book trips."}
			weather := swarm.NewFunction("get_weather", "Get the weather.",
				func(_ context.Context, a weatherArgs, _ swarm.ContextVariables) (any, error) {
					order = append(order, "get_weather")
					return swarm.Result{Value: "sunny", ContextVariables: swarm.ContextVariables{"last_city": a.Location, "weather": "sunny"}}, nil
				})
			clock := swarm.NewFunction("get_time", "Get the time.",
				func(_ context.Context, a weatherArgs, cv swarm.ContextVariables) (any, error) {
					order = append(order, "get_time")
					cvSeenByTime = cloneCV(cv)
					return swarm.Result{Value: "21:00", ContextVariables: swarm.ContextVariables{"last_city": a.Location}}, nil
				})
			toSupport := swarm.NewFunction("transfer_to_support", "Transfer to support.",
				func(context.Context, noArgs, swarm.ContextVariables) (any, error) {
					order = append(order, "transfer_to_support")
					return support, nil
				})
			toBooking := swarm.NewFunction("transfer_to_booking", "Transfer to booking.",
				func(context.Context, noArgs, swarm.ContextVariables) (any, error) {
					order = append(order, "transfer_to_booking")
					return booking, nil
				})
			agent := &swarm.Agent{Name: "Travel", Instructions: "You plan trips.", Functions: []swarm.Function{weather, toSupport, clock, toBooking}}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Weather in Paris, time in Tokyo, then book.")},
				swarm.WithContextVariables(swarm.ContextVariables{"trip": 7}))

			eq(t, "call order", order, []string{"get_weather", "transfer_to_support", "get_time", "transfer_to_booking"})
			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{
				assistant(r1),
				toolMsg(ca.id, "sunny"),
				toolMsg(cb.id, `{"assistant": "Support"}`),
				toolMsg(cc.id, "21:00"),
				toolMsg(cd.id, `{"assistant": "Booking"}`),
				assistant(r2),
			})
			eq(t, "senders", resp.Senders, []string{"Travel", "", "", "", "", "Booking"})
			eq(t, "variables seen in the turn", cvSeenByTime, swarm.ContextVariables{"trip": 7})
			eq(t, "variables", resp.ContextVariables, swarm.ContextVariables{"trip": 7, "last_city": "Tokyo, Japan", "weather": "sunny"})
			if resp.Agent != booking {
				t.Errorf("agent %q, want Booking (the last handoff)", resp.Agent.Name)
			}
			h.wantRequests(t, 2)
			eq(t, "system message after the handoffs", h.req(t, 1).Messages[0].Content, "You book trips.")
		},
	}
}

// With execute tools off, the run ends at the first message that calls tools.
func scenarioExecuteToolsOff() scenario {
	c := call{"call_not_run", "get_weather", `{"location":"Oslo, Norway"}`}
	r1 := calls(c)
	return scenario{
		name:    "execute_tools_off",
		replies: []reply{r1},
		run: func(t *testing.T, h *harness) {
			called := false
			weather := swarm.NewFunction("get_weather", "Get the weather.",
				func(context.Context, weatherArgs, swarm.ContextVariables) (any, error) { called = true; return "", nil })
			agent := &swarm.Agent{Name: "Weather", Instructions: "You report the weather.", Functions: []swarm.Function{weather}}
			resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("Weather in Oslo?")},
				swarm.WithExecuteTools(false), swarm.WithModelOverride("gpt-4o-mini"))

			if called {
				t.Error("the function was called")
			}
			eq(t, "messages", resp.Messages, []openai.ChatCompletionMessage{assistant(r1)})
			if resp.Agent != agent {
				t.Errorf("agent %v", resp.Agent)
			}
			h.wantRequests(t, 1)
			eq(t, "model override", h.req(t, 0).Model, "gpt-4o-mini")
		},
	}
}

// streamAgents are the agents of the streaming scenario: content and two parallel tool calls
// in one message (a lookup and a handoff with variables), then the next agent calls a
// function and answers.
func streamAgents() (first *swarm.Agent, functionLog *[]string) {
	var mu sync.Mutex
	log := &[]string{}
	record := func(s string) {
		mu.Lock()
		*log = append(*log, s)
		mu.Unlock()
	}
	type cityArgs struct {
		City string `json:"city"`
	}
	billing := &swarm.Agent{Name: "Billing", InstructionsFunc: func(cv swarm.ContextVariables) string {
		return fmt.Sprintf("You handle invoices for customer %v.", cv["customer_id"])
	}}
	invoice := swarm.NewFunction("latest_invoice", "Get the latest invoice.",
		func(_ context.Context, _ noArgs, cv swarm.ContextVariables) (any, error) {
			record(fmt.Sprint("latest_invoice ", cv["customer_id"]))
			return map[string]any{"id": "INV-7", "amount": 42.5, "currency": "EUR"}, nil
		})
	billing.Functions = []swarm.Function{invoice}
	lookup := swarm.NewFunction("lookup_customer", "Find the customer of a city.",
		func(_ context.Context, a cityArgs, _ swarm.ContextVariables) (any, error) {
			record("lookup_customer " + a.City)
			return "customer C-9 in " + a.City, nil
		})
	toBilling := swarm.NewFunction("transfer_to_billing", "Transfer to billing.",
		func(context.Context, noArgs, swarm.ContextVariables) (any, error) {
			record("transfer_to_billing")
			return swarm.Result{Agent: billing, Value: "Transferred to billing.", ContextVariables: swarm.ContextVariables{"customer_id": "C-9"}}, nil
		})
	triage := &swarm.Agent{Name: "Triage", Instructions: "You route customers.", Functions: []swarm.Function{lookup, toBilling}}
	return triage, log
}

var streamReplies = []reply{
	{content: "Let me find your account.", calls: []call{
		{"call_lookup_lyon", "lookup_customer", `{"city":"Lyon"}`},
		{"call_to_billing", "transfer_to_billing", `{}`},
	}},
	calls(call{"call_invoice", "latest_invoice", `{}`}),
	say("Your latest invoice, INV-7, is 42.50 EUR."),
}

// Streaming gives the same Response as Run for the same model outputs.
func scenarioStreamMatchesRun() scenario {
	return scenario{
		name:    "stream_matches_run",
		replies: slices.Concat(streamReplies, streamReplies),
		run: func(t *testing.T, h *harness) {
			msgs := []openai.ChatCompletionMessage{user("I live in Lyon; what is my last invoice?")}
			opts := []swarm.RunOption{swarm.WithContextVariables(swarm.ContextVariables{"channel": "chat"})}

			first, runCalls := streamAgents()
			want := mustRun(t, h, first, msgs, opts...)

			first2, streamCalls := streamAgents()
			events := runStream(t, h, first2, msgs, opts...)
			got := events[len(events)-1].Response

			// The agents are new values: compare them by name, and the rest as is.
			if got.Agent.Name != "Billing" || want.Agent.Name != "Billing" {
				t.Errorf("agents %q and %q, want Billing", got.Agent.Name, want.Agent.Name)
			}
			eq(t, "messages (stream vs run)", got.Messages, want.Messages)
			eq(t, "senders (stream vs run)", got.Senders, want.Senders)
			eq(t, "variables (stream vs run)", got.ContextVariables, want.ContextVariables)
			eq(t, "function calls (stream vs run)", *streamCalls, *runCalls)
			eq(t, "function calls", *runCalls, []string{"lookup_customer Lyon", "transfer_to_billing", "latest_invoice C-9"})
			eq(t, "variables", want.ContextVariables, swarm.ContextVariables{"channel": "chat", "customer_id": "C-9"})
			eq(t, "messages", want.Messages, []openai.ChatCompletionMessage{
				assistant(streamReplies[0]),
				toolMsg("call_lookup_lyon", "customer C-9 in Lyon"),
				toolMsg("call_to_billing", "Transferred to billing."),
				assistant(streamReplies[1]),
				toolMsg("call_invoice", `{"amount":42.5,"currency":"EUR","id":"INV-7"}`),
				assistant(streamReplies[2]),
			})

			// The streamed requests are the same but for "stream".
			h.wantRequests(t, 6)
			for i := range 3 {
				a, b := h.req(t, i), h.req(t, i+3)
				if a.Stream || !b.Stream {
					t.Errorf("request %d stream=%v, request %d stream=%v", i, a.Stream, i+3, b.Stream)
				}
				delete(a.raw, "stream")
				delete(b.raw, "stream")
				eq(t, fmt.Sprintf("streamed request %d", i), b.raw, a.raw)
			}
			checkEvents(t, events, []string{"Triage", "Billing", "Billing"}, want.Messages)
		},
	}
}

// checkEvents checks the shape of a stream: per turn Start, deltas, End (with the sender),
// the deltas adding up to the turn's message, and a final Response event.
func checkEvents(t *testing.T, events []swarm.StreamEvent, senders []string, msgs []openai.ChatCompletionMessage) {
	t.Helper()
	var assistants []openai.ChatCompletionMessage
	for _, m := range msgs {
		if m.Role == openai.ChatMessageRoleAssistant {
			assistants = append(assistants, m)
		}
	}
	turn := -1
	var content strings.Builder
	var args []string
	inTurn := false
	for i, ev := range events {
		switch {
		case ev.Response != nil:
			if i != len(events)-1 || inTurn {
				t.Errorf("event %d: a Response before the end", i)
			}
		case ev.Start:
			if inTurn {
				t.Errorf("event %d: Start inside a turn", i)
			}
			turn++
			inTurn = true
			content.Reset()
			args = nil
			if turn < len(senders) && ev.Sender != senders[turn] {
				t.Errorf("event %d: Start sender %q, want %q", i, ev.Sender, senders[turn])
			}
		case ev.End:
			if !inTurn {
				t.Errorf("event %d: End outside a turn", i)
			}
			inTurn = false
			if turn < len(assistants) {
				eq(t, fmt.Sprintf("turn %d content", turn), content.String(), assistants[turn].Content)
				var want []string
				for _, c := range assistants[turn].ToolCalls {
					want = append(want, c.Function.Arguments)
				}
				eq(t, fmt.Sprintf("turn %d arguments", turn), args, want)
			}
		case ev.Delta != nil:
			if !inTurn {
				t.Errorf("event %d: a delta outside a turn", i)
			}
			if turn < len(senders) && ev.Sender != senders[turn] {
				t.Errorf("event %d: delta sender %q, want %q", i, ev.Sender, senders[turn])
			}
			content.WriteString(ev.Delta.Content)
			for _, tc := range ev.Delta.ToolCalls {
				for len(args) <= *tc.Index {
					args = append(args, "")
				}
				args[*tc.Index] += tc.Function.Arguments
			}
		default:
			t.Errorf("event %d is empty: %+v", i, ev)
		}
	}
	if turn+1 != len(senders) {
		t.Errorf("%d turns streamed, want %d", turn+1, len(senders))
	}
}
