package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestRAG runs the program offline, replaying its cassette, and checks that the manual
// CHAIN and RETRIEVER spans and the autologged EMBEDDING and CHAT_MODEL spans make one tree.
func TestRAG(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "") // replay even on a machine with a key
	t.Setenv("AGENTLENS_RECORD", "")
	rec := tracetest.Capture(t)
	before := http.DefaultTransport

	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	if http.DefaultTransport != before {
		t.Error("run left http.DefaultTransport replaced")
	}

	tr := rec.LastTrace()
	const wantTree = `CHAIN rag OK
  CHAIN index documents OK
    EMBEDDING Embeddings OK
  RETRIEVER retrieve OK
    EMBEDDING Embeddings OK
  CHAT_MODEL Completions OK
`
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, wantTree)
	}

	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/rag.yaml",
		"  0.774  " + documents[0] + "\n  0.162  " + documents[3] + "\n",
		"\nanswer: " + fakeAnswer + "\n",
		`trace ` + tr.Info.TraceID + ` "rag" OK`,
		"│  └─ EMBEDDING Embeddings OK",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	embeddings := tr.SearchSpans(core.SpanQuery{Type: spantypes.Embedding})
	for i, want := range []tracedata.TokenUsage{
		{InputTokens: 135, TotalTokens: 135}, // the six documents
		{InputTokens: 10, TotalTokens: 10},   // the question
	} {
		s := embeddings[i]
		if u, ok := s.TokenUsage(); !ok || u != want {
			t.Errorf("embedding call %d: usage %+v (%v), want %+v", i, u, ok, want)
		}
		for key, want := range map[string]string{
			spantypes.KeyLLMModel:           "text-embedding-3-small",
			spantypes.KeyGenAIResponseModel: "text-embedding-3-small",
			spantypes.KeyGenAIOperationName: "embeddings",
			spantypes.KeyLLMProvider:        "openai",
		} {
			if got := s.StringAttribute(key); got != want {
				t.Errorf("embedding call %d: %s = %q, want %q", i, key, got, want)
			}
		}
	}
	var inputs struct {
		Input      []string `json:"input"`
		Dimensions int      `json:"dimensions"`
	}
	if err := json.Unmarshal(embeddings[0].Inputs(), &inputs); err != nil || len(inputs.Input) != len(documents) || inputs.Dimensions != dimensions {
		t.Errorf("index embedding inputs %s: %v", embeddings[0].Inputs(), err)
	}

	// The retriever's outputs are the documents, in the shape MLflow shows.
	retriever := tr.SearchSpans(core.SpanQuery{Type: spantypes.Retriever})[0]
	var docs []document
	if err := json.Unmarshal(retriever.Outputs(), &docs); err != nil {
		t.Fatalf("retriever outputs %s: %v", retriever.Outputs(), err)
	}
	if len(docs) != topK || docs[0].ID != "doc-1" || docs[0].PageContent != documents[0] ||
		docs[0].Metadata.Score != 0.774 || docs[1].ID != "doc-4" {
		t.Errorf("retrieved %+v", docs)
	}
	var rin struct {
		Query string `json:"query"`
		K     int    `json:"k"`
	}
	if err := json.Unmarshal(retriever.Inputs(), &rin); err != nil || rin.Query != question || rin.K != topK {
		t.Errorf("retriever inputs %s: %v", retriever.Inputs(), err)
	}

	chat := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})[0]
	if u, ok := chat.TokenUsage(); !ok || u != (tracedata.TokenUsage{InputTokens: 87, OutputTokens: 18, TotalTokens: 105}) {
		t.Errorf("chat usage %+v (%v)", u, ok)
	}
	// The model got the retrieved documents as context.
	if in := string(chat.Inputs()); !strings.Contains(in, "refunded in full within 30 days") || !strings.Contains(in, "Team plan costs") {
		t.Errorf("chat inputs lack the context: %s", in)
	}
	if u, _ := tr.TokenUsage(); u.TotalTokens != 135+10+105 {
		t.Errorf("trace usage %+v", u)
	}
	if tr.Info.RequestPreview != question || tr.Info.ResponsePreview != fakeAnswer {
		t.Errorf("previews %q / %q", tr.Info.RequestPreview, tr.Info.ResponsePreview)
	}
}
