package swarm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// ctxVarsName is the parameter Swarm hides from the model.
const ctxVarsName = "context_variables"

// errStreamStopped ends the run (for the observers) when the consumer of RunStream stops
// iterating before the final event.
var errStreamStopped = errors.New("swarm: the stream consumer stopped iterating")

// Run runs agent on messages until an assistant message calls no tools (or tools are not
// executed), the max turns bound is reached, or an error occurs, as Swarm's run. It returns
// the new messages, the agent active at the end and the context variables. The messages given
// are not modified.
//
// Errors are those of the model calls (wrapped, so errors.As finds *openai.APIError) and of
// ctx; a function's error does not end the run (see [Result]).
func (c *Client) Run(ctx context.Context, agent *Agent, messages []openai.ChatCompletionMessage, opts ...RunOption) (*Response, error) {
	if c == nil || c.api == nil {
		return nil, errNilClient
	}
	if agent == nil {
		return nil, errNilAgent
	}
	return c.run(ctx, agent, messages, newRunConfig(opts), false, c.complete)
}

// RunStream is Run with the model's replies streamed, as Swarm's run_and_stream: for each
// turn a Start event, the deltas of the assistant message, and an End event, all with Sender
// set to the active agent's name; then a last event with the Response. The messages, agent
// and variables of that Response are the same as Run's for the same model outputs: tool calls
// are assembled from their deltas by index, in the order they first appear, and run after the
// End event.
//
// The run starts when the sequence is iterated, and again at each iteration. An error is
// yielded once, as the last item, with a zero StreamEvent. Stopping the iteration early
// abandons the run: the model stream is closed and the observers see the run end with an
// error.
func (c *Client) RunStream(ctx context.Context, agent *Agent, messages []openai.ChatCompletionMessage, opts ...RunOption) iter.Seq2[StreamEvent, error] {
	return func(yield func(StreamEvent, error) bool) {
		if c == nil || c.api == nil {
			yield(StreamEvent{}, errNilClient)
			return
		}
		if agent == nil {
			yield(StreamEvent{}, errNilAgent)
			return
		}
		resp, err := c.run(ctx, agent, messages, newRunConfig(opts), true, c.streamTurn(yield))
		if errors.Is(err, errStreamStopped) {
			return
		}
		if err != nil {
			yield(StreamEvent{}, err)
			return
		}
		yield(StreamEvent{Response: resp}, nil)
	}
}

// turnFunc makes one model call and returns the assistant message.
type turnFunc func(ctx context.Context, agent *Agent, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error)

