package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/internal/fakeopenai"
	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/tracetest"
)

// fakeKey is the key the generator sends; scrubbing must keep it out of the cassette.
const fakeKey = "AIzaSyExamplesFAKEgeminiKey01234567890"

// TestGenerateGeminiCassette rewrites recordings/cassettes/examples/gemini.yaml by running the
// program against a fake Gemini API (answers generated in the API's wire format) through the
// real recording path. It runs only when asked:
//
//	AGENTLENS_REGEN_GEMINI=1 go test ./examples/gemini -run TestGenerateGeminiCassette
func TestGenerateGeminiCassette(t *testing.T) {
	if os.Getenv("AGENTLENS_REGEN_GEMINI") != "1" {
		t.Skip("set AGENTLENS_REGEN_GEMINI=1 to rewrite recordings/cassettes/examples/gemini.yaml")
	}
	t.Setenv("GEMINI_API_KEY", fakeKey)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("AGENTLENS_RECORD", "1")
	tracetest.Capture(t)
	srv := httptest.NewServer(http.HandlerFunc(fakeGemini(t)))
	defer srv.Close()
	var out bytes.Buffer
	if err := runWith(context.Background(), &out, recordings.Options{RealTransport: fakeopenai.RedirectTransport(t, srv)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("program output:\n%s", out.String())
	data, err := os.ReadFile(recordings.Path(cassette))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(fakeKey)) {
		t.Error("the key is in the cassette")
	}
}

// The fake model's answers.
const (
	fakeAnswer = "It's 18 °C and partly cloudy in Paris right now."
)

// fakeGemini answers as gemini-2.0-flash would: a function call first, then, given its
// result, a streamed answer (server-sent events, as for alt=sse).
func fakeGemini(t *testing.T) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("x-goog-api-key") != fakeKey {
			t.Errorf("fake Gemini: request without the key")
		}
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Server", "scaffolding on HTTPServer2")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		switch {
		case r.URL.Path == "/v1beta/models/gemini-2.0-flash:generateContent" && !strings.Contains(string(body), `"functionResponse"`):
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			_, _ = io.WriteString(w, `{
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "functionCall": {
              "name": "get_weather",
              "args": {
                "city": "Paris"
              }
            }
          }
        ],
        "role": "model"
      },
      "finishReason": "STOP",
      "avgLogprobs": -0.0043021023273468018
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 46,
    "candidatesTokenCount": 6,
    "totalTokenCount": 52,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 46
      }
    ],
    "candidatesTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 6
      }
    ]
  },
  "modelVersion": "gemini-2.0-flash",
  "responseId": "Xq0vaOWdJ5GKkdUPqLLJ6Q0"
}
`)
		case r.URL.Path == "/v1beta/models/gemini-2.0-flash:streamGenerateContent" && r.URL.Query().Get("alt") == "sse":
			w.Header().Set("Content-Type", "text/event-stream")
			pieces := []string{"It's 18 °C", " and partly cloudy in Paris", " right now."}
			for i, p := range pieces {
				chunk := map[string]any{
					"candidates": []any{map[string]any{"content": map[string]any{"parts": []any{map[string]any{"text": p}}, "role": "model"}}},
					"usageMetadata": map[string]any{"promptTokenCount": 78, "totalTokenCount": 78,
						"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": 78}}},
					"modelVersion": "gemini-2.0-flash",
					"responseId":   "Y60vaL7pFJyVkdUP0ZrN8Qs",
				}
				if i == len(pieces)-1 {
					chunk["candidates"].([]any)[0].(map[string]any)["finishReason"] = "STOP"
					chunk["usageMetadata"] = map[string]any{"promptTokenCount": 78, "candidatesTokenCount": 13, "totalTokenCount": 91,
						"promptTokensDetails":     []any{map[string]any{"modality": "TEXT", "tokenCount": 78}},
						"candidatesTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": 13}}}
				}
				b, _ := json.Marshal(chunk)
				_, _ = io.WriteString(w, "data: "+string(b)+"\r\n\r\n")
			}
		default:
			t.Errorf("fake Gemini: unexpected request %s %s: %s", r.Method, r.URL, body)
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	}
}
