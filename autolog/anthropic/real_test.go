package anthropic_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog/anthropic"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/tracetest"
)

// realExchanges reads the real Anthropic traffic langchaingo recorded: from its module in
// the module cache, and from ../shared/fixtures/real when present.
func realExchanges(t *testing.T) (exs []httprr.Exchange, labels []string) {
	t.Helper()
	var roots []string
	if dir, err := httprr.LangchaingoDir(); err == nil {
		roots = append(roots, filepath.Join(dir, "llms", "anthropic"))
	} else {
		t.Logf("langchaingo's recordings: %v", err)
	}
	if r := httprr.Root(2); r != "" {
		roots = append(roots, filepath.Join(r, "langchaingo", "llms", "anthropic"))
	}
	for _, root := range roots {
		read, err := httprr.Read(root)
		require.NoError(t, err)
		for _, ex := range read {
			if ex.Request.URL.Host == "api.anthropic.com" {
				exs = append(exs, ex)
				labels = append(labels, filepath.Base(filepath.Dir(filepath.Dir(root)))+"/"+ex.File)
			}
		}
	}
	return exs, labels
}

// TestRealAnthropicTraffic replays every recorded exchange through the transport: the
// caller gets the recorded bytes, the outputs equal the recorded response (a stream
// assembles to the concatenated text deltas, one chunk event per event), the usage equals
// the recorded usage, and the tools are MLflow's shape of the recorded ones.
func TestRealAnthropicTraffic(t *testing.T) {
	exs, labels := realExchanges(t)
	if len(exs) == 0 {
		t.Skip("no recorded Anthropic traffic: neither langchaingo in the module cache nor ../shared/fixtures/real")
	}
	rec := tracetest.Capture(t)
	streams, plain, tools := 0, 0, 0
	for i := range exs {
		ex := &exs[i]
		t.Run(labels[i], func(t *testing.T) {
			rec.Reset()
			req, err := http.NewRequest(ex.Request.Method, ex.Request.URL.String(), bytes.NewReader(ex.RequestBody))
			require.NoError(t, err)
			req.Header = ex.Request.Header.Clone()
			resp, err := (&http.Client{Transport: anthropic.NewTransport(httprr.NewReplay([]httprr.Exchange{*ex}))}).Do(req)
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, resp.Body.Close())
			require.NoError(t, err)
			require.Equal(t, ex.ResponseBody, got, "the caller got other bytes")

			tr := only(t, rec, oneSpan)
			s := tr.RootSpan()
			var sent struct {
				Model string
				Tools []struct {
					Name, Description string
					InputSchema       json.RawMessage `json:"input_schema"`
				}
			}
			require.NoError(t, json.Unmarshal(ex.RequestBody, &sent))
			assert.Equal(t, sent.Model, s.StringAttribute("mlflow.llm.model"))
			assert.JSONEq(t, string(ex.RequestBody), string(s.Inputs()))
			if len(sent.Tools) > 0 {
				tools++
				var want []map[string]any
				for _, tool := range sent.Tools {
					var params any
					require.NoError(t, json.Unmarshal(tool.InputSchema, &params))
					want = append(want, map[string]any{"type": "function", "function": map[string]any{"name": tool.Name, "description": tool.Description, "parameters": params}})
				}
				assert.JSONEq(t, string(mustJSON(t, want)), string(s.Attribute("mlflow.chat.tools")))
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				streams++
				checkRealStream(t, s, ex.ResponseBody)
				return
			}
			plain++
			assert.JSONEq(t, string(ex.ResponseBody), string(s.Outputs()))
			var m struct{ Usage map[string]any }
			require.NoError(t, json.Unmarshal(ex.ResponseBody, &m))
			usage := map[string]int64{}
			addCounts(usage, m.Usage)
			checkRecordedUsage(t, s, usage)
		})
	}
	t.Logf("%d exchanges: %d streams, %d plain, %d with tools", len(exs), streams, plain, tools)
	assert.NotZero(t, streams, "streams")
	assert.NotZero(t, plain, "plain messages")
	assert.NotZero(t, tools, "tools")
}

// checkRealStream reads the recorded events by hand (every "data:" line of an event
// block) and checks the span against them.
func checkRealStream(t *testing.T, s *tracedata.Span, body []byte) {
	t.Helper()
	var text strings.Builder
	usage := map[string]int64{}
	n := 0
	for _, block := range strings.Split(string(body), "\n\n") {
		for _, line := range strings.Split(block, "\n") {
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok {
				continue
			}
			n++
			var ev struct {
				Type    string
				Message struct{ Usage map[string]any }
				Delta   struct{ Type, Text string }
				Usage   map[string]any
			}
			require.NoError(t, json.Unmarshal([]byte(data), &ev))
			switch ev.Type {
			case "message_start":
				addCounts(usage, ev.Message.Usage)
			case "message_delta":
				addCounts(usage, ev.Usage)
			case "content_block_delta":
				if ev.Delta.Type == "text_delta" {
					text.WriteString(ev.Delta.Text)
				}
			}
		}
	}
	var out struct {
		Content []struct{ Type, Text string }
	}
	require.NoError(t, json.Unmarshal(s.Outputs(), &out))
	require.Len(t, out.Content, 1)
	assert.Equal(t, text.String(), out.Content[0].Text, "assembled text")
	assert.NotEmpty(t, text.String())
	assert.Len(t, chunkEvents(s), n, "one chunk event per event")
	checkRecordedUsage(t, s, usage)
}

// addCounts sets the whole-number counts of a usage object (message_delta's replace
// message_start's: they are totals).
func addCounts(to map[string]int64, from map[string]any) {
	for k, v := range from {
		if f, ok := v.(float64); ok {
			to[k] = int64(f)
		}
	}
}

func checkRecordedUsage(t *testing.T, s *tracedata.Span, u map[string]int64) {
	t.Helper()
	in := u["input_tokens"] + u["cache_read_input_tokens"] + u["cache_creation_input_tokens"]
	want := tracedata.TokenUsage{InputTokens: in, OutputTokens: u["output_tokens"], TotalTokens: in + u["output_tokens"]}
	got, ok := s.TokenUsage()
	assert.True(t, ok)
	assert.Equal(t, want, got, "recorded usage %v", u)
}
