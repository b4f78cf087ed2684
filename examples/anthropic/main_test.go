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

// TestAnthropic runs the program offline, replaying its cassette, and checks its trace.
func TestAnthropic(t *testing.T) {
	t.Setenv(keyEnv, "") // replay even on a machine with a key
	t.Setenv("ANTHROPIC_BASE_URL", "")
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
	const wantTree = "AGENT weather assistant OK\n  CHAT_MODEL Messages.create OK\n  TOOL get_weather OK\n  CHAT_MODEL Messages.create OK\n"
	if got := tracetest.Tree(tr); got != wantTree {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, wantTree)
	}
	answer := strings.Join(fakeAnswer, "")
	for _, want := range []string{
		"(offline: replaying recordings/cassettes/examples/anthropic.yaml",
		"model: get_weather(map[city:Paris])\n",
		"model: " + answer + "\n",
		"└─ AGENT weather assistant OK",
		"CHAT_MODEL Messages.create OK",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	models := tr.SearchSpans(tracedata.SpanQuery{Type: spantypes.ChatModel})
	if len(models) != 2 {
		t.Fatalf("%d model spans", len(models))
	}
	if u, ok := models[0].TokenUsage(); !ok || u != (tracedata.TokenUsage{InputTokens: 412, OutputTokens: 67, TotalTokens: 479}) {
		t.Errorf("first call usage %+v", u)
	}
	if u, ok := models[1].TokenUsage(); !ok || u != (tracedata.TokenUsage{InputTokens: 521, OutputTokens: 17, TotalTokens: 538}) {
		t.Errorf("streamed call usage %+v", u)
	}
	if !strings.Contains(string(models[0].Attribute(spantypes.KeyChatTools)), `"name":"get_weather"`) {
		t.Errorf("tools %s", models[0].Attribute(spantypes.KeyChatTools))
	}
	if !strings.Contains(string(models[1].Outputs()), `"text":"`+answer+`"`) {
		t.Errorf("stream not assembled: %s", models[1].Outputs())
	}
	if n := len(models[1].Events); n != 9 {
		t.Errorf("%d events on the streamed call, want 9 chunks", n)
	}
	if tr.Info.ResponsePreview != answer {
		t.Errorf("response preview %q", tr.Info.ResponsePreview)
	}
}
