package swarm_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/swarm"
)

// replayClient returns a Client whose calls are replayed from a cassette of
// recordings/cassettes, so the examples run offline. Outside examples, use
// swarm.NewClientWithConfig(openai.DefaultConfig(os.Getenv("OPENAI_API_KEY"))).
func replayClient(cassette string) (client *swarm.Client, stop func()) {
	rec, err := recordings.Open(cassette, recordings.Options{})
	if err != nil {
		log.Fatal(err)
	}
	cfg := openai.DefaultConfig(cmp.Or(os.Getenv("OPENAI_API_KEY"), "replay"))
	cfg.HTTPClient = rec.HTTPClient()
	return swarm.NewClientWithConfig(cfg), func() {
		if err := rec.Stop(); err != nil {
			log.Fatal(err)
		}
	}
}

// weatherAgents are the agents of the examples: a triage agent that hands off to a weather
// agent.
func weatherAgents() (triage *swarm.Agent) {
	type weatherArgs struct {
		City string `json:"city" description:"The city, e.g. Paris"`
	}
	weather := &swarm.Agent{
		Name:         "Weather",
		Instructions: "You report the weather.",
		Functions: []swarm.Function{
			swarm.NewFunction("get_weather", "Get the current weather in a city.",
				func(ctx context.Context, args weatherArgs, cv swarm.ContextVariables) (any, error) {
					return map[string]any{"city": args.City, "temperature_c": 21, "sky": "sunny"}, nil
				}),
		},
	}
	return &swarm.Agent{
		Name:         "Triage",
		Instructions: "Route the user to the right agent.",
		Functions: []swarm.Function{
			swarm.NewFunction("transfer_to_weather", "Hand the conversation to the weather agent.",
				func(ctx context.Context, _ struct{}, cv swarm.ContextVariables) (any, error) {
					return weather, nil // a handoff
				}),
		},
	}
}

func ExampleClient_Run() {
	client, stop := replayClient("swarm/example_run")
	defer stop()

	resp, err := client.Run(context.Background(), weatherAgents(), []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleUser, Content: "What's the weather in Paris?"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for i, m := range resp.Messages {
		switch {
		case m.Role == openai.ChatMessageRoleTool:
			fmt.Println("tool:", m.Content)
		case len(m.ToolCalls) > 0:
			fmt.Printf("%s: calls %s(%s)\n", resp.Senders[i], m.ToolCalls[0].Function.Name, m.ToolCalls[0].Function.Arguments)
		default:
			fmt.Printf("%s: %s\n", resp.Senders[i], m.Content)
		}
	}
	fmt.Println("active agent:", resp.Agent.Name)
	// Output:
	// Triage: calls transfer_to_weather({})
	// tool: {"assistant": "Weather"}
	// Weather: calls get_weather({"city":"Paris"})
	// tool: {"city":"Paris","sky":"sunny","temperature_c":21}
	// Weather: It is 21°C and sunny in Paris.
	// active agent: Weather
}

func ExampleClient_RunStream() {
	client, stop := replayClient("swarm/example_run_stream")
	defer stop()

	messages := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleUser, Content: "What's the weather in Paris?"},
	}
	var text strings.Builder
	var tools []string
	for ev, err := range client.RunStream(context.Background(), weatherAgents(), messages) {
		if err != nil {
			log.Fatal(err)
		}
		switch {
		case ev.Start: // a model call starts streaming
			text.Reset()
			tools = nil
		case ev.Delta != nil:
			text.WriteString(ev.Delta.Content) // show it as it comes
			for _, tc := range ev.Delta.ToolCalls {
				if tc.Function.Name != "" {
					tools = append(tools, tc.Function.Name)
				}
			}
		case ev.End: // the message is complete; its tool calls run next
			fmt.Printf("%s: %s%s\n", ev.Sender, text.String(), strings.Join(tools, ", "))
		case ev.Response != nil: // the last event
			fmt.Printf("%d new messages, active agent: %s\n", len(ev.Response.Messages), ev.Response.Agent.Name)
		}
	}
	// Output:
	// Triage: transfer_to_weather
	// Weather: get_weather
	// Weather: It is 21°C and sunny in Paris.
	// 5 new messages, active agent: Weather
}

func ExampleNewFunction() {
	type forecastArgs struct {
		City string   `json:"city" description:"City and country, e.g. Paris, France"`
		Unit string   `json:"unit,omitempty" enum:"celsius,fahrenheit"`
		Days *int     `json:"days" description:"Number of days (default 1)"`
		Tags []string `json:"tags,omitempty"`
	}
	forecast := swarm.NewFunction("get_forecast", "Get the weather forecast.",
		func(ctx context.Context, args forecastArgs, cv swarm.ContextVariables) (any, error) {
			return fmt.Sprintf("sunny in %s for user %v", args.City, cv["user_id"]), nil
		})

	schema, _ := json.MarshalIndent(forecast.Parameters(), "", "  ")
	fmt.Println(string(schema))

	out, err := forecast.Call(context.Background(), json.RawMessage(`{"city":"Paris, France"}`), swarm.ContextVariables{"user_id": 7})
	fmt.Println(out, err)
	// Output:
	// {
	//   "properties": {
	//     "city": {
	//       "description": "City and country, e.g. Paris, France",
	//       "type": "string"
	//     },
	//     "days": {
	//       "description": "Number of days (default 1)",
	//       "type": "integer"
	//     },
	//     "tags": {
	//       "items": {
	//         "type": "string"
	//       },
	//       "type": "array"
	//     },
	//     "unit": {
	//       "enum": [
	//         "celsius",
	//         "fahrenheit"
	//       ],
	//       "type": "string"
	//     }
	//   },
	//   "required": [
	//     "city"
	//   ],
	//   "type": "object"
	// }
	// sunny in Paris, France for user 7 <nil>
}

// example is an Example function that replays a cassette, and the model outputs its cassette
// is recorded from.
type example struct {
	name    string
	replies []reply
	run     func()
}

var exampleReplies = []reply{
	calls(call{"call_transfer_weather", "transfer_to_weather", `{}`}),
	calls(call{"call_weather_paris", "get_weather", `{"city":"Paris"}`}),
	say("It is 21°C and sunny in Paris."),
}

func examples() []example {
	return []example{
		{"example_run", exampleReplies, ExampleClient_Run},
		{"example_run_stream", exampleReplies, ExampleClient_RunStream},
	}
}

// recordExample runs an Example in record mode against the fake server. The examples use
// recordings.Options{} (OPENAI_API_KEY, http.DefaultTransport), so the generator sets the key
// to the fake one and points http.DefaultTransport at the fake server while the example runs.
func recordExample(t *testing.T, ex example) {
	t.Setenv("AGENTLENS_RECORD", "1")
	t.Setenv("OPENAI_API_KEY", fakeKey)
	srv := newFakeOpenAI(t, strings.ReplaceAll(ex.name, "_", ""), ex.replies)
	saved := http.DefaultTransport
	http.DefaultTransport = redirectTransport(t, srv)
	defer func() { http.DefaultTransport = saved }()
	ex.run()
	if n := srv.Config.Handler.(*fakeOpenAI).answered(); n != len(ex.replies) {
		t.Fatalf("%d model calls, the example scripted %d replies", n, len(ex.replies))
	}
	checkNoSecrets(t, "swarm/"+ex.name)
}
