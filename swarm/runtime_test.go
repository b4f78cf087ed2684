package swarm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/swarm"
)

// These tests run against the fake server only (no cassettes): edge cases of the runtime.

func fakeHarness(t testing.TB, replies ...reply) (*harness, *fakeOpenAI) {
	t.Helper()
	f := &fakeOpenAI{t: t, tag: "unit", replies: replies}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return newHarness("fake", fakeKey, srv.URL+"/v1", srv.Client().Transport), f
}

func TestRunArgumentErrors(t *testing.T) {
	h, _ := fakeHarness(t)
	ctx := context.Background()
	if _, err := h.client.Run(ctx, nil, nil); err == nil {
		t.Error("Run with a nil agent: no error")
	}
	var nilClient *swarm.Client
	if _, err := nilClient.Run(ctx, &swarm.Agent{}, nil); err == nil {
		t.Error("Run on a nil client: no error")
	}
	if _, err := swarm.NewClient(nil).Run(ctx, &swarm.Agent{}, nil); err == nil {
		t.Error("Run without an openai client: no error")
	}
	for _, err := range h.client.RunStream(ctx, nil, nil) {
		if err == nil {
			t.Error("RunStream with a nil agent: no error")
		}
	}
	h.wantRequests(t, 0)
}

// Swarm's defaults: model gpt-4o, instructions "You are a helpful agent.", name "Agent".
func TestAgentDefaults(t *testing.T) {
	h, _ := fakeHarness(t, calls(call{"c1", "handoff", `{}`}), say("ok"))
	unnamed := &swarm.Agent{}
	a := &swarm.Agent{Functions: []swarm.Function{transferTo("handoff", unnamed)}}
	resp := mustRun(t, h, a, []openai.ChatCompletionMessage{user("hi")})
	eq(t, "senders", resp.Senders, []string{"Agent", "", "Agent"})
	eq(t, "handoff message", resp.Messages[1].Content, `{"assistant": "Agent"}`)
	req := h.req(t, 0)
	eq(t, "model", req.Model, "gpt-4o")
	eq(t, "system message", req.Messages[0].Content, "You are a helpful agent.")

	// InstructionsFunc wins, even when it returns "".
	h2, _ := fakeHarness(t, say("ok"))
	b := &swarm.Agent{Instructions: "static", InstructionsFunc: func(swarm.ContextVariables) string { return "" }}
	mustRun(t, h2, b, nil)
	if _, ok := h2.req(t, 0).raw["messages"]; !ok || h2.req(t, 0).Messages[0].Content != "" || h2.req(t, 0).Messages[0].Role != "system" {
		t.Errorf("system message %+v", h2.req(t, 0).Messages[0])
	}
}

// What functions return becomes the tool message as documented.
func TestFunctionResults(t *testing.T) {
	var cs []call
	results := map[string]any{
		"nil": nil,
		"struct": struct {
			A int `json:"a"`
		}{1},
		"slice":        []int{1, 2},
		"html":         "<b>&</b>",
		"html_json":    map[string]string{"s": "<b>&</b>"},
		"raw":          json.RawMessage(`{"x": [1, 2]}`),
		"nil_result":   (*swarm.Result)(nil),
		"empty_result": swarm.Result{},
		"nil_agent":    (*swarm.Agent)(nil),
		"unencodable":  make(chan int),
		"number":       3.5,
	}
	names := []string{"nil", "struct", "slice", "html", "html_json", "raw", "nil_result", "empty_result", "nil_agent", "unencodable", "number"}
	var fns []swarm.Function
	for _, n := range names {
		cs = append(cs, call{"call_" + n, n, `{}`})
		v := results[n]
		fns = append(fns, swarm.NewFunction(n, "", func(context.Context, noArgs, swarm.ContextVariables) (any, error) { return v, nil }))
	}
	h, _ := fakeHarness(t, calls(cs...), say("done"))
	a := &swarm.Agent{Name: "A", Functions: fns}
	resp := mustRun(t, h, a, nil)
	got := map[string]string{}
	for _, m := range resp.Messages[1 : len(resp.Messages)-1] {
		got[strings.TrimPrefix(m.ToolCallID, "call_")] = m.Content
	}
	eq(t, "tool messages", got, map[string]string{
		"nil":          "null",
		"struct":       `{"a":1}`,
		"slice":        "[1,2]",
		"html":         "<b>&</b>",
		"html_json":    `{"s":"<b>&</b>"}`,
		"raw":          `{"x":[1,2]}`,
		"nil_result":   "",
		"empty_result": "",
		"nil_agent":    "null",
		"unencodable":  "Error: swarm: cannot encode the function's result (chan int) as JSON: json: unsupported type: chan int",
		"number":       "3.5",
	})
	if resp.Agent != a {
		t.Errorf("a nil *Agent handed off to %v", resp.Agent)
	}
}

