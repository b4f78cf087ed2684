// Package swarm traces runs of the agentlens Swarm runtime (github.com/agentlens/agentlens/swarm):
// each run becomes a tree of typed spans — the run, the agents that held the conversation in
// turn, the functions they called and, with the OpenAI adapter, their model calls.
//
// Its package name is swarm, like the runtime's, so import it under another name:
//
//	import (
//		"github.com/agentlens/agentlens/autolog/openai"
//		swarmautolog "github.com/agentlens/agentlens/autolog/swarm"
//		"github.com/agentlens/agentlens/swarm"
//	)
//
//	undoOpenAI := openai.Autolog()  // the model calls (CHAT_MODEL spans)
//	defer undoOpenAI()
//	undoSwarm := swarmautolog.Autolog() // the runs, agents and function calls
//	defer undoSwarm()
//
// As with every adapter, the spans are recorded by the SDK the program links (package
// core/sdk). The model calls are traced at the HTTP layer, so the go-openai client the runtime
// uses (built by swarm.NewClientWithConfig, or given to swarm.NewClient) must use a traced
// transport: http.DefaultTransport after openai.Autolog() (the default client's), or
// openai.HTTPClient() / openai.NewTransport in its ClientConfig.
//
// autolog.Enable() does both when both packages are imported (this one registers itself
// under the name "swarm"). To trace one run only, pass the observer to it instead:
//
//	resp, err := client.Run(ctx, agent, messages, swarm.WithObserver(swarmautolog.Observer()))
//
// # The trace of a run
//
// A run (Client.Run or Client.RunStream, which give the same tree) is one CHAIN span named
// "swarm.run" ([RunSpanName]), a child of the span in the run's context when there is one,
// otherwise the root of a new trace. Its inputs are {"messages", "context_variables"} as the
// run got them; its outputs are {"messages" (the new messages only), "agent" (the name of
// the agent active at the end), "context_variables"}.
//
// Under it, one AGENT span for each stretch of turns one agent holds, named after the agent,
// with the attributes gen_ai.agent.name and gen_ai.operation.name "invoke_agent". When the
// agent hands off, its span gets a "handoff" event (attributes "from", "to" and
// "tool_call_id") and the attributes gen_ai.agent.handoff.source.name and
// gen_ai.agent.handoff.target.name ([KeyHandoffSourceName], [KeyHandoffTargetName]), and
// ends; the next agent's span is its sibling and starts with the same two attributes. They
// name the last handoff the span took part in: an agent that took over and then handed off
// again carries the handoff it made (the one it took over by is on its predecessor).
//
// Under each AGENT span, in the order they happened: the agent's model calls (CHAT_MODEL spans
// made by the OpenAI adapter, github.com/agentlens/agentlens/autolog/openai, which nest here
// because the runtime makes them with the agent's context), and one TOOL span per function
// call, named after the function, with the attributes gen_ai.tool.name, gen_ai.tool.call.id
// and gen_ai.operation.name "execute_tool", the arguments as inputs (JSON) and the tool
// message as outputs (JSON when it is an object or array). A function that fails makes its
// TOOL span ERROR (the run goes on, as in Swarm, the model reading "Error: ..."); a function
// that returns an agent carries the handoff attributes too. A run that fails (a model call, a
// canceled context, a stream consumer that stopped iterating) ends the active AGENT span and
// the CHAIN span ERROR with the run's error. Spans started inside a function with the
// context it is given (a nested run, say) nest under its TOOL span.
//
//	CHAIN swarm.run OK
//	  AGENT Triage Agent OK
//	    CHAT_MODEL Completions OK
//	    TOOL transfer_to_refunds OK
//	  AGENT Refunds Agent OK
//	    CHAT_MODEL Completions OK
//	    TOOL process_refund OK
//	    CHAT_MODEL Completions OK
//
// Inputs and outputs follow the SDK's content capture (AGENTLENS_CAPTURE_CONTENT), which
// [WithCaptureContent](false) can turn off for these spans. Tracing never changes a run: the
// runtime returns the same messages, agent and context variables with and without it.
package swarm
