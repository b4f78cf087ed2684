package openai

import (
	"testing"

	"github.com/agentlens/agentlens/internal/jsonenc"
)

func TestOperationJSON(t *testing.T) {
	for _, e := range []endpoint{chatCompletions, completions, embeddings, responses} {
		if got, want := string(e.operationJSON()), jsonenc.String(e.operation()); got != want {
			t.Errorf("endpoint %v: operationJSON %s, want %s", e, got, want)
		}
	}
}
