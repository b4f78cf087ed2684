// Command multiagent traces a multi-agent customer-service run on the agentlens Swarm runtime
// (github.com/agentlens/agentlens/swarm), Swarm's triage example in Go: a triage agent hands
// the customer off to a sales agent or a refunds agent with transfer functions, and the
// refunds agent processes the refund with a function that reads the run's context variables.
//
//	go run ./examples/multiagent
//
// Two lines trace it: openai.Autolog() makes every model call a CHAT_MODEL span, and
// swarmautolog.Autolog() makes the run a CHAIN span with one AGENT span per agent that held
// the conversation and a TOOL span per function call, the handoffs included:
//
//	CHAIN swarm.run
//	  AGENT Triage Agent
//	    CHAT_MODEL Completions
//	    TOOL transfer_to_refunds
//	  AGENT Refunds Agent
//	    CHAT_MODEL Completions
//	    TOOL process_refund
//	    CHAT_MODEL Completions
//
// It runs offline by default: the API's answers are replayed from
// recordings/cassettes/examples/multiagent.yaml, so the run needs no key and no network and
// gives the same answers every time. With OPENAI_API_KEY set it calls the real API instead
// (the model may then take another path), and with AGENTLENS_RECORD=1 as well it records the
// cassette anew.
//
// The trace is printed, and kept in the local store (./agentlens.db unless AGENTLENS_STORE
// names another file), where the agentlens CLI shows it again.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	swarmautolog "github.com/agentlens/agentlens/autolog/swarm"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/swarm"
)

// cassette is the recording replayed when there is no OPENAI_API_KEY.
const cassette = "examples/multiagent"

const model = "gpt-4o-mini"

// The customer's message, and who the customer is: context variables, which the refunds
// agent's instructions and process_refund read, and which the model never sees otherwise.
const request = "Hi, I'd like a refund for item_99: it arrived broken. Please process it now."

func customer() swarm.ContextVariables {
	return swarm.ContextVariables{"name": "Ana", "user_id": "user_1234"}
}

func main() {
	err := run(context.Background(), os.Stdout)
	// Shutdown writes the traces still queued to the local store: it must run before the
	// program exits, also when run failed.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if serr := sdk.Shutdown(ctx); serr != nil {
		fmt.Fprintln(os.Stderr, "multiagent: shutdown:", serr)
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiagent:", err)
		os.Exit(1)
	}
}

// run is the whole program but for the final shutdown.
func run(ctx context.Context, out io.Writer) error {
	return runWith(ctx, out, recordings.Options{})
}

// runWith is run with the options of the recorder (the cassette generator sends the
// recorded requests to a fake server).
func runWith(ctx context.Context, out io.Writer, recOpts recordings.Options) (err error) {
	key := os.Getenv("OPENAI_API_KEY")

	// Offline runs replay the cassette: the recorder becomes http.DefaultTransport, which
	// the go-openai client below uses. It is installed before Autolog, so that Autolog wraps
	// it and traces the replayed calls exactly as it traces real ones.
	stop, err := recordings.ForProgram(out, cassette, recOpts)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stop(err != nil)) }()

	// The two lines that trace the model calls and the runs.
	undoOpenAI := openai.Autolog()
	defer undoOpenAI()
	undoSwarm := swarmautolog.Autolog()
	defer undoSwarm()

	// The most ordinary go-openai configuration (its client uses http.DefaultTransport), and
	// the runtime.
	client := swarm.NewClientWithConfig(goopenai.DefaultConfig(key))

	triage := newAgents()
	fmt.Fprintln(out, "you:", request)
	resp, err := client.Run(ctx, triage,
		[]goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: request}},
		swarm.WithContextVariables(customer()))
	if err != nil {
		return err
	}
	printConversation(out, resp)

	// Traces are exported in the background; wait for this one, then print it.
	if err := sdk.Flush(ctx); err != nil {
		return err
	}
	id := sdk.LastActiveTraceID()
	t, err := sdk.GetTrace(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s", sdk.FormatTree(t))
	if st := sdk.LocalStore(); st != nil {
		fmt.Fprintf(out, "\nstored in %s; see it again with:\n  go run ./cmd/agentlens --store %s traces show %s\n",
			st.Path(), st.Path(), id)
	}
	return nil
}