// customFunction implements Function directly, with a context_variables parameter the
// runtime hides from the model, as Swarm does.
type customFunction struct {
	name   string
	params map[string]any
	args   *[]string
}

func (f customFunction) Name() string               { return f.name }
func (f customFunction) Description() string        { return "" }
func (f customFunction) Parameters() map[string]any { return f.params }
func (f customFunction) Call(_ context.Context, args json.RawMessage, cv swarm.ContextVariables) (any, error) {
	*f.args = append(*f.args, string(args))
	return fmt.Sprint(cv["user"]), nil
}

func TestCustomFunctionAndToolChoice(t *testing.T) {
	params := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"q":                 map[string]any{"type": "string"},
			"context_variables": map[string]any{"type": "object"},
		},
		"required": []any{"q", "context_variables"},
	}
	var args []string
	custom := customFunction{name: "search", params: params, args: &args}
	var first []string
	shadowed := customFunction{name: "search", params: nil, args: &first}
	h, _ := fakeHarness(t, calls(call{"c1", "search", `{"q":"go"}`}), say("ok"))
	a := &swarm.Agent{Name: "A", ToolChoice: "search", Functions: []swarm.Function{shadowed, custom, nil}}
	resp := mustRun(t, h, a, nil, swarm.WithContextVariables(swarm.ContextVariables{"user": "u1"}))

	eq(t, "calls of the last function of the name", args, []string{`{"q":"go"}`})
	eq(t, "calls of the shadowed one", first, []string(nil))
	eq(t, "tool message", resp.Messages[1].Content, "u1")
	req := h.req(t, 0)
	eq(t, "tool_choice", string(req.raw["tool_choice"]), `{"type":"function","function":{"name":"search"}}`)
	if len(req.Tools) != 2 {
		t.Fatalf("tools %s", req.raw["tools"])
	}
	eq(t, "nil parameters", req.Tools[0].Function.Parameters, js(t, `{"type":"object","properties":{},"required":[]}`))
	eq(t, "hidden context variables", req.Tools[1].Function.Parameters, js(t, `{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}`))
	if _, ok := params["properties"].(map[string]any)["context_variables"]; !ok {
		t.Error("the function's own schema was modified")
	}
}

func TestMaxTurnsZero(t *testing.T) {
	h, _ := fakeHarness(t)
	a := &swarm.Agent{Name: "A"}
	log := &eventLog{}
	resp := mustRun(t, h, a, []openai.ChatCompletionMessage{user("hi")}, swarm.WithMaxTurns(0), swarm.WithObserver(&recObserver{name: "r", log: log}))
	h.wantRequests(t, 0)
	if resp.Messages == nil || len(resp.Messages) != 0 || resp.Senders == nil || resp.Agent != a || resp.ContextVariables == nil {
		t.Errorf("response %+v", resp)
	}
	eq(t, "observer calls", log.take(), []string{
		"r RunStart A stream=false messages=1 cv=map[] [g=- r=-]",
		"r AgentStart A from=<nil> [g=- r=run]",
		"r AgentEnd A to=<nil> turns=0 err=<nil> [g=- r=agent:A]",
		"r RunEnd messages=0 agent=A cv=map[] err=<nil> [g=- r=run]",
	})
}

// A handoff to the active agent is not a handoff.
func TestHandoffToSelf(t *testing.T) {
	h, _ := fakeHarness(t, calls(call{"c1", "stay", `{}`}), say("ok"))
	a := &swarm.Agent{Name: "A"}
	a.Functions = []swarm.Function{transferTo("stay", a)}
	log := &eventLog{}
	mustRun(t, h, a, nil, swarm.WithObserver(&recObserver{name: "r", log: log}))
	for _, l := range log.take() {
		if strings.Contains(l, "Handoff") || strings.Contains(l, "to=A") || strings.Contains(l, "from=A") {
			t.Errorf("observer call %q", l)
		}
	}
}

