package jsonscan_test

import (
	"fmt"

	"github.com/agentlens/agentlens/internal/jsonscan"
)

func Example() {
	chunk := `{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o",
	  "choices":[{"index":0,"delta":{"content":"Hello, \u201cworld\u201d"},"finish_reason":null}]}`

	var model, content string
	err := jsonscan.Object(chunk, func(key, value string) bool {
		switch key {
		case "model":
			model, _ = jsonscan.Unquote(value)
		case "choices":
			jsonscan.Array(value, func(choice string) bool {
				jsonscan.Object(choice, func(key, value string) bool {
					if key == "delta" {
						jsonscan.Object(value, func(key, value string) bool {
							if key == "content" && jsonscan.KindOf(value) == jsonscan.KindString {
								content, _ = jsonscan.Unquote(value)
							}
							return true
						})
					}
					return true
				})
				return false // the first choice is enough
			})
		}
		return true
	})
	fmt.Println(model, content, err)

	compact, _ := jsonscan.AppendCompact(nil, "{ \"a\" : [ 1, 2 ] }")
	fmt.Println(string(compact), jsonscan.Valid(`{"a":[1,2,]}`))
	// Output:
	// gpt-4o Hello, “world” <nil>
	// {"a":[1,2]} false
}
