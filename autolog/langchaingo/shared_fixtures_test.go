package langchaingo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/tracetest"
)

// The same programs over the copies of langchaingo's recordings in ../shared/fixtures/real
// (skipped when that folder is absent, as on a fresh clone).
func TestSharedFixtures(t *testing.T) {
	t.Run("LLMChain", func(t *testing.T) {
		rp, exs := sharedRecording(t, "chains/TestLLMChain.httprr")
		llmChainHandler(t, rp, exs)
	})
	t.Run("MRKL agent", func(t *testing.T) {
		rp, exs := sharedRecording(t, "agents/TestExecutorWithMRKLAgent.httprr")
		mrklAgentHandler(t, rp, exs)
	})
	t.Run("OpenAI functions agent with the OpenAI adapter", func(t *testing.T) {
		rec := tracetest.Capture(t)
		rp, exs := sharedRecording(t, "agents/TestOpenAIFunctionsAgentWithHTTPRR.httprr")
		calculatorAgent(t, "handler+transport", rp)
		tr := rec.LastTrace()
		assert.Equal(t, "AGENT AgentExecutor OK\n"+
			"  CHAT_MODEL GenerateContent OK\n"+
			"  TOOL calculator OK\n"+
			"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
		m := modelSpans(tr)
		require.Len(t, m, len(exs))
		for i, s := range m {
			assertModelSpan(t, s, exs[i])
		}
	})
}
