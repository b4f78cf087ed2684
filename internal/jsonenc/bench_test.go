package jsonenc

import (
	"encoding/json"
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
