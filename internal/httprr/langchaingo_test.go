package httprr

import (
	"path/filepath"
	"strings"
	"testing"

	// The recordings read here are langchaingo's: importing one of its packages keeps the
	// module a dependency (go mod tidy) and in the module cache of every build of the tests.
	_ "github.com/tmc/langchaingo/llms"
)

// TestLangchaingoRecordings (issue 15, point 10): the real recordings langchaingo's module
// ships are found in the module cache on any machine that builds the tests, not only where
// ../shared/fixtures/real exists, and they read as httprr files.
func TestLangchaingoRecordings(t *testing.T) {
	dir, err := LangchaingoDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(filepath.ToSlash(dir), "github.com/tmc/langchaingo@") {
		t.Errorf("langchaingo at %q, want its module cache directory", dir)
	}
	exchanges, err := Read(filepath.Join(dir, "llms", "openai"))
	if err != nil {
		t.Fatal(err)
	}
	hosts := map[string]int{}
	for _, x := range exchanges {
		hosts[x.Request.URL.Host]++
	}
	if hosts["api.openai.com"] < 10 || hosts["openrouter.ai"] == 0 {
		t.Errorf("recorded exchanges by host: %v", hosts)
	}
}