// Instructions of the agents (Swarm's triage example).
const (
	triageInstructions = "Determine which agent is best suited to handle the user's request, " +
		"and transfer the conversation to that agent."
	salesInstructions = "Be super enthusiastic about selling bees."
)

// refundsInstructions are written for each turn from the context variables.
func refundsInstructions(cv swarm.ContextVariables) string {
	return fmt.Sprintf("You help %v (customer id %v) with a refund. "+
		"If the reason is that it was too expensive, offer the user a refund code. "+
		"Otherwise process the refund with process_refund, then confirm it to %v by name in one sentence.",
		cv["name"], cv["user_id"], cv["name"])
}

// refundArgs are the arguments of process_refund.
type refundArgs struct {
	ItemID string `json:"item_id" description:"The id of the item to refund, of the form item_..."`
	Reason string `json:"reason,omitempty" description:"Why the user wants a refund"`
}

// newAgents builds the three agents and returns the first, the triage agent.
func newAgents() *swarm.Agent {
	triage := &swarm.Agent{Name: "Triage Agent", Model: model, Instructions: triageInstructions}
	sales := &swarm.Agent{Name: "Sales Agent", Model: model, Instructions: salesInstructions}
	refunds := &swarm.Agent{Name: "Refunds Agent", Model: model, InstructionsFunc: refundsInstructions}

	transferTo := func(name, description string, to *swarm.Agent) swarm.Function {
		return swarm.NewFunction(name, description,
			func(context.Context, struct{}, swarm.ContextVariables) (any, error) { return to, nil })
	}
	processRefund := swarm.NewFunction("process_refund",
		"Refund an item. Make sure you have the item_id of the form item_...",
		func(_ context.Context, args refundArgs, cv swarm.ContextVariables) (any, error) {
			if !strings.HasPrefix(args.ItemID, "item_") {
				return nil, fmt.Errorf("invalid item id %q: ask the user for the item_... id", args.ItemID)
			}
			reason := args.Reason
			if reason == "" {
				reason = "NOT SPECIFIED"
			}
			// A stand-in for the refunds service; the refund is recorded in the variables.
			return swarm.Result{
				Value:            fmt.Sprintf("Success! Refunded %s for %v (%v), reason: %s.", args.ItemID, cv["name"], cv["user_id"], reason),
				ContextVariables: swarm.ContextVariables{"refunded_item": args.ItemID},
			}, nil
		})
	applyDiscount := swarm.NewFunction("apply_discount", "Apply a discount to the user's cart.",
		func(context.Context, struct{}, swarm.ContextVariables) (any, error) {
			return "Applied discount of 11%", nil
		})

	triage.Functions = []swarm.Function{
		transferTo("transfer_to_sales", "Transfer the user to the sales agent.", sales),
		transferTo("transfer_to_refunds", "Transfer the user to the refunds agent.", refunds),
	}
	back := transferTo("transfer_back_to_triage", "Call this if the user brings up a topic outside of your purview.", triage)
	sales.Functions = []swarm.Function{back}
	refunds.Functions = []swarm.Function{processRefund, applyDiscount, back}
	return triage
}

// printConversation prints the new messages: who said what, the function calls and their
// results, then where the run ended.
func printConversation(out io.Writer, resp *swarm.Response) {
	for i, m := range resp.Messages {
		sender := "assistant"
		if i < len(resp.Senders) && resp.Senders[i] != "" {
			sender = resp.Senders[i]
		}
		switch m.Role {
		case goopenai.ChatMessageRoleAssistant:
			for _, c := range m.ToolCalls {
				fmt.Fprintf(out, "%s: %s(%s)\n", sender, c.Function.Name, c.Function.Arguments)
			}
			if m.Content != "" {
				fmt.Fprintf(out, "%s: %s\n", sender, m.Content)
			}
		case goopenai.ChatMessageRoleTool:
			fmt.Fprintf(out, "  -> %s\n", m.Content)
		}
	}
	keys := make([]string, 0, len(resp.ContextVariables))
	for k := range resp.ContextVariables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vars := make([]string, len(keys))
	for i, k := range keys {
		vars[i] = fmt.Sprintf("%s=%v", k, resp.ContextVariables[k])
	}
	fmt.Fprintf(out, "\nended with %s; context variables: %s\n", resp.Agent.Name, strings.Join(vars, " "))
}
