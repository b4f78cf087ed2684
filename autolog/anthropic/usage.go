package anthropic

import (
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/internal/jsontext"
	"github.com/agentlens/agentlens/spantypes"
)

// usage is what a Messages API usage object counts. Anthropic's input_tokens leaves out the
// prompt-cache tokens, which it counts apart (cache_read_input_tokens,
// cache_creation_input_tokens).
type usage struct {
	input, output, cacheRead, cacheCreation int64
	// which counts the object has
	hasInput, hasOutput, hasCacheRead, hasCacheCreation bool
}

// readUsage reads a usage object in place; ok is false without any count. A count that is
// not a whole JSON number in the int64 range is taken as missing.
func readUsage(u gjson.Result) (usage, bool) {
	var n usage
	if !u.IsObject() {
		return n, false
	}
	n.input, n.hasInput = count(jsontext.Member(u, "input_tokens"))
	n.output, n.hasOutput = count(jsontext.Member(u, "output_tokens"))
	n.cacheRead, n.hasCacheRead = count(jsontext.Member(u, "cache_read_input_tokens"))
	n.cacheCreation, n.hasCacheCreation = count(jsontext.Member(u, "cache_creation_input_tokens"))
	return n, n.hasInput || n.hasOutput || n.hasCacheRead || n.hasCacheCreation
}

func count(v gjson.Result) (int64, bool) {
	if v.Type != gjson.Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Raw, 10, 64)
	return n, err == nil
}

// tokenUsage is the usage as MLflow counts it: the input includes the cache tokens (read
// from and written to the cache: all of them are the prompt), the total is input + output.
func (u usage) tokenUsage() core.TokenUsage {
	in := u.input + u.cacheRead + u.cacheCreation
	return core.TokenUsage{InputTokens: in, OutputTokens: u.output, TotalTokens: in + u.output}
}

// set records the usage: mlflow.chat.tokenUsage with MLflow's cache keys besides the three
// counts, the GenAI usage keys, and the cache counts apart.
func (u usage) set(s *instrument.FinishedSpan) {
	tu := u.tokenUsage()
	s.SetTokenUsage(tu)
	if !u.hasCacheRead && !u.hasCacheCreation {
		return
	}
	b := tu.AppendJSON(make([]byte, 0, 160))
	b = b[:len(b)-1] // reopen the object for the cache counts
	if u.hasCacheRead {
		b = append(b, `,"cache_read_input_tokens":`...)
		b = strconv.AppendInt(b, u.cacheRead, 10)
		s.SetRawAttribute(spantypes.KeyGenAIUsageCacheReadInputTokens, strconv.FormatInt(u.cacheRead, 10))
	}
	if u.hasCacheCreation {
		b = append(b, `,"cache_creation_input_tokens":`...)
		b = strconv.AppendInt(b, u.cacheCreation, 10)
		s.SetRawAttribute(spantypes.KeyGenAIUsageCacheCreationInputTokens, strconv.FormatInt(u.cacheCreation, 10))
	}
	s.SetRawAttribute(spantypes.KeyChatTokenUsage, string(append(b, '}')))
}
