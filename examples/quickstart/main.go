// Command quickstart traces a small travel assistant built on github.com/sashabaranov/go-openai
// with one line, openai.Autolog(). Every OpenAI call becomes a CHAT_MODEL span with the
// request, the response, token usage and tool definitions; the assistant's own steps are a
// manual CHAIN span and a TOOL span, all in one trace:
//
//	go run ./examples/quickstart
//
// It runs offline by default: it replays recordings/cassettes/examples/quickstart.yaml,
// answers generated in the API's wire format by a local fake server, so the run needs no key
// and no network and gives the same answers every time. With OPENAI_API_KEY set it calls the real API instead,
// and with AGENTLENS_RECORD=1 as well it records the cassette anew.
//
// The trace is printed, and kept in the local store (./agentlens.db unless AGENTLENS_STORE
// names another file), where the agentlens CLI shows it again.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/spantypes"
)

// cassette is the recording replayed when there is no OPENAI_API_KEY.
const cassette = "examples/quickstart"

const model = "gpt-4o-mini"

func main() {
	err := run(context.Background(), os.Stdout)
	// Shutdown writes the traces still queued to the local store: it must run before the
	// program exits, also when run failed.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if serr := sdk.Shutdown(ctx); serr != nil {
		fmt.Fprintln(os.Stderr, "quickstart: shutdown:", serr)
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
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

	// The one line that traces every OpenAI call made through http.DefaultTransport.
	undo := openai.Autolog()
	defer undo()

	// The most ordinary go-openai client: it uses http.DefaultTransport.
	client := goopenai.NewClient(key)

	if err := travelAssistant(ctx, client, out); err != nil {
		return err
	}

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

const system = "You are a concise travel assistant."

// travelAssistant plans a weekend in three model calls: it picks a city, checks the weather
// with a tool, and streams packing tips. Everything runs inside one CHAIN span, so the
// autologged model calls and the tool call are its children.
func travelAssistant(ctx context.Context, client *goopenai.Client, out io.Writer) error {
	const request = "Plan a weekend in Portugal: pick a city, check the weather there, and tell me what to pack."
	ctx, span := core.StartSpan(ctx, "travel assistant", core.WithSpanType(spantypes.Chain),
		core.WithInputs(map[string]any{"messages": []map[string]string{{"role": "user", "content": request}}}))
	defer span.End()
	fmt.Fprintln(out, "you:", request)

	// 1. A plain chat call.
	resp, err := client.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
		Model: model,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: system},
			{Role: goopenai.ChatMessageRoleUser, Content: "Suggest one city in Portugal for a weekend trip. Reply with the city name only."},
		},
	})
	if err != nil {
		span.RecordError(err)
		return err
	}
	city := strings.Trim(strings.TrimSpace(firstContent(resp)), ".")
	fmt.Fprintln(out, "\ncity:", city)

	// 2. A tool-calling loop: the model asks for get_weather, the Go function runs (in a
	// TOOL span), its result goes back, and the model answers.
	weather, err := askWithTools(ctx, client, "What is the weather in "+city+" right now?")
	if err != nil {
		span.RecordError(err)
		return err
	}
	fmt.Fprintln(out, "\nweather:", weather)

	// 3. A streamed answer, printed as it arrives; include_usage makes the API send the
	// token usage in a last chunk, which the trace records.
	fmt.Fprint(out, "\npacking tips (streamed):\n")
	tips, err := streamAnswer(ctx, client, out, []goopenai.ChatCompletionMessage{
		{Role: goopenai.ChatMessageRoleSystem, Content: system},
		{Role: goopenai.ChatMessageRoleUser, Content: "I am spending the weekend in " + city + ". " + weather +
			" Give me three packing tips, one short line each."},
	})
	if err != nil {
		span.RecordError(err)
		return err
	}
	fmt.Fprintln(out)

	span.SetOutputs(map[string]any{"choices": []any{map[string]any{"message": map[string]string{
		"role": "assistant", "content": "City: " + city + "\nWeather: " + weather + "\nPacking tips:\n" + tips,
	}}}})
	return nil
}