// run is the loop of Swarm's run and run_and_stream.
func (c *Client) run(ctx context.Context, agent *Agent, messages []openai.ChatCompletionMessage, cfg runConfig, stream bool, turn turnFunc) (*Response, error) {
	obs := runObservers(cfg.observers)
	// The run works on its own copy, as Swarm's deepcopy: functions that change nested
	// values never reach the caller's variables.
	cv := deepCopyVariables(cfg.cv)
	history := slices.Clone(messages)
	initLen := len(history)
	var senders []string

	runScope := obs.start(ctx, func(o Observer, ctx context.Context) context.Context {
		return o.RunStart(ctx, RunStart{
			Agent:            agent,
			Messages:         slices.Clone(messages),
			ContextVariables: maps.Clone(cv),
			Stream:           stream,
		})
	})
	active := agent
	agentScope := obs.start(runScope.inner, func(o Observer, ctx context.Context) context.Context {
		return o.AgentStart(ctx, AgentStart{Agent: active})
	})
	turns := 0
	var runErr error

	for len(history)-initLen < cfg.maxTurns {
		req := buildRequest(active, history, cv, cfg.model)
		turns++
		msg, err := turn(agentScope.inner, active, req)
		if err != nil {
			runErr = err
			break
		}
		history = append(history, msg)
		senders = append(senders, active.name())

		if len(msg.ToolCalls) == 0 || !cfg.executeTools {
			break
		}

		p := handleToolCalls(agentScope.inner, obs, active, msg.ToolCalls, cv)
		history = append(history, p.messages...)
		for range p.messages {
			senders = append(senders, "")
		}
		maps.Copy(cv, p.cv)
		if p.agent != nil && p.agent != active {
			from, to := active, p.agent
			obs.each(agentScope, func(o Observer, ctx context.Context) {
				o.Handoff(ctx, Handoff{From: from, To: to, ToolCallID: p.callID})
			})
			n := turns
			obs.each(agentScope, func(o Observer, ctx context.Context) {
				o.AgentEnd(ctx, AgentEnd{Agent: from, To: to, Turns: n})
			})
			agentScope = obs.start(runScope.inner, func(o Observer, ctx context.Context) context.Context {
				return o.AgentStart(ctx, AgentStart{Agent: to, From: from})
			})
			active, turns = to, 0
		}
	}

	newMessages := slices.Clone(history[initLen:])
	if newMessages == nil {
		newMessages = []openai.ChatCompletionMessage{}
	}
	if senders == nil {
		senders = []string{}
	}
	resp := &Response{Messages: newMessages, Agent: active, ContextVariables: cv, Senders: senders}
	obs.each(agentScope, func(o Observer, ctx context.Context) {
		o.AgentEnd(ctx, AgentEnd{Agent: active, Turns: turns, Err: runErr})
	})
	obs.each(runScope, func(o Observer, ctx context.Context) {
		o.RunEnd(ctx, RunEnd{Response: resp, Err: runErr})
	})
	if runErr != nil {
		return nil, runErr
	}
	return resp, nil
}

// buildRequest is Swarm's get_chat_completion: the system message from the instructions,
// the history, the tools of the agent's functions.
func buildRequest(a *Agent, history []openai.ChatCompletionMessage, cv ContextVariables, modelOverride string) openai.ChatCompletionRequest {
	instructions := a.Instructions
	switch {
	case a.InstructionsFunc != nil:
		instructions = a.InstructionsFunc(maps.Clone(cv))
	case instructions == "":
		instructions = DefaultInstructions
	}
	msgs := make([]openai.ChatCompletionMessage, 0, len(history)+1)
	msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: instructions})
	msgs = append(msgs, history...)

	model := modelOverride
	if model == "" {
		model = a.Model
	}
	if model == "" {
		model = DefaultModel
	}
	req := openai.ChatCompletionRequest{Model: model, Messages: msgs}

	for _, f := range a.Functions {
		if f == nil {
			continue
		}
		req.Tools = append(req.Tools, openai.Tool{
			Type: openai.ToolTypeFunction,
			Function: &openai.FunctionDefinition{
				Name:        f.Name(),
				Description: f.Description(),
				Parameters:  hideContextVariables(f.Parameters()),
			},
		})
	}
	if len(req.Tools) > 0 {
		switch a.ToolChoice {
		case "":
		case "auto", "required", "none":
			req.ToolChoice = a.ToolChoice
		default:
			req.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: a.ToolChoice}}
		}
		parallel := true
		if a.ParallelToolCalls != nil {
			parallel = *a.ParallelToolCalls
		}
		req.ParallelToolCalls = parallel
	}
	return req
}

// hideContextVariables returns the schema without a "context_variables" property (nor
// requirement), leaving params as it was; nil becomes an empty object schema.
func hideContextVariables(params map[string]any) map[string]any {
	if params == nil {
		return map[string]any{"type": "object", "properties": map[string]any{}, "required": []string{}}
	}
	// As Swarm does, the property and the requirement are taken out each on its own: a
	// schema may require context_variables without listing it among its properties.
	props, _ := params["properties"].(map[string]any)
	_, inProps := props[ctxVarsName]
	inRequired := slices.Contains(requiredNames(params), ctxVarsName)
	if !inProps && !inRequired {
		return params
	}
	out := maps.Clone(params)
	if inProps {
		props = maps.Clone(props)
		delete(props, ctxVarsName)
		out["properties"] = props
	}
	switch req := params["required"].(type) {
	case []string:
		out["required"] = slices.DeleteFunc(slices.Clone(req), func(s string) bool { return s == ctxVarsName })
	case []any:
		out["required"] = slices.DeleteFunc(slices.Clone(req), func(s any) bool { return s == ctxVarsName })
	}
	return out
}

