package gemini_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// langchaingoRecordings returns the folders of real Gemini traffic that langchaingo's module
// ships (recorded by generative-ai-go), or nil when the module is not in the module cache.
func langchaingoRecordings(t *testing.T) []string {
	t.Helper()
	dir := ""
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tmc/langchaingo").Output(); err == nil {
		dir = strings.TrimSpace(string(out))
	}
	if dir == "" {
		if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			dir = filepath.Join(strings.TrimSpace(string(out)), "github.com", "tmc", "langchaingo@v0.1.14")
		}
	}
	var dirs []string
	for _, sub := range []string{"llms/googleai/testdata", "chains/testdata"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			dirs = append(dirs, filepath.Join(dir, sub))
		}
	}
	return dirs
}

// replayExchange answers with a recorded response.
type replayExchange struct{ ex *httprr.Exchange }

func (r replayExchange) RoundTrip(req *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, req.Body)
	resp := *r.ex.Response
	resp.Body = io.NopCloser(bytes.NewReader(r.ex.ResponseBody))
	resp.Request = req
	return &resp, nil
}

// TestRealGeminiTraffic replays every Gemini exchange recorded by langchaingo (from the
// module cache, and ../shared/fixtures/real when present) through the transport: the caller
// gets the recorded bytes, outputs equal the recorded responses, usage equals usageMetadata,
// JSON-array streams assemble to the concatenated text, function calls stay intact, errors
// are ERROR.
func TestRealGeminiTraffic(t *testing.T) {
	roots := langchaingoRecordings(t)
	if r := httprr.Root(2); r != "" {
		roots = append(roots, filepath.Join(r, "langchaingo", "llms", "googleai"))
	}
	var exchanges []httprr.Exchange
	var labels []string
	for _, root := range roots {
		exs, err := httprr.Read(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range exs {
			if ex.Request.URL.Host == "generativelanguage.googleapis.com" {
				exchanges = append(exchanges, ex)
				labels = append(labels, filepath.Base(filepath.Dir(root))+"/"+ex.File)
			}
		}
	}
	if len(exchanges) == 0 {
		t.Skip("no recorded Gemini traffic: neither langchaingo in the module cache nor ../shared/fixtures/real")
	}
	traces := tracetest.Capture(t)
	var streams, calls, errs, embeds int
	for i := range exchanges {
		ex := &exchanges[i]
		t.Run(labels[i]+"#"+strconvItoa(ex.Index), func(t *testing.T) {
			traces.Reset()
			req, err := http.NewRequest(ex.Request.Method, ex.Request.URL.String(), bytes.NewReader(ex.RequestBody))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = ex.Request.Header.Clone()
			resp, err := (&http.Client{Transport: gemini.NewTransport(replayExchange{ex})}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(got, ex.ResponseBody) {
				t.Fatalf("the caller got other bytes (%v)", err)
			}
			tr := traces.LastTrace()
			if tr == nil || len(tr.Spans) != 1 {
				t.Fatalf("trace %v", tr)
			}
			s := tr.RootSpan()
			checkRealSpan(t, s, ex, &streams, &calls, &errs, &embeds)
		})
	}
	t.Logf("%d exchanges: %d streams, %d with function calls, %d errors, %d embeddings", len(exchanges), streams, calls, errs, embeds)
	if streams == 0 || calls == 0 || errs == 0 || embeds == 0 {
		t.Errorf("the recordings should hold streams, function calls, errors and embeddings")
	}
}

func checkRealSpan(t *testing.T, s *tracedata.Span, ex *httprr.Exchange, streams, calls, errs, embeds *int) {
	path := ex.Request.URL.Path
	model := path[strings.LastIndex(path, "/")+1 : strings.LastIndex(path, ":")]
	if s.StringAttribute(spantypes.KeyLLMModel) != model || s.StringAttribute(spantypes.KeyLLMProvider) != "gemini" {
		t.Errorf("model %q provider %q", s.StringAttribute(spantypes.KeyLLMModel), s.StringAttribute(spantypes.KeyLLMProvider))
	}
	checkJSON(t, "inputs", s.Inputs(), string(ex.RequestBody))
	if ex.Response.StatusCode >= 400 {
		*errs++
		var e struct {
			Error struct{ Message, Status string }
		}
		_ = json.Unmarshal(ex.ResponseBody, &e)
		if string(s.Status.Code) != "ERROR" || s.Status.Message != e.Error.Status+": "+e.Error.Message {
			t.Errorf("status %s %q", s.Status.Code, s.Status.Message)
		}
		return
	}
	if string(s.Status.Code) != "OK" {
		t.Errorf("status %s %q", s.Status.Code, s.Status.Message)
	}
	switch {
	case strings.HasSuffix(path, ":streamGenerateContent"):
		*streams++
		var chunks []map[string]any
		if err := json.Unmarshal(ex.ResponseBody, &chunks); err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, c := range chunks {
			text.WriteString(candidateText(c))
		}
		var out map[string]any
		if err := json.Unmarshal(s.Outputs(), &out); err != nil {
			t.Fatalf("outputs: %v", err)
		}
		if candidateText(out) != text.String() || text.Len() == 0 {
			t.Errorf("assembled text %q, want %q", candidateText(out), text.String())
		}
		if n := len(chunkEvents(s)); n != len(chunks) {
			t.Errorf("%d chunk events, want %d", n, len(chunks))
		}
		checkUsage(t, s, chunks[len(chunks)-1]["usageMetadata"])
	case strings.HasSuffix(path, ":generateContent"):
		checkJSON(t, "outputs", s.Outputs(), string(ex.ResponseBody))
		var resp map[string]any
		_ = json.Unmarshal(ex.ResponseBody, &resp)
		checkUsage(t, s, resp["usageMetadata"])
		if bytes.Contains(ex.ResponseBody, []byte(`"functionCall"`)) {
			*calls++
		}
	default:
		*embeds++
		checkJSON(t, "outputs", s.Outputs(), string(ex.ResponseBody))
		if s.SpanType() != spantypes.Embedding {
			t.Errorf("span type %s", s.SpanType())
		}
	}
}

// candidateText joins the text parts of a response's first candidate.
func candidateText(resp map[string]any) string {
	cands, _ := resp["candidates"].([]any)
	if len(cands) == 0 {
		return ""
	}
	c, _ := cands[0].(map[string]any)
	content, _ := c["content"].(map[string]any)
	parts, _ := content["parts"].([]any)
	var b strings.Builder
	for _, p := range parts {
		if m, ok := p.(map[string]any); ok {
			if s, ok := m["text"].(string); ok {
				b.WriteString(s)
			}
		}
	}
	return b.String()
}

func checkUsage(t *testing.T, s *tracedata.Span, meta any) {
	t.Helper()
	m, _ := meta.(map[string]any)
	n := func(k string) int64 { f, _ := m[k].(float64); return int64(f) }
	want := tracedata.TokenUsage{
		InputTokens:  n("promptTokenCount"),
		OutputTokens: n("candidatesTokenCount") + n("thoughtsTokenCount"),
		TotalTokens:  n("totalTokenCount"),
	}
	if got, ok := s.TokenUsage(); !ok || got != want {
		t.Errorf("usage %+v, want %+v (usageMetadata %v)", got, want, meta)
	}
}
