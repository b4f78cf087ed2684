package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQuick runs the quick mode on two cases, one over HTTP and one of manual spans: every
// arm sets up, runs, drains and passes its checks (traces delivered, nothing dropped), and
// the table has a row for each.
func TestQuick(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-quick", "-procs", "1", "-seed", "7", "-cases", "^(go-openai chat|one-span trace)$"}, &out)
	require.NoError(t, err, out.String())
	text := out.String()
	for _, row := range []string{
		"| go-openai chat (µs a call) | untraced |",
		"|  | untraced (A/A) |",
		"|  | agentlens |",
		"|  | otelhttp + batch processor |",
		"|  | agentlens, sdk.Disable() |",
		"|  | agentlens + local store |",
		"| one-span trace (µs a trace) | untraced |",
		"|  | OTel SDK span, batch processor |",
		"|  | OTel SDK span + encoding/json |",
		"A/A go-openai chat, 3 rounds: median of paired ratios",
	} {
		require.Contains(t, text, row)
	}
	require.Contains(t, text, "## GOMAXPROCS=1")
	require.NotContains(t, text, "openai-go chat", "-cases selects")
}

// A batch whose pipeline delivers other than it should fails the run.
func TestCheckCountsTraces(t *testing.T) {
	e := &env{url: newTestServer(t), storeDir: t.TempDir()}
	wrong := e.httpArm(modeAgentlens, "", openaiTransport, e.goopenaiChat, 2) // a call makes one trace
	_, err := runBatch(wrong, 2)
	require.ErrorContains(t, err, "3 traces delivered, want 6")

	right := e.httpArm(modeAgentlens, "", openaiTransport, e.goopenaiChat, 1)
	s, err := runBatch(right, 2)
	require.NoError(t, err)
	require.Positive(t, s.cpu)
	require.Positive(t, s.allocs)
}

func newTestServer(t *testing.T) string {
	srv := newServer()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	require.Equal(t, 3.0, median(xs))
	require.Equal(t, 1.4, quantile(xs, 0.1))
	require.Equal(t, 5.0, quantile(xs, 1))
	require.Equal(t, []float64{5, 1, 4, 2, 3}, xs, "quantile sorts a copy")
	require.True(t, strings.HasPrefix(ratio(quantile(nil, 0.5)), "n/a"))
	lo, hi := medianCI([]float64{2, 2, 2})
	require.Equal(t, [2]float64{2, 2}, [2]float64{lo, hi})
	lo, hi = medianCI([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9})
	require.True(t, lo < 5 && hi > 5 && lo >= 1 && hi <= 9, "%v–%v", lo, hi)
}