// requiredNames returns the "required" list of an object schema, given as []string or []any.
func requiredNames(schema map[string]any) []string {
	switch req := schema["required"].(type) {
	case []string:
		return req
	case []any:
		names := make([]string, 0, len(req))
		for _, r := range req {
			if s, ok := r.(string); ok {
				names = append(names, s)
			}
		}
		return names
	}
	return nil
}

// complete is the model call of Run.
func (c *Client) complete(ctx context.Context, a *Agent, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
	resp, err := c.api.CreateChatCompletion(ctx, req)
	if err != nil {
		return openai.ChatCompletionMessage{}, fmt.Errorf("swarm: agent %q: chat completion: %w", a.name(), err)
	}
	if len(resp.Choices) == 0 {
		return openai.ChatCompletionMessage{}, fmt.Errorf("swarm: agent %q: chat completion %s has no choices", a.name(), resp.ID)
	}
	return resp.Choices[0].Message, nil
}

// streamTurn returns the model call of RunStream, which yields the events of the turn.
func (c *Client) streamTurn(yield func(StreamEvent, error) bool) turnFunc {
	return func(ctx context.Context, a *Agent, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		var acc accumulator
		req.Stream = true
		stream, err := c.api.CreateChatCompletionStream(ctx, req)
		if err != nil {
			return acc.message(), fmt.Errorf("swarm: agent %q: chat completion stream: %w", a.name(), err)
		}
		defer stream.Close()
		sender := a.name()
		if !yield(StreamEvent{Sender: sender, Start: true}, nil) {
			return acc.message(), errStreamStopped
		}
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return acc.message(), fmt.Errorf("swarm: agent %q: chat completion stream: %w", a.name(), err)
			}
			if len(chunk.Choices) == 0 {
				continue // the usage chunk
			}
			delta := chunk.Choices[0].Delta
			acc.add(delta)
			if !yield(StreamEvent{Delta: &delta, Sender: sender}, nil) {
				return acc.message(), errStreamStopped
			}
		}
		if !yield(StreamEvent{Sender: sender, End: true}, nil) {
			return acc.message(), errStreamStopped
		}
		return acc.message(), nil
	}
}

// accumulator assembles an assistant message from stream deltas, as Swarm's merge_chunk:
// strings are concatenated, tool calls are merged by index and kept in the order their index
// first appears.
type accumulator struct {
	content, refusal, reasoning strings.Builder
	functionCall                *openai.FunctionCall
	calls                       []*openai.ToolCall
	byIndex                     map[int]*openai.ToolCall
}

func (a *accumulator) add(d openai.ChatCompletionStreamChoiceDelta) {
	a.content.WriteString(d.Content)
	a.refusal.WriteString(d.Refusal)
	a.reasoning.WriteString(d.ReasoningContent)
	if d.FunctionCall != nil {
		if a.functionCall == nil {
			a.functionCall = &openai.FunctionCall{}
		}
		a.functionCall.Name += d.FunctionCall.Name
		a.functionCall.Arguments += d.FunctionCall.Arguments
	}
	for i, tc := range d.ToolCalls {
		index := i
		if tc.Index != nil {
			index = *tc.Index
		}
		call, ok := a.byIndex[index]
		if !ok {
			if a.byIndex == nil {
				a.byIndex = make(map[int]*openai.ToolCall)
			}
			call = &openai.ToolCall{}
			a.byIndex[index] = call
			a.calls = append(a.calls, call)
		}
		call.ID += tc.ID
		call.Type += tc.Type
		call.Function.Name += tc.Function.Name
		call.Function.Arguments += tc.Function.Arguments
	}
}

