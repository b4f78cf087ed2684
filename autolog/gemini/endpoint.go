package gemini

import (
	"net/http"
	"strings"

	"github.com/agentlens/agentlens/spantypes"
)

// endpoint is a traced Gemini API method.
type endpoint int

const (
	notTraced endpoint = iota
	generateContent
	streamGenerateContent
	embedContent
	batchEmbedContents
)

// route is what a request's method and path tell: the API method, the model, and whether
// it goes to Vertex AI.
type route struct {
	ep     endpoint
	model  string // the model's id: "gemini-2.0-flash", a tuned model's or endpoint's id
	vertex bool
}

// classify reads a request's method and path, on any host: POST .../models/{model}:{method}
// (also tunedModels/ and Vertex AI's endpoints/). countTokens and every other method pass
// through untraced.
func classify(req *http.Request) route {
	if req.Method != http.MethodPost || req.URL == nil {
		return route{}
	}
	p := req.URL.Path
	slash := strings.LastIndexByte(p, '/')
	colon := strings.LastIndexByte(p, ':')
	if slash < 0 || colon < slash {
		return route{}
	}
	var ep endpoint
	switch p[colon+1:] {
	case "generateContent":
		ep = generateContent
	case "streamGenerateContent":
		ep = streamGenerateContent
	case "embedContent":
		ep = embedContent
	case "batchEmbedContents":
		ep = batchEmbedContents
	default:
		return route{}
	}
	model := p[slash+1 : colon]
	collection := p[:slash]
	if i := strings.LastIndexByte(collection, '/'); i >= 0 {
		collection = collection[i+1:]
	}
	switch collection {
	case "models", "tunedModels", "endpoints":
	default:
		return route{}
	}
	if model == "" {
		return route{}
	}
	vertex := strings.Contains(p, "/projects/") && strings.Contains(p, "/locations/") ||
		strings.HasSuffix(strings.ToLower(req.URL.Hostname()), "aiplatform.googleapis.com")
	return route{ep: ep, model: model, vertex: vertex}
}

// spanName follows MLflow's Gemini autolog, which names spans after the SDK method
// (Models.generate_content of google-genai).
func (e endpoint) spanName() string {
	switch e {
	case streamGenerateContent:
		return "Models.generate_content_stream"
	case embedContent:
		return "Models.embed_content"
	case batchEmbedContents:
		return "Models.batch_embed_contents"
	}
	return "Models.generate_content"
}

func (e endpoint) spanType() string {
	if e == embedContent || e == batchEmbedContents {
		return spantypes.Embedding
	}
	return spantypes.ChatModel
}

// operationJSON is the OTel GenAI operation name, as JSON text.
func (e endpoint) operationJSON() string {
	if e == embedContent || e == batchEmbedContents {
		return `"embeddings"`
	}
	return `"chat"`
}

// provider returns the mlflow.llm.provider and gen_ai.provider.name values, as JSON text.
// MLflow names Gemini "gemini"; the OTel GenAI conventions name it "gcp.gemini" (and Vertex
// AI "gcp.vertex_ai").
func (r route) provider() (mlflow, genAI string) {
	if r.vertex {
		return `"vertex_ai"`, `"gcp.vertex_ai"`
	}
	return `"gemini"`, `"gcp.gemini"`
}
