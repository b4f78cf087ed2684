// Command eino traces a ReAct agent made with github.com/cloudwego/eino: eino's
// flow/agent/react over eino-ext's OpenAI ChatModel, with a weather tool, run as a stream.
//
//	go run ./examples/eino
//
// eino.Autolog() traces every eino run: the agent's graph is a CHAIN span, each model call a
// CHAT_MODEL span (the streamed answer assembled: content, tool calls with their arguments,
// token usage), the ToolsNode a CHAIN span with a TOOL span per call. openai.Autolog() is on
// too: it sees the same API calls on http.DefaultTransport and enriches eino's model spans
// (response id and model) instead of adding spans of its own, so each call is one span:
//
//	CHAIN ReActAgent
//	  CHAT_MODEL ChatModel   (streams two get_weather calls)
//	  CHAIN Tools
//	    TOOL get_weather
//	    TOOL get_weather
//	  CHAT_MODEL ChatModel   (streams the answer)
//
// It runs offline by default, replaying recordings/cassettes/examples/eino.yaml (generated
// by a fake server in the OpenAI API's wire format, streamed tool calls included, not
// recorded). With OPENAI_API_KEY set it calls the real API instead, and with
// AGENTLENS_RECORD=1 as well it records the cassette anew.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	einoopenai "github.com/cloudwego/eino-ext/components/model/openai"
	"github.com/cloudwego/eino/components/tool"
	toolutils "github.com/cloudwego/eino/components/tool/utils"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/recordings"
)

// cassette is the recording replayed when there is no OPENAI_API_KEY.
const cassette = "examples/eino"

const (
	chatModel = "gpt-4o-mini"
	system    = "You plan walks. Check the weather with get_weather for every city you compare, then answer in one sentence."
	question  = "I can take a walk in Lisbon or in Porto this afternoon. Which city has the better weather?"
)

func main() {
	err := run(context.Background(), os.Stdout)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if serr := sdk.Shutdown(ctx); serr != nil {
		fmt.Fprintln(os.Stderr, "eino:", serr)
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "eino:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	return runWith(ctx, out, recordings.Options{})
}

// runWith is run with the recorder's options (the cassette generator sends the recorded
// requests to a fake server).
func runWith(ctx context.Context, out io.Writer, recOpts recordings.Options) (err error) {
	// Offline, the recorder becomes http.DefaultTransport, which eino-ext's ChatModel uses
	// when it is given no HTTPClient. It is installed before openai.Autolog, which then wraps
	// it and sees replayed calls as real ones.
	stop, err := recordings.ForProgram(out, cassette, recOpts)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stop(err != nil)) }()

	undo := eino.Autolog() // early: before any eino run starts
	defer undo()
	undoHTTP := openai.Autolog()
	defer undoHTTP()

	agent, err := newAgent(ctx)
	if err != nil {
		return err
	}
	previous := sdk.LastActiveTraceID()
	if err := ask(ctx, out, agent); err != nil {
		return err
	}

	id, err := awaitTrace(ctx, previous)
	if err != nil {
		return err
	}
	if err := sdk.Flush(ctx); err != nil {
		return err
	}
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

// newAgent builds the ReAct agent: the model, offered the weather tool, and a ToolsNode that
// runs the calls the model asks for, until the model answers.
func newAgent(ctx context.Context) (*react.Agent, error) {
	// No HTTPClient: the ChatModel sends with http.DefaultClient, over http.DefaultTransport.
	cm, err := einoopenai.NewChatModel(ctx, &einoopenai.ChatModelConfig{
		APIKey: cmp.Or(os.Getenv("OPENAI_API_KEY"), "replay"),
		Model:  chatModel,
	})
	if err != nil {
		return nil, err
	}
	weatherTool, err := toolutils.InferTool("get_weather", "Get the current weather in a city.", getWeather)
	if err != nil {
		return nil, err
	}
	return react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: cm,
		ToolsConfig:      compose.ToolsNodeConfig{Tools: []tool.BaseTool{weatherTool}},
	})
}

// ask runs the agent as a stream and prints its answer as it comes.
func ask(ctx context.Context, out io.Writer, agent *react.Agent) error {
	fmt.Fprintln(out, "you:", question)
	sr, err := agent.Stream(ctx, []*schema.Message{schema.SystemMessage(system), schema.UserMessage(question)})
	if err != nil {
		return err
	}
	defer sr.Close()
	fmt.Fprint(out, "agent: ")
	for {
		chunk, err := sr.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		fmt.Fprint(out, chunk.Content)
	}
	fmt.Fprintln(out)
	return nil
}

// awaitTrace waits until a trace other than previous has completed and returns its id. eino
// gives the tracing handler a copy of the agent's stream, and the agent's span ends when that
// copy has been read to its end, on the handler's goroutine: a moment after the program has
// read its own copy.
func awaitTrace(ctx context.Context, previous string) (string, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		if id := sdk.LastActiveTraceID(); id != "" && id != previous {
			return id, nil
		}
		if time.Now().After(deadline) {
			return "", errors.New("the agent's trace did not complete within 5s")
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

type weatherArgs struct {
	City string `json:"city" jsonschema:"description=The name of the city"`
}

type weather struct {
	City         string `json:"city"`
	TemperatureC int    `json:"temperature_c"`
	Conditions   string `json:"conditions"`
}

// getWeather is the agent's tool; a real one would ask a weather service. It knows two
// cities, however the model spells them ("Porto", "porto, Portugal").
func getWeather(_ context.Context, in weatherArgs) (weather, error) {
	switch city := strings.ToLower(in.City); {
	case strings.Contains(city, "lisbon"):
		return weather{City: "Lisbon", TemperatureC: 24, Conditions: "sunny"}, nil
	case strings.Contains(city, "porto"):
		return weather{City: "Porto", TemperatureC: 17, Conditions: "light rain"}, nil
	}
	return weather{}, fmt.Errorf("get_weather: no forecast for %q", in.City)
}
