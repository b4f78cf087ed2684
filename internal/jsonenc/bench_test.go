package jsonenc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

type benchStruct struct {
	Model       string   `json:"model"`
	Temperature float64  `json:"temperature"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop"`
	Stream      bool     `json:"stream"`
}

var benchValues = []struct {
	name string
	v    any
}{
	{"string", "what is mlflow? a platform for the machine learning lifecycle"},
	{"map", map[string]any{"query": "what is mlflow?", "k": 3}},
	{"struct", benchStruct{Model: "gpt-4o", Temperature: 0.2, MaxTokens: 256, Stop: []string{"\n\n"}, Stream: true}},
}

var sink []byte

func BenchmarkAppend(b *testing.B) {
	for _, bv := range benchValues {
		v := bv.v
		b.Run(bv.name+"/jsonenc", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 0, 512)
			for i := 0; i < b.N; i++ {
				dst = Append(dst[:0], v)
			}
			sink = dst
		})
		b.Run(bv.name+"/json.Marshal", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				out, err := json.Marshal(v)
				if err != nil {
					b.Fatal(err)
				}
				sink = out
			}
		})
	}
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Name    string `json:"name,omitempty"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	Stop        []string      `json:"stop,omitempty"`
}

// looseRequest is a request as loosely typed SDKs hold it: its any fields
// are what the depth check has to walk.
type looseRequest struct {
	Model    string         `json:"model"`
	Messages []looseMessage `json:"messages"`
	Metadata map[string]any `json:"metadata"`
}

type looseMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

var typedRequest = chatRequest{
	Model: "gpt-4o",
	Messages: []chatMessage{
		{Role: "system", Content: "You are a helpful assistant."},
		{Role: "user", Content: "What is MLflow?"},
		{Role: "assistant", Content: "MLflow is an open source platform for the machine learning lifecycle."},
		{Role: "user", Content: "How do I log a model?"},
	},
	Temperature: 0.2,
	MaxTokens:   256,
	Stop:        []string{"\n\n"},
}

var looseRequestValue = looseRequest{
	Model: "gpt-4o",
	Messages: []looseMessage{
		{Role: "system", Content: "You are a helpful assistant."},
		{Role: "user", Content: []any{
			map[string]any{"type": "text", "text": "What is in this image?"},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/a.png"}},
		}},
		{Role: "assistant", Content: "A cat."},
	},
	Metadata: map[string]any{"user": "u-123", "tags": []any{"a", "b"}, "attempt": 2},
}

// BenchmarkGeneral compares the general path (depth check, then
// encoding/json) with encoding/json alone, and shows the check by itself.
func BenchmarkGeneral(b *testing.B) {
	for _, bv := range []struct {
		name string
		v    any
	}{{"typed request", typedRequest}, {"loose request", looseRequestValue}} {
		v := bv.v
		b.Run(bv.name+"/jsonenc", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 0, 1024)
			for i := 0; i < b.N; i++ {
				dst = Append(dst[:0], v)
			}
			sink = dst
		})
		b.Run(bv.name+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := enc.Encode(v); err != nil {
					b.Fatal(err)
				}
			}
			sink = buf.Bytes()
		})
		b.Run(bv.name+"/depth-check", func(b *testing.B) {
			b.ReportAllocs()
			rv := reflect.ValueOf(v)
			for i := 0; i < b.N; i++ {
				if tooDeep(rv, 0) {
					b.Fatal("too deep")
				}
			}
		})
	}
}
