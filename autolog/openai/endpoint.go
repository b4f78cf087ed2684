package openai

import (
	"net"
	"net/http"
	"strings"

	"github.com/agentlens/agentlens/spantypes"
)

// endpoint is a traced OpenAI API operation.
type endpoint int

const (
	notTraced endpoint = iota
	chatCompletions
	completions
	embeddings
	responses
)

// classify tells which operation a request is, by method and path only, on any host.
func classify(req *http.Request) endpoint {
	if req.Method != http.MethodPost || req.URL == nil {
		return notTraced
	}
	p := strings.TrimSuffix(req.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		return chatCompletions
	case strings.HasSuffix(p, "/completions"):
		return completions
	case strings.HasSuffix(p, "/embeddings"):
		return embeddings
	case strings.HasSuffix(p, "/responses"):
		return responses
	}
	return notTraced
}

// spanName follows MLflow's OpenAI autolog, which names spans after the client resource.
func (e endpoint) spanName() string {
	switch e {
	case chatCompletions, completions:
		return "Completions"
	case embeddings:
		return "Embeddings"
	}
	return "Responses"
}

func (e endpoint) spanType() string {
	switch e {
	case completions:
		return spantypes.LLM
	case embeddings:
		return spantypes.Embedding
	}
	return spantypes.ChatModel
}

// operation is the OTel GenAI operation name.
func (e endpoint) operation() string {
	switch e {
	case completions:
		return "text_completion"
	case embeddings:
		return "embeddings"
	}
	return "chat"
}

// operationJSON is operation as JSON text.
func (e endpoint) operationJSON() string {
	switch e {
	case completions:
		return `"text_completion"`
	case embeddings:
		return `"embeddings"`
	}
	return `"chat"`
}

// knownHosts maps API hosts to OTel GenAI provider names.
var knownHosts = map[string]string{
	"api.openai.com":                    "openai",
	"api.groq.com":                      "groq",
	"api.deepseek.com":                  "deepseek",
	"api.mistral.ai":                    "mistral_ai",
	"api.together.xyz":                  "together_ai",
	"api.fireworks.ai":                  "fireworks_ai",
	"openrouter.ai":                     "openrouter",
	"api.perplexity.ai":                 "perplexity",
	"api.x.ai":                          "x_ai",
	"router.huggingface.co":             "huggingface",
	"api-inference.huggingface.co":      "huggingface",
	"generativelanguage.googleapis.com": "gcp.gemini",
}

// providerOf names the provider of a request: known API hosts, Azure OpenAI (by host or by
// its deployment path), a local Ollama (its port), else the host name itself.
func providerOf(req *http.Request) string {
	host := req.URL.Hostname()
	if host == "" {
		host = req.Host
	}
	host = strings.ToLower(host)
	if p, ok := knownHosts[host]; ok {
		return p
	}
	if strings.HasSuffix(host, ".openai.azure.com") || strings.HasSuffix(host, ".cognitiveservices.azure.com") ||
		strings.Contains(req.URL.Path, "/openai/deployments/") {
		return "azure.ai.openai"
	}
	if req.URL.Port() == "11434" || strings.Contains(host, "ollama") {
		return "ollama"
	}
	if strings.Contains(host, "vllm") {
		return "vllm"
	}
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return "local"
	}
	if host == "" {
		return "openai"
	}
	return host
}

// azureDeployment returns the deployment named in an Azure OpenAI path, or "".
func azureDeployment(path string) string {
	const marker = "/openai/deployments/"
	i := strings.Index(path, marker)
	if i < 0 {
		return ""
	}
	rest := path[i+len(marker):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
