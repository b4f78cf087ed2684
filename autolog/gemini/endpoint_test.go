package gemini

import (
	"net/http"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		method, url string
		want        route
	}{
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", route{generateContent, "gemini-2.0-flash", false}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", route{streamGenerateContent, "gemini-2.0-flash", false}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?%24alt=json%3Benum-encoding%3Dint", route{streamGenerateContent, "gemini-2.0-flash", false}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:embedContent", route{embedContent, "text-embedding-004", false}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents", route{batchEmbedContents, "text-embedding-004", false}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-x1:generateContent", route{generateContent, "my-model-x1", false}},
		{"POST", "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent", route{generateContent, "gemini-2.0-flash", true}},
		{"POST", "https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse", route{streamGenerateContent, "gemini-2.5-pro", true}},
		{"POST", "http://127.0.0.1:8080/v1/projects/p/locations/l/endpoints/1234567:generateContent", route{generateContent, "1234567", true}},
		// Not traced: countTokens, other methods, GETs, other collections, no model.
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens", route{}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:computeTokens", route{}},
		{"POST", "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/text-embedding-005:predict", route{}},
		{"GET", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", route{}},
		{"GET", "https://generativelanguage.googleapis.com/v1beta/models", route{}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/files/abc:generateContent", route{}},
		{"POST", "https://generativelanguage.googleapis.com/v1beta/models/:generateContent", route{}},
		{"POST", "https://api.openai.com/v1/chat/completions", route{}},
		{"POST", "https://example.com/a:b/generateContent", route{}},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, c.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := classify(req); got != c.want {
			t.Errorf("%s %s: %+v, want %+v", c.method, c.url, got, c.want)
		}
	}
}
