package gemini

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// generative-ai-go asks for integer enums (enum-encoding=int); genai gets their names. The
// numbers are those of google.ai.generativelanguage.v1beta (generativelanguagepb).

var finishReasons = [...]string{"FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER"}

var blockReasons = [...]string{"BLOCK_REASON_UNSPECIFIED", "SAFETY", "OTHER"}

// finishReasonName returns a candidate's finishReason as its name; "" when absent.
func finishReasonName(v gjson.Result) string { return enumName(v, finishReasons[:]) }

// blockReasonName returns promptFeedback.blockReason as its name; "" when absent.
func blockReasonName(v gjson.Result) string { return enumName(v, blockReasons[:]) }

// enumName reads an enum given by name or number; a number without a known name is kept
// as its decimal text.
func enumName(v gjson.Result, names []string) string {
	switch v.Type {
	case gjson.String:
		return v.Str
	case gjson.Number:
		if n, err := strconv.Atoi(v.Raw); err == nil && n >= 0 && n < len(names) {
			return names[n]
		}
		return v.Raw
	}
	return ""
}