// weatherTool describes get_weather to the model.
var weatherTool = goopenai.Tool{
	Type: goopenai.ToolTypeFunction,
	Function: &goopenai.FunctionDefinition{
		Name:        "get_weather",
		Description: "Get the current weather in a city.",
		Parameters: jsonschema.Definition{
			Type: jsonschema.Object,
			Properties: map[string]jsonschema.Definition{
				"city": {Type: jsonschema.String, Description: "The city name, e.g. Lisbon"},
			},
			Required: []string{"city"},
		},
	},
}

// maxTurns bounds the tool-calling loop.
const maxTurns = 5

// askWithTools sends question with the tools, runs the tool calls the model asks for, and
// returns the model's final answer.
func askWithTools(ctx context.Context, client *goopenai.Client, question string) (string, error) {
	messages := []goopenai.ChatCompletionMessage{
		{Role: goopenai.ChatMessageRoleSystem, Content: system},
		{Role: goopenai.ChatMessageRoleUser, Content: question},
	}
	for turn := 0; turn < maxTurns; turn++ {
		resp, err := client.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
			Model:    model,
			Messages: messages,
			Tools:    []goopenai.Tool{weatherTool},
		})
		if err != nil {
			return "", err
		}
		if len(resp.Choices) == 0 {
			return "", errors.New("the model returned no choices")
		}
		msg := resp.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			return strings.TrimSpace(msg.Content), nil
		}
		messages = append(messages, msg)
		for _, call := range msg.ToolCalls {
			result, err := runTool(ctx, call)
			if err != nil {
				// The model is told about the failure and may recover.
				result = `{"error":` + quote(err.Error()) + `}`
			}
			messages = append(messages, goopenai.ChatCompletionMessage{
				Role: goopenai.ChatMessageRoleTool, Content: result, ToolCallID: call.ID,
			})
		}
	}
	return "", fmt.Errorf("no answer after %d turns", maxTurns)
}

// runTool runs one tool call in a TOOL span named after the tool, whose inputs are the
// arguments the model sent and whose outputs are what the tool returned, and gives the
// result as the JSON text the model reads.
func runTool(ctx context.Context, call goopenai.ToolCall) (string, error) {
	var args map[string]any
	if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
		args = map[string]any{"arguments": call.Function.Arguments}
	}
	result, err := core.Trace(ctx, call.Function.Name, func(ctx context.Context) (any, error) {
		switch call.Function.Name {
		case "get_weather":
			city, _ := args["city"].(string)
			return getWeather(city), nil
		}
		return nil, fmt.Errorf("unknown tool %q", call.Function.Name)
	}, core.WithSpanType(spantypes.Tool), core.WithInputs(args), core.WithAttributes(map[string]any{
		spantypes.KeyGenAIToolName:   call.Function.Name,
		spantypes.KeyGenAIToolCallID: call.ID,
	}))
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(result)
	return string(b), err
}

// weather is what get_weather returns.
type weather struct {
	City         string `json:"city"`
	TemperatureC int    `json:"temperature_c"`
	Conditions   string `json:"conditions"`
}

// getWeather is a stand-in for a weather service, so that the example needs no other API.
func getWeather(city string) weather {
	switch strings.ToLower(strings.TrimSpace(city)) {
	case "porto":
		return weather{City: city, TemperatureC: 19, Conditions: "light rain"}
	case "lisbon":
		return weather{City: city, TemperatureC: 24, Conditions: "sunny"}
	}
	return weather{City: city, TemperatureC: 21, Conditions: "partly cloudy"}
}

// streamAnswer streams a chat completion to out and returns the whole text.
func streamAnswer(ctx context.Context, client *goopenai.Client, out io.Writer, messages []goopenai.ChatCompletionMessage) (string, error) {
	stream, err := client.CreateChatCompletionStream(ctx, goopenai.ChatCompletionRequest{
		Model:         model,
		Messages:      messages,
		StreamOptions: &goopenai.StreamOptions{IncludeUsage: true},
	})
	if err != nil {
		return "", err
	}
	// Closing the stream ends its span; close it before the CHAIN span ends.
	defer stream.Close()
	var text strings.Builder
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return text.String(), nil
		}
		if err != nil {
			return text.String(), err
		}
		if len(chunk.Choices) > 0 {
			fmt.Fprint(out, chunk.Choices[0].Delta.Content)
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
}

func firstContent(resp goopenai.ChatCompletionResponse) string {
	if len(resp.Choices) == 0 {
		return ""
	}
	return resp.Choices[0].Message.Content
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
