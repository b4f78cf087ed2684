package spantypes_test

import (
	"fmt"

	"github.com/agentlens/agentlens/spantypes"
)

func ExampleAll() {
	fmt.Println(len(spantypes.All()), spantypes.All()[:3])
	// Custom types are plain strings too.
	const Cache = "CACHE"
	fmt.Println(spantypes.ChatModel, Cache)
	// Output:
	// 15 [LLM CHAT_MODEL CHAIN]
	// CHAT_MODEL CACHE
}
