package gemini

import (
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/internal/jsontext"
)

// usage reads usageMetadata: input is promptTokenCount, output candidatesTokenCount plus
// thoughtsTokenCount (thinking is billed as output), total totalTokenCount, else the sum.
// Cached content is part of the prompt count already; tool-use prompt tokens are in the
// total. ok is false without any count.
func usage(u gjson.Result) (core.TokenUsage, bool) {
	if !u.IsObject() {
		return core.TokenUsage{}, false
	}
	prompt, okP := count(jsontext.Member(u, "promptTokenCount"))
	cands, okC := count(jsontext.Member(u, "candidatesTokenCount"))
	thoughts, okT := count(jsontext.Member(u, "thoughtsTokenCount"))
	total, okTotal := count(jsontext.Member(u, "totalTokenCount"))
	if !okP && !okC && !okT && !okTotal {
		return core.TokenUsage{}, false
	}
	out := cands + thoughts
	if !okTotal {
		total = prompt + out
	}
	return core.TokenUsage{InputTokens: prompt, OutputTokens: out, TotalTokens: total}, true
}

// count reads a token count: a whole JSON number in the int64 range (protojson writes
// int32 counts as numbers, 64-bit ones as strings, so a decimal string is taken too).
func count(v gjson.Result) (int64, bool) {
	switch v.Type {
	case gjson.Number:
		n, err := strconv.ParseInt(v.Raw, 10, 64)
		return n, err == nil
	case gjson.String:
		n, err := strconv.ParseInt(v.Str, 10, 64)
		return n, err == nil
	}
	return 0, false
}
