package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestGemini runs the program offline, replaying its cassette, and checks its trace.
func TestGemini(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "") // replay even on a machine with a key
	t.Setenv("GOOGLE_API_KEY", "")
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
	traces := rec.Traces()
	if len(traces) != 1 {
		t.Fatalf("%d traces", len(traces))
	}
	tr := traces[0]
	const wantTree = "AGENT weather assistant OK\n  CHAT_MODEL Models.generate_content OK\n  TOOL get_weather OK\n  CHAT_MODEL Models.generate_content_stream OK\n"
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, wantTree)
	}
	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/gemini.yaml",
		"model: get_weather(map[city:Paris])\n",
		"model: " + fakeAnswer + "\n",
		"└─ AGENT weather assistant OK",
		"CHAT_MODEL Models.generate_content_stream OK",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	if len(models) != 2 {
		t.Fatalf("%d model spans", len(models))
	}
	if u, ok := models[0].TokenUsage(); !ok || u.TotalTokens != 52 {
		t.Errorf("first call usage %+v", u)
	}
	if u, ok := models[1].TokenUsage(); !ok || u != (tracedata.TokenUsage{InputTokens: 78, OutputTokens: 13, TotalTokens: 91}) {
		t.Errorf("streamed call usage %+v", u)
	}
	if !strings.Contains(string(models[0].Attribute(spantypes.KeyChatTools)), `"name":"get_weather"`) {
		t.Errorf("tools %s", models[0].Attribute(spantypes.KeyChatTools))
	}
	if !strings.Contains(string(models[1].Outputs()), `"text":"`+fakeAnswer+`"`) {
		t.Errorf("stream not assembled: %s", models[1].Outputs())
	}
	if tr.Info.ResponsePreview != fakeAnswer {
		t.Errorf("response preview %q", tr.Info.ResponsePreview)
	}
}
