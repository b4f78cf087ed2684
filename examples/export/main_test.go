package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/otlpreceiver"
)

// TestRunSendsToOTLPAndStore runs the example with OTEL_EXPORTER_OTLP_ENDPOINT naming an
// in-process receiver and a local store in a temporary directory.
func TestRunSendsToOTLPAndStore(t *testing.T) {
	recv := otlpreceiver.NewHTTP()
	defer recv.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", recv.URL)
	t.Setenv("OTEL_SERVICE_NAME", "export-example")
	t.Setenv("AGENTLENS_STORE", t.TempDir()+"/agentlens.db")
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	spans := recv.Spans()
	names := map[string]bool{}
	for _, s := range spans {
		names[s.Name] = true
	}
	if len(spans) != 2 || !names["plan trip"] || !names["find flights"] {
		t.Fatalf("receiver got %d spans %v", len(spans), names)
	}
	for _, want := range []string{"answer: TP433 leaves at 08:05", "otlp http/protobuf: exported 1, retried 0, dropped 0, failed 0", "*store.Store: exported 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
