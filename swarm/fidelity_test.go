package swarm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/swarm"
)

// messageJSON returns the JSON text of message i of the request body, as sent.
func messageJSON(t *testing.T, body string, i int) string {
	t.Helper()
	var req struct {
		Messages []json.RawMessage `json:"messages"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &req))
	require.Greater(t, len(req.Messages), i, "request %s", body)
	return string(req.Messages[i])
}

// A function whose result is empty: the tool message still carries "content", which the API
// requires (the fake server rejects a tool message without it, as the API does).
func TestEmptyToolResultIsSentWithContent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		result any
	}{
		{"empty string", ""},
		{"empty Result", swarm.Result{}},
		{"nil *Result", (*swarm.Result)(nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := fakeHarness(t, calls(call{"call_f", "f", `{}`}), say("done"))
			f := swarm.NewFunction("f", "Returns nothing.", func(context.Context, noArgs, swarm.ContextVariables) (any, error) {
				return tc.result, nil
			})
			resp := mustRun(t, h, &swarm.Agent{Name: "A", Functions: []swarm.Function{f}}, []openai.ChatCompletionMessage{user("go")})
			h.wantRequests(t, 2)
			assert.Equal(t, `{"content":"","role":"tool","tool_call_id":"call_f"}`, messageJSON(t, h.req(t, 1).body, 3))
			assert.Equal(t, "done", resp.Messages[len(resp.Messages)-1].Content)
		})
	}
}

// A schema that requires context_variables without listing it among its properties is sent
// without the requirement: the model is never asked for what it cannot see.
func TestContextVariablesNeverInTheSchema(t *testing.T) {
	params := map[string]any{
		"type":       "object",
		"properties": map[string]any{"name": map[string]any{"type": "string"}},
		"required":   []any{"name", "context_variables"},
	}
	var args []string
	custom := customFunction{name: "greet", params: params, args: &args}
	typed := swarm.NewFunction("lookup", "", func(_ context.Context, a struct {
		Name string `json:"name"`
	}, cv swarm.ContextVariables) (any, error) {
		return cv["user"], nil
	})
	h, _ := fakeHarness(t, say("hi"))
	mustRun(t, h, &swarm.Agent{Name: "A", Functions: []swarm.Function{custom, typed}}, []openai.ChatCompletionMessage{user("hello")})
	req := h.req(t, 0)
	var tools []struct {
		Function struct {
			Name       string          `json:"name"`
			Parameters json.RawMessage `json:"parameters"`
		} `json:"function"`
	}
	require.NoError(t, json.Unmarshal(req.raw["tools"], &tools))
	require.Len(t, tools, 2)
	assert.Equal(t, "greet", tools[0].Function.Name)
	assert.JSONEq(t, `{"properties":{"name":{"type":"string"}},"required":["name"],"type":"object"}`, string(tools[0].Function.Parameters))
	assert.Equal(t, "lookup", tools[1].Function.Name)
	assert.JSONEq(t, `{"properties":{"name":{"type":"string"}},"required":["name"],"type":"object"}`, string(tools[1].Function.Parameters))
	assert.Equal(t, []any{"name", "context_variables"}, params["required"], "the function's own schema is left as it was")
}

// A run works on a deep copy of the caller's variables: what its functions change in nested
// values reaches the Response, never the caller's map nor a later run with the same option.
func TestRunKeepsTheCallersContextVariables(t *testing.T) {
	prefs := map[string]any{"seat": "aisle"}
	tags := []string{"gold"}
	type profile struct{ Tier string }
	prof := &profile{Tier: "basic"}
	caller := swarm.ContextVariables{"prefs": prefs, "tags": tags, "profile": prof}
	opt := swarm.WithContextVariables(caller)

	change := swarm.NewFunction("change", "", func(_ context.Context, _ noArgs, cv swarm.ContextVariables) (any, error) {
		seen := cv["prefs"].(map[string]any)["seat"]
		cv["prefs"].(map[string]any)["seat"] = "window"
		cv["tags"].([]string)[0] = "platinum"
		cv["profile"].(*profile).Tier = "premium"
		return seen, nil
	})
	agent := &swarm.Agent{Name: "A", Functions: []swarm.Function{change}}
	for run := 0; run < 2; run++ {
		h, _ := fakeHarness(t, calls(call{"call_c", "change", `{}`}), say("ok"))
		resp := mustRun(t, h, agent, []openai.ChatCompletionMessage{user("change")}, opt)
		assert.Equal(t, "aisle", resp.Messages[1].Content, "run %d starts from the caller's values", run)
		assert.Equal(t, "window", resp.ContextVariables["prefs"].(map[string]any)["seat"])
		assert.Equal(t, []string{"platinum"}, resp.ContextVariables["tags"])
		assert.Equal(t, "premium", resp.ContextVariables["profile"].(*profile).Tier)
	}
	assert.Equal(t, map[string]any{"seat": "aisle"}, prefs)
	assert.Equal(t, []string{"gold"}, tags)
	assert.Equal(t, "basic", prof.Tier)
}

// A required argument the model left out: the model hears which one, and the function is not
// called with a zero value in its place.
func TestMissingRequiredArgumentIsNotCalled(t *testing.T) {
	type address struct {
		City    string `json:"city"`
		Country string `json:"country,omitempty"`
	}
	type shipArgs struct {
		Items []struct {
			SKU string `json:"sku"`
		} `json:"items"`
		To address `json:"to"`
	}
	var weatherCalls, shipCalls int
	weather := swarm.NewFunction("get_weather", "", func(_ context.Context, a weatherArgs, _ swarm.ContextVariables) (any, error) {
		weatherCalls++
		return "sunny in " + a.Location, nil
	})
	ship := swarm.NewFunction("ship", "", func(context.Context, shipArgs, swarm.ContextVariables) (any, error) {
		shipCalls++
		return "shipped", nil
	})
	for _, tc := range []struct {
		call  call
		want  string
		calls *int
	}{
		{call{"c1", "get_weather", `{"unit":"celsius"}`}, `Error: missing required argument "location" for get_weather`, &weatherCalls},
		{call{"c2", "get_weather", ``}, `Error: missing required argument "location" for get_weather`, &weatherCalls},
		{call{"c2n", "get_weather", ` null `}, `Error: missing required argument "location" for get_weather`, &weatherCalls},
		{call{"c3", "ship", `{"items":[{"sku":"a"},{}],"to":{"city":"Oslo"}}`}, `Error: missing required argument "items[1].sku" for ship`, &shipCalls},
		{call{"c4", "ship", `{"items":[],"to":{"country":"NO"}}`}, `Error: missing required argument "to.city" for ship`, &shipCalls},
		{call{"c5", "get_weather", `{"location":"Paris"}`}, "sunny in Paris", &weatherCalls},
	} {
		t.Run(tc.call.id, func(t *testing.T) {
			before := *tc.calls
			h, _ := fakeHarness(t, calls(tc.call), say("ok"))
			resp := mustRun(t, h, &swarm.Agent{Name: "A", Functions: []swarm.Function{weather, ship}}, []openai.ChatCompletionMessage{user("go")})
			assert.Equal(t, toolMsg(tc.call.id, tc.want), resp.Messages[1])
			wantCalls := before
			if !strings.HasPrefix(tc.want, "Error:") {
				wantCalls++
			}
			assert.Equal(t, wantCalls, *tc.calls, "function calls")
		})
	}
}

// Bad JSON arguments are still the function's to report (its decoding error), as documented.
func TestBadJSONArgumentsReachTheFunctionsDecoding(t *testing.T) {
	weather := swarm.NewFunction("get_weather", "", func(context.Context, weatherArgs, swarm.ContextVariables) (any, error) {
		return "called", nil
	})
	h, _ := fakeHarness(t, calls(call{"c1", "get_weather", `{"location":`}), say("ok"))
	resp := mustRun(t, h, &swarm.Agent{Name: "A", Functions: []swarm.Function{weather}}, []openai.ChatCompletionMessage{user("go")})
	assert.True(t, strings.HasPrefix(resp.Messages[1].Content, "Error: invalid arguments for get_weather: "), resp.Messages[1].Content)
}
