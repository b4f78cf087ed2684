package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/agentlens/agentlens/internal/fakeopenai"
)

// The loopback server answers in the providers' wire formats. Its answers are rendered once
// at start-up (by internal/fakeopenai for OpenAI's, so they have the real API's fields,
// headers and SSE framing) and replayed byte for byte, each flushed piece as its own write:
// its CPU time, which getrusage counts with the client's, is the same for every arm and as
// small as serving the bytes can make it.

const created = 1757930400

// streamChunks is the number of chat.completion.chunk events of the streamed answer: the
// role chunk, content chunks, the finish chunk and the usage chunk (then [DONE]).
const streamChunks = 200

// embeddingDims is the length of the embedding vector (text-embedding-3-small's).
const embeddingDims = 1536

const chatAnswer = "Go's error values make failure paths explicit: every call site decides what to do, and nothing unwinds the stack behind your back."

// rendered is a recorded answer: status, headers, and the body in the pieces it was
// flushed in.
type rendered struct {
	code   int
	header http.Header
	parts  [][]byte
}

// render records what write answers.
func render(write func(w http.ResponseWriter)) *rendered {
	rec := &recorder{r: rendered{header: http.Header{}}}
	write(rec)
	rec.Flush()
	if rec.r.code == 0 {
		rec.r.code = http.StatusOK
	}
	return &rec.r
}

type recorder struct {
	r   rendered
	cur bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.r.header }

func (rec *recorder) WriteHeader(code int) {
	if rec.r.code == 0 {
		rec.r.code = code
	}
}

func (rec *recorder) Write(p []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.cur.Write(p)
}

func (rec *recorder) Flush() {
	if rec.cur.Len() > 0 {
		rec.r.parts = append(rec.r.parts, bytes.Clone(rec.cur.Bytes()))
		rec.cur.Reset()
	}
}

func (r *rendered) serve(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	w.WriteHeader(r.code)
	f, _ := w.(http.Flusher)
	for _, p := range r.parts {
		_, _ = w.Write(p)
		if len(r.parts) > 1 && f != nil {
			f.Flush()
		}
	}
}

// newServer starts the loopback server: chat completions (plain and streamed), embeddings
// and Gemini's generateContent, on any path that ends like the API's.
func newServer() *httptest.Server {
	usage := fakeopenai.NewUsage(24, 27)
	chat := render(func(w http.ResponseWriter) {
		fakeopenai.WriteCompletion(w, "pairbench", created, chatAnswer, nil, usage)
	})
	streamUsage := fakeopenai.NewUsage(24, streamChunks-3)
	stream := render(func(w http.ResponseWriter) {
		fakeopenai.WriteStream(w, "pairbench-stream", created, streamPieces(), &streamUsage)
	})
	embedding := render(writeEmbedding)
	gemini := render(writeGemini)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p := r.URL.Path
		switch {
		case r.Method != http.MethodPost:
			http.NotFound(w, r)
		case strings.HasSuffix(p, "/chat/completions") && bytes.Contains(body, []byte(`"stream":true`)):
			stream.serve(w)
		case strings.HasSuffix(p, "/chat/completions"):
			chat.serve(w)
		case strings.HasSuffix(p, "/embeddings"):
			embedding.serve(w)
		case strings.HasSuffix(p, ":generateContent"):
			gemini.serve(w)
		default:
			http.NotFound(w, r)
		}
	}))
}

// streamPieces are the content pieces of the streamed answer: with the role, finish and
// usage chunks, streamChunks chunks in all.
func streamPieces() []string {
	words := strings.Fields("Go treats errors as ordinary values so that every failure stays visible in the control flow of the program")
	out := make([]string, streamChunks-3)
	for i := range out {
		out[i] = " " + words[i%len(words)]
	}
	return out
}

// writeEmbedding answers an embeddings request as the API does (encoding_format float): a
// list with one embedding of embeddingDims numbers, printed as the API prints them.
func writeEmbedding(w http.ResponseWriter) {
	var b strings.Builder
	b.WriteString("{\n  \"object\": \"list\",\n  \"data\": [\n    {\n      \"object\": \"embedding\",\n      \"index\": 0,\n      \"embedding\": [\n")
	x := uint32(2463534242)
	for i := range embeddingDims {
		// xorshift: deterministic numbers of the size real embeddings have (|v| < 0.1).
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		v := (float64(x)/float64(^uint32(0)) - 0.5) / 5
		b.WriteString("        ")
		b.WriteString(strconv.FormatFloat(v, 'f', 10, 64))
		if i < embeddingDims-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("      ]\n    }\n  ],\n  \"model\": \"text-embedding-3-small\",\n  \"usage\": {\n    \"prompt_tokens\": 9,\n    \"total_tokens\": 9\n  }\n}\n")
	fakeopenai.Headers(w, "application/json", "pairbench-embedding")
	_, _ = io.WriteString(w, b.String())
}

// writeGemini answers generateContent as the Gemini API does.
func writeGemini(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = io.WriteString(w, `{
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "text": "`+chatAnswer+`"
          }
        ],
        "role": "model"
      },
      "finishReason": "STOP",
      "avgLogprobs": -0.18236081187541668
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 17,
    "candidatesTokenCount": 27,
    "totalTokenCount": 44,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 17
      }
    ]
  },
  "modelVersion": "gemini-2.0-flash",
  "responseId": "PairbenchAbCdEfGhIjKlMnOpQr"
}
`)
}
