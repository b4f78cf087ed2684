package jsonenc_test

import (
	"fmt"
	"math"

	"github.com/agentlens/agentlens/internal/jsonenc"
)

func Example() {
	attrs := map[string]any{"query": "what is <mlflow>?", "k": 3, "scores": []float64{0.5, math.NaN()}}
	fmt.Println(jsonenc.String(attrs))

	// A value encoding/json cannot encode is written as one string saying why.
	type call struct {
		Name string
		Done chan struct{}
	}
	fmt.Println(jsonenc.String(call{Name: "search", Done: make(chan struct{})}))

	js := jsonenc.String(map[string]string{"text": "a long answer that does not fit in the attribute limit at all"})
	fmt.Println(jsonenc.Truncate(js, 64))
	// Output:
	// {"k":3,"query":"what is <mlflow>?","scores":[0.5,"NaN"]}
	// "[not recorded: cannot encode jsonenc_test.call as JSON: json: unsupported type: chan struct {}]"
	// "{\"text\":\"a long answer that d...[truncated, 72 bytes total]"
}
