package anthropic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/sse"
)

// FuzzMessageStream: any bytes, as a Messages API event stream cut anywhere, are split and
// assembled without panicking, the same way however they are cut, into a message that
// encodes as JSON; and the readers of usage, errors and tools take any JSON.
func FuzzMessageStream(f *testing.F) {
	f.Add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"+
		"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"+
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n"+
		"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n"+
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", uint8(5))
	f.Add("event: content_block_start\ndata: {\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"input\":{}}}\n\n"+
		"event: content_block_delta\ndata: {\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n"+
		"event: content_block_delta\ndata: {\"index\":-1,\"delta\":{\"type\":\"citations_delta\",\"citation\":7}}\n\n"+
		"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", uint8(1))
	f.Add("data: {\"type\":\"message_delta\",\"delta\":7,\"usage\":{\"input_tokens\":1e99}}\r\n\r\ndata: [1,2]\n\n: ping\n\n", uint8(3))
	f.Add("event: content_block_start\ndata: {\"index\":0,\"content_block\":{\"type\":\"text\",\"citations\":[1]}}\n\nevent: content_block_delta\ndata: {\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}\n\n", uint8(2))
	f.Fuzz(func(t *testing.T, body string, cut uint8) {
		whole := assembleAll([]string{body})
		var pieces []string
		step := int(cut)%9 + 1
		for i := 0; i < len(body); i += step {
			pieces = append(pieces, body[i:min(i+step, len(body))])
		}
		if cutUp := assembleAll(pieces); cutUp != whole {
			t.Fatalf("cutting the stream changed the message:\n%s\n%s", whole, cutUp)
		}
		v := gjson.Parse(body)
		_, _ = readUsage(v)
		_ = readAPIError(body)
		_ = chatTools(v)
		_ = readMessage(v)
	})
}

// assembleAll feeds the pieces through the SSE parser into an assembler, as the stream sink
// does, and returns the assembled message as JSON with its text and whether it stopped.
func assembleAll(pieces []string) string {
	var a messageAssembler
	p := sse.NewParser(1<<20, func(ev sse.Event) { _ = a.add(ev.Event, ev.Data) })
	for _, s := range pieces {
		_, _ = p.Write([]byte(s))
	}
	p.Close()
	b, err := json.Marshal(a.response())
	if err != nil {
		panic("the assembled message does not encode: " + err.Error())
	}
	var out strings.Builder
	out.Write(b)
	out.WriteString("\x00" + a.text())
	if a.stopped {
		out.WriteString("\x00stopped")
	}
	return out.String()
}
