package instrument_test

import (
	"context"
	"fmt"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
)

// An adapter records a request body as it is and reads the response on the export
// goroutine, off the caller's path.
func ExampleOnExport() {
	mem := sdk.NewMemoryDestination()
	restore, _ := sdk.Override(sdk.WithDestinations(mem))
	defer restore()

	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`

	_, span := core.StartSpan(context.Background(), "Completions", core.WithSpanType(spantypes.ChatModel))
	instrument.SetRawInputs(span, body)
	instrument.OnExport(span, func(s *instrument.FinishedSpan) {
		// An adapter would read these from the response body it kept.
		s.SetAttribute(spantypes.KeyGenAIResponseModel, "gpt-4o-mini-2024-07-18")
		s.SetTokenUsage(core.TokenUsage{InputTokens: 8, OutputTokens: 2})
	})
	span.End()

	_ = sdk.Flush(context.Background())
	sp := mem.Traces()[0].RootSpan()
	fmt.Println(sp.Attributes[spantypes.KeySpanInputs])
	fmt.Println(sp.Attributes[spantypes.KeyGenAIResponseModel], sp.Attributes[spantypes.KeyChatTokenUsage])
	// Output:
	// {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}
	// "gpt-4o-mini-2024-07-18" {"input_tokens":8,"output_tokens":2,"total_tokens":10}
}
