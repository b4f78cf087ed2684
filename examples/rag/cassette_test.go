package main

import (
	"github.com/agentlens/agentlens/internal/fakeopenai"

	"bytes"
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGenerateRAGCassette rewrites recordings/cassettes/examples/rag.yaml by running the
// program against a fake OpenAI API through the real recording path (a fake key,
// AGENTLENS_RECORD=1). The recorded URLs are the real API's: only the connection goes to the
// fake server. It runs only when asked:
//
//	AGENTLENS_REGEN_EXAMPLES=1 go test ./examples/rag -run TestGenerateRAGCassette
//
// With a real key, `AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go run ./examples/rag` records
// the cassette from the real API instead (the test's expected numbers then need updating).
func TestGenerateRAGCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_EXAMPLES") != "1" {
		t.Skip("set AGENTLENS_REGEN_EXAMPLES=1 to rewrite recordings/cassettes/examples/rag.yaml")
	}
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t) // keep the generator's trace out of any local store

	srv := fakeopenai.Server(t, ragAPI(t))
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	fakeopenai.CheckScrubbed(t, recordings.Path(cassette))
}

const (
	fakeCreated = 1757931000
	fakeAnswer  = "Yes. Annual plans can be refunded in full within 30 days of purchase."
)

// ragAPI answers embeddings and chat completions requests.
func ragAPI(t *testing.T) func(w http.ResponseWriter, path string, body []byte) {
	return func(w http.ResponseWriter, path string, body []byte) {
		seed := string(body)
		switch path {
		case "/v1/embeddings":
			var req struct {
				Input      []string `json:"input"`
				Model      string   `json:"model"`
				Dimensions int      `json:"dimensions"`
			}
			if err := json.Unmarshal(body, &req); err != nil || req.Model != "text-embedding-3-small" || req.Dimensions <= 0 {
				t.Errorf("fake OpenAI: unexpected embeddings request %s", body)
				http.Error(w, "unexpected request", http.StatusBadRequest)
				return
			}
			writeEmbeddings(w, seed, req.Model, req.Input, req.Dimensions)
		case "/v1/chat/completions":
			var req fakeopenai.ChatRequest
			if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
				t.Errorf("fake OpenAI: unexpected chat request %s", body)
				http.Error(w, "unexpected request", http.StatusBadRequest)
				return
			}
			// The model answers from the context it was given.
			answer := "The context does not say."
			if strings.Contains(req.Messages[0].Content, "refunded in full within 30 days") {
				answer = fakeAnswer
			}
			fakeopenai.WriteCompletion(w, seed, fakeCreated, answer, nil, fakeopenai.NewUsage(req.PromptTokens(), fakeopenai.Tokens(answer)))
		default:
			t.Errorf("fake OpenAI: unexpected path %s", path)
			http.Error(w, "unexpected request", http.StatusNotFound)
		}
	}
}

type fakeEmbeddingList struct {
	Object string          `json:"object"`
	Data   []fakeEmbedding `json:"data"`
	Model  string          `json:"model"`
	Usage  struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

type fakeEmbedding struct {
	Object    string     `json:"object"`
	Index     int        `json:"index"`
	Embedding []apiFloat `json:"embedding"`
}

// apiFloat is written as the API writes embedding components: the shortest float32
// digits, with an exponent below 1e-4 ("-6.5586514e-06").
type apiFloat float32

func (f apiFloat) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 32), nil
}

// writeEmbeddings answers an embeddings request as the API does, with vectors that make
// texts sharing words similar.
func writeEmbeddings(w http.ResponseWriter, seed, model string, inputs []string, dims int) {
	list := fakeEmbeddingList{Object: "list", Model: model}
	for i, text := range inputs {
		list.Data = append(list.Data, fakeEmbedding{Object: "embedding", Index: i, Embedding: fakeVector(text, dims)})
		list.Usage.PromptTokens += fakeopenai.Tokens(text)
	}
	list.Usage.TotalTokens = list.Usage.PromptTokens
	fakeopenai.Headers(w, "application/json", seed)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Openai-Model", model)
	w.Header().Set("Via", "envoy-router-5566854f45-"+strings.ToLower(fakeopenai.ID("", seed, 5)))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b.Bytes())
}

var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "at": true, "be": true, "by": true, "can": true,
	"during": true, "every": true, "for": true, "from": true, "get": true, "i": true, "in": true,
	"is": true, "must": true, "my": true, "never": true, "not": true, "of": true, "on": true,
	"per": true, "since": true, "the": true, "to": true, "use": true, "when": true,
}

// fakeVector is a unit vector of dims components: a bag of (crudely stemmed) words hashed
// into the components (a random projection), plus a little deterministic noise, as real embeddings are never
// sparse.
func fakeVector(text string, dims int) []apiFloat {
	v := make([]float64, dims)
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = strings.Trim(w, ".,:;?!")
		if stopWords[w] || w == "" {
			continue
		}
		if len(w) > 4 {
			w = strings.TrimSuffix(strings.TrimSuffix(w, "s"), "ed")
		}
		// Each word is a random ±1 pattern over four components, so that two
		// different words barely correlate.
		for j := 0; j < 4; j++ {
			h := fnv.New64a()
			_, _ = io.WriteString(h, w+"#"+strconv.Itoa(j))
			x := h.Sum64()
			x ^= x >> 29
			x *= 0xbf58476d1ce4e5b9
			x ^= x >> 32
			if x&1 == 0 {
				v[(x>>1)%uint64(dims)]++
			} else {
				v[(x>>1)%uint64(dims)]--
			}
		}
	}
	for d := range v {
		h := fnv.New32a()
		_, _ = io.WriteString(h, text+"#"+strconv.Itoa(d))
		v[d] += (float64(h.Sum32()%2001)/1000 - 1) * 0.05
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	norm = math.Sqrt(norm)
	out := make([]apiFloat, dims)
	for d, x := range v {
		out[d] = apiFloat(x / norm)
	}
	return out
}
