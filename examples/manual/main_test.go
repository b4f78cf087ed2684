package main

import (
	"context"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

func TestAnswerTrace(t *testing.T) {
	rec := tracetest.Capture(t)
	text, err := answer(context.Background(), "Where do traces go by default?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "local store by default") {
		t.Errorf("answer = %q", text)
	}
	tr := rec.LastTrace()
	want := `CHAIN answer question OK
  GUARDRAIL audit question OK
  RETRIEVER retrieve OK
    EMBEDDING embed OK
    EMBEDDING embed OK
    EMBEDDING embed OK
    EMBEDDING embed OK
    EMBEDDING embed OK
  CHAT_MODEL generate OK
`
	if got := tracetest.Tree(tr); got != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, want)
	}
	gen := tr.SearchSpans(core.SpanQuery{Type: spantypes.ChatModel})[0]
	if n := len(gen.Events); n != len(strings.SplitAfter(text, " ")) {
		t.Errorf("%d chunk events for %q", n, text)
	}
	if tr.Info.RequestPreview != "Where do traces go by default?" || tr.Info.ResponsePreview != text {
		t.Errorf("previews: %q / %q", tr.Info.RequestPreview, tr.Info.ResponsePreview)
	}
	if tr.Info.Metadata[spantypes.MetaSession] != "demo-session" || tr.Info.Tags["example"] != "manual" {
		t.Errorf("trace update lost: %v %v", tr.Info.Metadata, tr.Info.Tags)
	}
}