// A failed model call ends the agent and the run with the error, which wraps the API error.
func TestModelError(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			// One reply, then the fake server answers 500 (silentT: it would fail the test).
			h2, _ := fakeHarness(&silentT{TB: t}, calls(call{"c1", "f", `{}`}))
			a := &swarm.Agent{Name: "A", Functions: []swarm.Function{swarm.NewFunction("f", "", func(context.Context, noArgs, swarm.ContextVariables) (any, error) { return "x", nil })}}
			log := &eventLog{}
			opt := swarm.WithObserver(&recObserver{name: "r", log: log})
			var err error
			if stream {
				n := 0
				for ev, e := range h2.client.RunStream(context.Background(), a, nil, opt) {
					n++
					if e != nil {
						err = e
					} else if ev.Response != nil {
						t.Error("a Response after an error")
					}
				}
			} else {
				var resp *swarm.Response
				resp, err = h2.client.Run(context.Background(), a, nil, opt)
				if resp != nil {
					t.Errorf("response %+v with an error", resp)
				}
			}
			var apiErr *openai.APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusInternalServerError {
				t.Fatalf("error %v, want an *openai.APIError with status 500", err)
			}
			lines := log.take()
			if len(lines) < 2 {
				t.Fatalf("observer calls %q", lines)
			}
			end := lines[len(lines)-2:]
			if !strings.HasPrefix(end[0], "r AgentEnd A to=<nil> turns=2 err=swarm: agent \"A\": chat completion") ||
				!strings.HasPrefix(end[1], "r RunEnd messages=2 agent=A cv=map[] err=swarm: agent \"A\"") {
				t.Errorf("last observer calls %q", end)
			}
		})
	}
}

// silentT swallows the fake server's complaint about an unscripted request.
type silentT struct {
	testing.TB
}

func (silentT) Errorf(string, ...any) {}

// Stopping the iteration of RunStream ends the run for the observers and closes the stream.
func TestRunStreamStop(t *testing.T) {
	h, f := fakeHarness(t, say("one two three"), say("unused"))
	a := &swarm.Agent{Name: "A"}
	log := &eventLog{}
	n := 0
	for ev, err := range h.client.RunStream(context.Background(), a, nil, swarm.WithObserver(&recObserver{name: "r", log: log})) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if ev.Delta != nil {
			break
		}
	}
	if n != 2 {
		t.Errorf("%d events", n)
	}
	if f.answered() != 1 {
		t.Errorf("%d model calls", f.answered())
	}
	eq(t, "observer calls", log.take(), []string{
		"r RunStart A stream=true messages=0 cv=map[] [g=- r=-]",
		"r AgentStart A from=<nil> [g=- r=run]",
		"r AgentEnd A to=<nil> turns=1 err=swarm: the stream consumer stopped iterating [g=- r=agent:A]",
		"r RunEnd messages=0 agent=A cv=map[] err=swarm: the stream consumer stopped iterating [g=- r=run]",
	})
}

func TestRegisterObserver(t *testing.T) {
	h, _ := fakeHarness(t, say("a"), say("b"))
	log := &eventLog{}
	unregister := swarm.RegisterObserver(&recObserver{name: "g", log: log})
	swarm.RegisterObserver(nil)() // ignored
	a := &swarm.Agent{Name: "A"}
	mustRun(t, h, a, nil)
	if n := len(log.take()); n != 4 {
		t.Errorf("%d observer calls while registered", n)
	}
	unregister()
	unregister()
	mustRun(t, h, a, nil)
	if got := log.take(); len(got) != 0 {
		t.Errorf("observer calls after unregister: %q", got)
	}
}

// Concurrent runs on one client, with observers registered and unregistered meanwhile (for
// the race detector).
func TestConcurrentRuns(t *testing.T) {
	const n = 8
	h, f := fakeHarness(t)
	// The replies depend on the conversation, not on the order the runs' requests arrive.
	f.decide = func(body []byte) reply {
		if strings.Contains(string(body), `"role":"tool"`) {
			return say("ok")
		}
		return calls(call{"c", "f", `{"x":"y"}`})
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer swarm.RegisterObserver(swarm.NoopObserver{})()
		}()
		go func() {
			defer wg.Done()
			type args struct {
				X string `json:"x"`
			}
			f := swarm.NewFunction("f", "", func(_ context.Context, a args, cv swarm.ContextVariables) (any, error) {
				return swarm.Result{Value: a.X, ContextVariables: swarm.ContextVariables{"i": cv["i"]}}, nil
			})
			a := &swarm.Agent{Name: "A", Functions: []swarm.Function{f}}
			resp, err := h.client.Run(context.Background(), a, nil, swarm.WithContextVariables(swarm.ContextVariables{"i": i}))
			if err != nil {
				t.Error(err)
				return
			}
			if resp.ContextVariables["i"] != i {
				t.Errorf("variables %v, want i=%d", resp.ContextVariables, i)
			}
		}()
	}
	wg.Wait()
	if got := f.answered(); got != 2*n {
		t.Errorf("%d model calls, want %d", got, 2*n)
	}
}
