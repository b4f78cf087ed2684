package eino_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/schema"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/eino"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// cityModel calls get_weather for the city the user asks about.
func cityModel(_ int, req *fakeopenai.ChatRequest) reply {
	q := lastUser(req)
	city := strings.TrimSuffix(strings.TrimPrefix(q, "Weather in "), "?")
	return call("call_"+city, "get_weather", `{"city":"`+city+`"}`)
}

func TestConcurrentGraphRunsConcurrentSafe(t *testing.T) {
	noLeaks(t)
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, cityModel)
	r := weatherGraph(t, fm)
	const runs = 12
	var wg sync.WaitGroup
	for i := 0; i < runs; i++ {
		wg.Add(1)
		go func(city string) {
			defer wg.Done()
			out, err := r.Invoke(context.Background(), []*schema.Message{schema.UserMessage("Weather in " + city + "?")})
			if err == nil && !strings.Contains(out.Content, city) {
				err = fmt.Errorf("answer %q is not about %s", out.Content, city)
			}
			if err != nil {
				t.Error(err)
			}
		}(fmt.Sprintf("City%02d", i))
	}
	wg.Wait()

	traces := rec.Traces()
	require.Len(t, traces, runs)
	seen := map[string]bool{}
	for _, tr := range traces {
		require.Equal(t, "CHAIN weather OK\n  CHAT_MODEL model OK\n  CHAIN tools OK\n    TOOL get_weather OK\n  CHAIN answer OK\n", tracetest.Tree(tr))
		// Every span of the trace is about the same city.
		tl := span(t, tr, "get_weather")
		id := attr(tl, spantypes.KeyGenAIToolCallID)
		city := strings.Trim(strings.TrimPrefix(id, `"call_`), `"`)
		require.False(t, seen[city], "two traces for %s", city)
		seen[city] = true
		require.Contains(t, attr(span(t, tr, "weather"), spantypes.KeySpanInputs), "Weather in "+city+"?")
		require.Contains(t, attr(span(t, tr, "model"), spantypes.KeySpanOutputs), `call_`+city)
		requireJSON(t, `{"city":"`+city+`"}`, attr(tl, spantypes.KeySpanInputs))
		require.Contains(t, attr(span(t, tr, "answer"), spantypes.KeySpanOutputs), city)
	}
	require.Len(t, seen, runs)
}

// A per-run handler (compose.WithCallbacks) traces a run while Autolog is off; with Autolog
// on as well, the run is traced once.
func TestPerRunHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	ctx := context.Background()
	chain := compose.NewChain[[]*schema.Message, *schema.Message]()
	chain.AppendChatModel(fm.chatModel(t), compose.WithNodeName("model"))
	r, err := chain.Compile(ctx, compose.WithGraphName("solo"))
	require.NoError(t, err)
	in := []*schema.Message{schema.UserMessage("A poem")}

	// Nothing traces a run without a handler.
	_, err = r.Invoke(ctx, in)
	require.NoError(t, err)
	require.Empty(t, rec.Traces())

	h := eino.NewHandler()
	_, err = r.Invoke(ctx, in, compose.WithCallbacks(h))
	require.NoError(t, err)
	require.Equal(t, "CHAIN solo OK\n  CHAT_MODEL model OK\n", tracetest.Tree(rec.LastTrace()))

	rec.Reset()
	autolog(t)
	_, err = r.Invoke(ctx, in, compose.WithCallbacks(h, eino.NewHandler(eino.WithCaptureContent(false))))
	require.NoError(t, err)
	traces := rec.Traces()
	require.Len(t, traces, 1)
	require.Equal(t, "CHAIN solo OK\n  CHAT_MODEL model OK\n", tracetest.Tree(traces[0]))
}

func TestCaptureContentOff(t *testing.T) {
	for _, c := range []struct {
		name string
		sdk  []sdk.Option
		opts []eino.Option
	}{
		{"option", nil, []eino.Option{eino.WithCaptureContent(false)}},
		{"sdk", []sdk.Option{sdk.WithCaptureContent(false)}, nil},
		{"option cannot turn on what the sdk turned off", []sdk.Option{sdk.WithCaptureContent(false)}, []eino.Option{eino.WithCaptureContent(true)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := tracetest.Capture(t, c.sdk...)
			autolog(t, c.opts...)
			fm := newFakeModel(t, func(_ int, req *fakeopenai.ChatRequest) reply {
				if req.LastRole() == "tool" || lastUser(req) == "secret poem" {
					return say(poem)
				}
				return call("call_W0000000000000000000001", "get_weather", `{"city":"Lisbon"}`)
			})
			_, err := weatherGraph(t, fm).Invoke(context.Background(), []*schema.Message{schema.UserMessage("Weather in Lisbon?")})
			require.NoError(t, err)
			sr, err := fm.chatModel(t).Stream(context.Background(), []*schema.Message{schema.UserMessage("secret poem")})
			require.NoError(t, err)
			_, err = schema.ConcatMessageStream(sr)
			require.NoError(t, err)
			traces := waitTraces(t, rec, 2)
			for _, tr := range traces {
				for i := range tr.Spans {
					s := &tr.Spans[i]
					require.Empty(t, attr(s, spantypes.KeySpanInputs), s.Name)
					require.Empty(t, attr(s, spantypes.KeySpanOutputs), s.Name)
					for _, e := range s.Events {
						require.NotContains(t, e.Attributes, spantypes.KeyChunkValue)
					}
				}
			}
			// What is not content stays: names, types, ids, usage, the tools offered.
			model := span(t, traces[0], "model")
			require.NotEmpty(t, attr(model, spantypes.KeyChatTokenUsage))
			require.NotEmpty(t, attr(model, spantypes.KeyChatTools))
			require.Equal(t, `"call_W0000000000000000000001"`, attr(span(t, traces[0], "get_weather"), spantypes.KeyGenAIToolCallID))
			require.Len(t, chunkEvents(traces[1].RootSpan()), len(fakeopenai.SplitTokens(poem))+1)
		})
	}
}

// core.Suppress turns tracing off for a run.
func TestSuppressed(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	_, err := fm.chatModel(t).Generate(core.Suppress(context.Background()), []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)
	require.Empty(t, rec.Traces())
}

// A span the program opened is the parent of eino's.
func TestUnderManualSpan(t *testing.T) {
	rec := tracetest.Capture(t)
	autolog(t)
	fm := newFakeModel(t, func(int, *fakeopenai.ChatRequest) reply { return say(poem) })
	ctx, s := core.StartSpan(context.Background(), "request", core.WithSpanType(spantypes.Chain))
	_, err := fm.chatModel(t).Generate(ctx, []*schema.Message{schema.UserMessage("A poem")})
	require.NoError(t, err)
	s.End()
	require.Equal(t, "CHAIN request OK\n  CHAT_MODEL OpenAI OK\n", tracetest.Tree(rec.LastTrace()))
}

var _ callbacks.Handler = eino.NewHandler()
