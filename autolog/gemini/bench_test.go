package gemini_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	genaigo "github.com/google/generative-ai-go/genai"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/internal/benchhttp"
)

// The benchmarks time one genai call against a loopback server, as autolog/openai's do:
// untraced (a plain *http.Transport with keep-alive connections), through
// gemini.NewTransport over it with tracing configured by sdk.Override and no destination (so
// each call is a whole one-span trace, assembled), and through otelhttp's transport with an
// OpenTelemetry TracerProvider without exporter. BenchmarkGenaigoStream times
// generative-ai-go's JSON-array stream, untraced and traced.
//
// go test ./autolog/gemini -run '^$' -bench . -count 8

const benchResponse = `{
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "text": "Go's error values make failure paths explicit: every call site decides what to do, and nothing unwinds the stack behind your back."
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
  "responseId": "BenchAbCdEfGhIjKlMnOpQrStUv"
}
`

// benchStreamChunks is the number of chunks of the streamed responses.
const benchStreamChunks = 200

// benchChunks returns the chunks of a streamed response: text, then the finishing chunk
// with the usage; finish is how the finish reason is spelled (genai: "STOP", int enums: 1).
func benchChunks(finish string) []string {
	words := strings.Fields("Go treats errors as ordinary values so that every failure stays visible in the control flow of the program")
	chunk := func(text, tail string) string {
		return `{"candidates": [{"content": {"parts": [{"text": "` + text + `"}],"role": "model"}` + tail +
			`}],"usageMetadata": {"promptTokenCount": 17,"totalTokenCount": 17},"modelVersion": "gemini-2.0-flash","responseId": "BenchStreamAbCdEfGhIjKlMn"}`
	}
	var out []string
	for i := 0; len(out) < benchStreamChunks-1; i++ {
		out = append(out, chunk(" "+words[i%len(words)], ""))
	}
	last := strings.Replace(chunk(".", `,"finishReason": `+finish), `"usageMetadata": {"promptTokenCount": 17,"totalTokenCount": 17}`,
		`"usageMetadata": {"promptTokenCount": 17,"candidatesTokenCount": 200,"totalTokenCount": 217}`, 1)
	return append(out, last)
}

func benchServer(b *testing.B) *httptest.Server {
	sseChunks := benchChunks(`"STOP"`)
	arrayChunks := benchChunks("1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		f := w.(http.Flusher)
		switch {
		case strings.HasSuffix(r.URL.Path, ":generateContent"):
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			_, _ = io.WriteString(w, benchResponse)
		case r.URL.Query().Get("alt") == "sse":
			w.Header().Set("Content-Type", "text/event-stream")
			for _, c := range sseChunks {
				_, _ = io.WriteString(w, "data: "+c+"\r\n\r\n")
				f.Flush()
			}
		default:
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			for i, c := range arrayChunks {
				sep := "\n,\r\n"
				if i == 0 {
					sep = "["
				}
				_, _ = io.WriteString(w, sep+c)
				f.Flush()
			}
			_, _ = io.WriteString(w, "\n]")
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

var benchModes = benchhttp.Modes

// benchTransport returns mode's transport over a fresh keep-alive *http.Transport.
func benchTransport(b *testing.B, mode string) http.RoundTripper {
	return benchhttp.Transport(b, mode, func(base http.RoundTripper) http.RoundTripper { return gemini.NewTransport(base) })
}

func BenchmarkGenerateContent(b *testing.B) {
	for _, mode := range benchModes {
		b.Run(mode, func(b *testing.B) {
			client := genaiClient(b, benchServer(b), &http.Client{Transport: benchTransport(b, mode)})
			ctx := context.Background()
			benchhttp.Loop(b, func() {
				resp, err := client.Models.GenerateContent(ctx, "gemini-2.0-flash", genai.Text("In one sentence, why does Go treat errors as values?"), nil)
				if err != nil {
					b.Fatal(err)
				}
				if resp.UsageMetadata.TotalTokenCount != 44 {
					b.Fatalf("usage %+v", resp.UsageMetadata)
				}
			})
		})
	}
}

func BenchmarkGenerateContentStream(b *testing.B) {
	for _, mode := range benchModes {
		b.Run(mode, func(b *testing.B) {
			client := genaiClient(b, benchServer(b), &http.Client{Transport: benchTransport(b, mode)})
			ctx := context.Background()
			benchhttp.Loop(b, func() {
				n := 0
				for _, err := range client.Models.GenerateContentStream(ctx, "gemini-2.0-flash", genai.Text("Why errors as values?"), nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != benchStreamChunks {
					b.Fatalf("%d chunks", n)
				}
			})
		})
	}
}

func BenchmarkGenaigoStream(b *testing.B) {
	for _, mode := range benchModes[:2] {
		b.Run(mode, func(b *testing.B) {
			srv := benchServer(b)
			c, err := genaigo.NewClient(context.Background(), option.WithHTTPClient(&http.Client{Transport: benchTransport(b, mode)}),
				option.WithAPIKey("bench"), option.WithEndpoint(srv.URL))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = c.Close() })
			model := c.GenerativeModel("gemini-2.0-flash")
			ctx := context.Background()
			benchhttp.Loop(b, func() {
				if err := benchReadGenaigo(ctx, model); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func benchReadGenaigo(ctx context.Context, model *genaigo.GenerativeModel) error {
	it := model.GenerateContentStream(ctx, genaigo.Text("Why errors as values?"))
	n := 0
	for {
		_, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return err
		}
		n++
	}
	if n != benchStreamChunks {
		return fmt.Errorf("%d chunks, want %d", n, benchStreamChunks)
	}
	return nil
}
