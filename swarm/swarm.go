package swarm

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultModel is the model of an [Agent] that names none (Swarm's default).
const DefaultModel = "gpt-4o"

// DefaultInstructions are the instructions of an [Agent] that has neither Instructions nor
// InstructionsFunc (Swarm's default).
const DefaultInstructions = "You are a helpful agent."

// defaultAgentName is the name of an agent that has none (Swarm's default), as it appears in
// handoff tool messages, Response.Senders and stream events.
const defaultAgentName = "Agent"

// ContextVariables are the run's shared variables (Swarm's context_variables). They are
// never sent to the model: they reach InstructionsFunc and the functions an agent calls, and
// functions update them by returning a [Result].
type ContextVariables map[string]any

// Agent is a named assistant: instructions, a model, functions. Agents are plain values
// compared by pointer: a handoff returns the *Agent to switch to.
type Agent struct {
	// Name identifies the agent (Swarm's default "Agent" when empty) in handoff tool
	// messages, Response.Senders, stream events and observer events.
	Name string
	// Model is the chat model (default [DefaultModel], "gpt-4o"); WithModelOverride replaces
	// it for a run.
	Model string
	// Instructions are the system message of the agent's turns ([DefaultInstructions] when
	// empty and InstructionsFunc is nil).
	Instructions string
	// InstructionsFunc, when set, wins over Instructions: it is called before each of the
	// agent's turns with a copy of the run's context variables, and its result (even "") is
	// the system message.
	InstructionsFunc func(ContextVariables) string
	// Functions are the tools the agent can call. When it has none, no tools (and no
	// tool_choice or parallel_tool_calls) are sent.
	Functions []Function
	// ToolChoice is "" (not sent: the API's default, auto), "auto", "required", "none", or
	// the name of one of the agent's functions (forces that function). It is sent only when
	// the agent has functions.
	ToolChoice string
	// ParallelToolCalls is sent (default true) when the agent has functions.
	ParallelToolCalls *bool
}

// name is the agent's name, "Agent" when it has none.
func (a *Agent) name() string {
	if a == nil || a.Name == "" {
		return defaultAgentName
	}
	return a.Name
}

// Function is a tool an agent can call. [NewFunction] makes one from a typed Go func;
// implement the interface directly to control the schema or the decoding of arguments.
type Function interface {
	// Name is the tool name the model calls (OpenAI: ^[a-zA-Z0-9_-]{1,64}$).
	Name() string
	// Description tells the model what the function does ("" to send none).
	Description() string
	// Parameters is the JSON schema of the arguments object. A property named
	// "context_variables" is removed from it before it is sent (as Swarm does); nil sends an
	// empty object schema.
	Parameters() map[string]any
	// Call runs the function with the arguments the model wrote (a JSON object, possibly
	// empty or malformed: the model wrote it) and the run's context variables. ctx is the
	// context the observers' ToolCallStart returned. See [Result] for what it may return.
	Call(ctx context.Context, args json.RawMessage, cv ContextVariables) (any, error)
}

// Result is what a function may return to set the tool message, hand off, and update the
// context variables.
//
// A function may return:
//   - a string: the tool message, as is;
//   - an *Agent: a handoff to it; the tool message is {"assistant": "<name>"};
//   - a Result or *Result: the tool message is Value (even ""), Agent (when not nil) is a
//     handoff, and ContextVariables are merged into the run's variables after the turn's
//     tool calls, so the next turn (and the next agent's InstructionsFunc) sees them;
//   - any other value (nil included): JSON-encoded into the tool message.
//
// An error becomes the tool message "Error: <message>" and does not abort the run: the model
// reads it and may retry or explain.
//
// Give a Result that hands off a Value: as in Swarm an empty Value is an empty tool message,
// but go-openai leaves empty content out of the request, and the API may reject a tool
// message without content.
type Result struct {
	Value            string
	Agent            *Agent
	ContextVariables ContextVariables
}

// Response is the outcome of a run.
type Response struct {
	// Messages are the new messages only: the assistant messages and tool messages of the
	// run, in order. Append them to the conversation to continue it with another Run.
	Messages []openai.ChatCompletionMessage
	// Agent is the agent active at the end (the last handoff's target, or the first agent).
	Agent *Agent
	// ContextVariables are the run's variables at the end: those given with
	// WithContextVariables updated by the functions' Results. Never nil.
	ContextVariables ContextVariables
	// Senders[i] is the name of the agent that wrote Messages[i] when it is an assistant
	// message, and "" for tool messages: Swarm's "sender" field, kept out of the messages so
	// they can be sent back to the API as they are. Same length as Messages.
	Senders []string
}

// Client runs agents with an OpenAI chat completions client. It is safe for concurrent use
// when the agents and functions it runs are.
type Client struct {
	api *openai.Client
}

// NewClient returns a Client that calls the chat completions API with api.
func NewClient(api *openai.Client) *Client {
	return &Client{api: api}
}

// RunOption configures one Run or RunStream.
type RunOption interface {
	applyRunOption(*runConfig)
}

type runOptionFunc func(*runConfig)

func (f runOptionFunc) applyRunOption(c *runConfig) { f(c) }

type runConfig struct {
	cv           ContextVariables
	model        string
	maxTurns     int
	executeTools bool
	observers    []Observer
}

func newRunConfig(opts []RunOption) runConfig {
	c := runConfig{cv: ContextVariables{}, maxTurns: math.MaxInt, executeTools: true}
	for _, o := range opts {
		if o != nil {
			o.applyRunOption(&c)
		}
	}
	return c
}

// WithContextVariables sets the run's initial context variables; several options merge, the
// last value of a key wins. The variables are copied deeply when the option is made and again
// when each run starts (maps, slices, arrays and what pointers point to; see Run), so what the
// run's functions change never reaches cv or a later run.
func WithContextVariables(cv ContextVariables) RunOption {
	cv = deepCopyVariables(cv)
	return runOptionFunc(func(c *runConfig) { maps.Copy(c.cv, cv) })
}

// WithModelOverride makes every agent of the run use model (Swarm's model_override).
func WithModelOverride(model string) RunOption {
	return runOptionFunc(func(c *runConfig) { c.model = model })
}

// WithMaxTurns bounds the run as Swarm does: the loop goes on while fewer than n messages
// (assistant and tool messages alike) were added, so it is a bound on messages rather than on
// model calls. The default is unlimited (math.MaxInt); n <= 0 makes no model call at all.
func WithMaxTurns(n int) RunOption {
	return runOptionFunc(func(c *runConfig) { c.maxTurns = n })
}

// WithExecuteTools(false) ends the run at the first assistant message that calls tools,
// without calling them (Swarm's execute_tools). The default is true.
func WithExecuteTools(on bool) RunOption {
	return runOptionFunc(func(c *runConfig) { c.executeTools = on })
}

// WithObserver adds an observer to this run, called after the global ones (see
// [RegisterObserver]). A nil observer is ignored.
func WithObserver(o Observer) RunOption {
	return runOptionFunc(func(c *runConfig) {
		if o != nil {
			c.observers = append(c.observers, o)
		}
	})
}

// StreamEvent is one item of a streamed run: a delta of the active agent's reply, the start
// or end of an agent's message, or (last) the Response.
type StreamEvent struct {
	// Delta is a delta of the assistant message as the API streamed it (content, tool call
	// deltas with their index, refusal); set on delta events only. Every chunk's delta is
	// given, empty ones included, as Swarm yields them.
	Delta *openai.ChatCompletionStreamChoiceDelta
	// Sender is the name of the agent whose message this is (on Start, delta and End events).
	Sender string
	// Start is Swarm's {"delim": "start"}: a model call was made and its message begins.
	Start bool
	// End is Swarm's {"delim": "end"}: the message is complete.
	End bool
	// Response is set on the final event only, after the last turn.
	Response *Response
}

var (
	errNilClient = errors.New("swarm: nil Client or openai client")
	errNilAgent  = errors.New("swarm: nil agent")
)
