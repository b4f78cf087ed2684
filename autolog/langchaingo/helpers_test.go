package langchaingo_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms/openai"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
)

var moduleDir = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tmc/langchaingo").Output()
	return strings.TrimSpace(string(out)), err
})

// lcgFile is the path of a file in langchaingo's module (read where the module cache has it,
// never copied here); the test skips when the module is not in the cache.
func lcgFile(t testing.TB, rel string) string {
	t.Helper()
	dir, err := moduleDir()
	if err != nil || dir == "" {
		t.Skipf("langchaingo's module directory is unknown (go list: %v)", err)
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("recording %s is absent: %v", rel, err)
	}
	return p
}

// recording replays one of langchaingo's own recordings (rel is relative to its module).
func recording(t testing.TB, rel string) (*httprr.Replay, []httprr.Exchange) {
	t.Helper()
	exs, err := httprr.ReadFile(lcgFile(t, rel))
	require.NoError(t, err)
	return httprr.NewReplay(exs), exs
}

// sharedRecording replays a recording of ../shared/fixtures/real/langchaingo.
func sharedRecording(t testing.TB, rel string) (*httprr.Replay, []httprr.Exchange) {
	t.Helper()
	root := httprr.Root(2)
	if root == "" {
		t.Skip("../shared/fixtures/real is absent")
	}
	p := filepath.Join(root, "langchaingo", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent", p)
	}
	exs, err := httprr.ReadFile(p)
	require.NoError(t, err)
	return httprr.NewReplay(exs), exs
}

// newLLM is langchaingo's OpenAI LLM over rt, as langchaingo's tests build it for replay.
func newLLM(t testing.TB, rt http.RoundTripper, opts ...openai.Option) *openai.LLM {
	t.Helper()
	llm, err := openai.New(append([]openai.Option{openai.WithToken("test-api-key"), openai.WithHTTPClient(&http.Client{Transport: rt})}, opts...)...)
	require.NoError(t, err)
	return llm
}

// spansOfType returns the spans of a trace of span type typ, in start order.
func spansOfType(tr *tracedata.Trace, typ string) []*tracedata.Span {
	var out []*tracedata.Span
	tr.Walk(func(s *tracedata.Span, _ int) {
		if s.SpanType() == typ {
			out = append(out, s)
		}
	})
	return out
}

func modelSpans(tr *tracedata.Trace) []*tracedata.Span {
	out := spansOfType(tr, spantypes.ChatModel)
	return append(out, spansOfType(tr, spantypes.LLM)...)
}

func newClient(rt http.RoundTripper) *http.Client { return &http.Client{Transport: rt} }

func withCallback(h *lcg.Handler) openai.Option { return openai.WithCallback(h) }

func suppress(ctx context.Context) context.Context { return core.Suppress(ctx) }
