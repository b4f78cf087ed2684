package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// longString is a 4 KB string literal of ASCII prose with a few escapes, the
// bulk of LLM JSON.
var longString = func() string {
	var b strings.Builder
	b.WriteByte('"')
	for b.Len() < 4096 {
		b.WriteString(`MLflow tracks experiments, packages code and serves models; it says \"hello\".\n`)
	}
	b.WriteByte('"')
	return b.String()
}()

func BenchmarkValid(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"chunk", chunk},
		{"completion", completion},
		{"messages", messages},
		{"string4K", longString},
	} {
		s, bs := in.s, []byte(in.s)
		b.Run(in.name+"/jsonscan", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				sinkBool = Valid(s)
			}
		})
		b.Run(in.name+"/json.Valid", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				sinkBool = json.Valid(bs)
			}
		})
	}
}

func BenchmarkAppendCompact(b *testing.B) {
	src, bsrc := completion, []byte(completion)
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		dst := make([]byte, 0, len(src))
		for i := 0; i < b.N; i++ {
			dst, sinkErr = AppendCompact(dst[:0], src)
		}
	})
	b.Run("json.Compact", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		var buf bytes.Buffer
		buf.Grow(len(src))
		for i := 0; i < b.N; i++ {
			buf.Reset()
			sinkErr = json.Compact(&buf, bsrc)
		}
	})
}

// BenchmarkChunkFields pulls id, model and created from a streamed chunk.
func BenchmarkChunkFields(b *testing.B) {
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for i := 0; i < b.N; i++ {
			var id, model, created string
			err := Object(chunk, func(key, value string) bool {
				switch key {
				case "id":
					id, _ = Unquote(value)
				case "model":
					model, _ = Unquote(value)
				case "created":
					created = value
				}
				return true
			})
			if err != nil || id == "" || model == "" || created == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		data := []byte(chunk)
		for i := 0; i < b.N; i++ {
			var v struct {
				ID      string `json:"id"`
				Model   string `json:"model"`
				Created int64  `json:"created"`
			}
			if err := json.Unmarshal(data, &v); err != nil || v.ID == "" || v.Model == "" || v.Created == 0 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkChunkDelta pulls the model, the first choice's delta content and
// its finish reason: what a streaming proxy needs from each chunk.
func BenchmarkChunkDelta(b *testing.B) {
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for i := 0; i < b.N; i++ {
			var model, content, finish string
			err := Object(chunk, func(key, value string) bool {
				switch key {
				case "model":
					model, _ = Unquote(value)
				case "choices":
					Array(value, func(choice string) bool {
						Object(choice, func(key, value string) bool {
							switch key {
							case "delta":
								Object(value, func(key, value string) bool {
									if key == "content" && KindOf(value) == KindString {
										content, _ = Unquote(value)
									}
									return true
								})
							case "finish_reason":
								if KindOf(value) == KindString {
									finish, _ = Unquote(value)
								}
							}
							return true
						})
						return false
					})
				}
				return true
			})
			if err != nil || model == "" || content == "" || finish != "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		data := []byte(chunk)
		for i := 0; i < b.N; i++ {
			var v struct {
				Model   string `json:"model"`
				Choices []struct {
					Delta struct {
						Content string `json:"content"`
					} `json:"delta"`
					FinishReason *string `json:"finish_reason"`
				} `json:"choices"`
			}
			if err := json.Unmarshal(data, &v); err != nil || v.Model == "" || v.Choices[0].Delta.Content == "" {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnquote(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"plain", `"a plain string of ordinary length, about sixty bytes long."`},
		{"escaped", longString},
	} {
		s, bs := in.s, []byte(in.s)
		b.Run(in.name+"/jsonscan", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				sinkString, sinkErr = Unquote(s)
			}
		})
		b.Run(in.name+"/json.Unmarshal", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				sinkErr = json.Unmarshal(bs, &sinkString)
			}
		})
	}
}
