package swarm_test

import (
	"context"
	"fmt"
	"os"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	swarmautolog "github.com/agentlens/agentlens/autolog/swarm"
	"github.com/agentlens/agentlens/swarm"
)

// Trace every run, and every model call the runs make.
func ExampleAutolog() {
	undoOpenAI := openai.Autolog() // CHAT_MODEL spans, through http.DefaultTransport
	defer undoOpenAI()
	undoSwarm := swarmautolog.Autolog() // CHAIN, AGENT and TOOL spans
	defer undoSwarm()

	client := swarm.NewClient(goopenai.NewClient(os.Getenv("OPENAI_API_KEY")))
	agent := &swarm.Agent{Name: "Assistant", Model: "gpt-4o-mini"}
	resp, err := client.Run(context.Background(), agent,
		[]goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "Hi!"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Messages[len(resp.Messages)-1].Content)
}

// Trace one run only, with a client of its own.
func ExampleObserver() {
	cfg := goopenai.DefaultConfig(os.Getenv("OPENAI_API_KEY"))
	cfg.HTTPClient = openai.HTTPClient() // traces this client's model calls
	client := swarm.NewClient(goopenai.NewClientWithConfig(cfg))

	agent := &swarm.Agent{Name: "Assistant", Model: "gpt-4o-mini"}
	_, err := client.Run(context.Background(), agent,
		[]goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "Hi!"}},
		swarm.WithObserver(swarmautolog.Observer(swarmautolog.WithCaptureContent(false))))
	if err != nil {
		fmt.Println(err)
	}
}