// message is the assembled message, shaped as the non-streamed API returns it.
func (a *accumulator) message() openai.ChatCompletionMessage {
	m := openai.ChatCompletionMessage{
		Role:             openai.ChatMessageRoleAssistant,
		Content:          a.content.String(),
		Refusal:          a.refusal.String(),
		ReasoningContent: a.reasoning.String(),
	}
	if a.functionCall != nil {
		fc := *a.functionCall
		m.FunctionCall = &fc
	}
	for _, c := range a.calls {
		m.ToolCalls = append(m.ToolCalls, *c)
	}
	return m
}

// partialResponse is what the tool calls of one turn did (Swarm's partial response).
type partialResponse struct {
	messages []openai.ChatCompletionMessage
	agent    *Agent // the last handoff of the turn
	callID   string // the call that returned agent
	cv       ContextVariables
}

// handleToolCalls is Swarm's handle_tool_calls: each call in order, unknown tools and errors
// become tool messages, the last handoff wins, variable updates are collected (the run's
// variables are updated after the turn, so the calls of one turn all see the same ones).
func handleToolCalls(ctx context.Context, obs observers, agent *Agent, calls []openai.ToolCall, cv ContextVariables) partialResponse {
	functions := make(map[string]Function, len(agent.Functions))
	for _, f := range agent.Functions {
		if f != nil {
			functions[f.Name()] = f // the last of a name wins, as in Swarm's function map
		}
	}
	p := partialResponse{cv: ContextVariables{}}
	for _, tc := range calls {
		name := tc.Function.Name
		toolScope := obs.start(ctx, func(o Observer, ctx context.Context) context.Context {
			return o.ToolCallStart(ctx, ToolCallStart{Agent: agent, Name: name, ID: tc.ID, Arguments: tc.Function.Arguments})
		})

		var (
			content string
			handoff *Agent
			err     error
		)
		if f, ok := functions[name]; !ok {
			content = "Error: Tool " + name + " not found."
			err = fmt.Errorf("swarm: agent %q has no tool %q", agent.name(), name)
		} else if ferr := checkRequired(f, tc.Function.Arguments); ferr != nil {
			// The model left out an argument the schema requires: it hears so, and the
			// function is not called with a zero value in its place.
			content = "Error: " + ferr.Error()
			err = ferr
		} else {
			raw, ferr := f.Call(toolScope.inner, json.RawMessage(tc.Function.Arguments), cv)
			var r Result
			if ferr == nil {
				r, ferr = toResult(raw)
			}
			if ferr != nil {
				content = "Error: " + ferr.Error()
				err = ferr
			} else {
				content = r.Value
				handoff = r.Agent
				maps.Copy(p.cv, r.ContextVariables)
				if r.Agent != nil {
					p.agent, p.callID = r.Agent, tc.ID
				}
			}
		}

		obs.each(toolScope, func(o Observer, ctx context.Context) {
			o.ToolCallEnd(ctx, ToolCallEnd{Agent: agent, Name: name, ID: tc.ID, Result: content, Handoff: handoff, Err: err})
		})
		p.messages = append(p.messages, openai.ChatCompletionMessage{
			Role:       openai.ChatMessageRoleTool,
			Content:    content,
			ToolCallID: tc.ID,
		})
	}
	return p
}

// toResult is Swarm's handle_function_result.
func toResult(v any) (Result, error) {
	switch v := v.(type) {
	case Result:
		return v, nil
	case *Result:
		if v == nil {
			return Result{}, nil
		}
		return *v, nil
	case *Agent:
		if v == nil {
			return Result{Value: "null"}, nil
		}
		name, err := marshalJSON(v.name())
		if err != nil {
			return Result{}, err
		}
		// json.dumps({"assistant": agent.name}), spacing included.
		return Result{Value: `{"assistant": ` + name + `}`, Agent: v}, nil
	case string:
		return Result{Value: v}, nil
	default:
		s, err := marshalJSON(v)
		if err != nil {
			return Result{}, fmt.Errorf("swarm: cannot encode the function's result (%T) as JSON: %w", v, err)
		}
		return Result{Value: s}, nil
	}
}

// marshalJSON encodes v without escaping <, > and &.
func marshalJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
