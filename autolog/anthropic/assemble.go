package anthropic

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
)

// messageAssembler assembles the events of a streamed Messages API call into the Message a
// non-streamed call returns, as the SDKs' accumulators do: message_start gives the message;
// each content_block_start adds a block, which its deltas complete (text_delta text joined,
// input_json_delta partial JSON joined into the tool input, thinking_delta and
// signature_delta joined, citations_delta appended); message_delta sets the stop reason
// and the other members of its delta, and its usage counts replace those of message_start
// (they are totals). Values keep their exact JSON text. The zero value is ready to use; it
// is not safe for concurrent use.
type messageAssembler struct {
	n       int                        // events added
	message map[string]json.RawMessage // the message's members but content and usage
	usage   map[string]json.RawMessage
	blocks  []*blockAcc
	stopped bool // message_stop came
}

// blockAcc is one content block: as content_block_start gave it, and what its deltas add.
type blockAcc struct {
	index                     int64
	start                     map[string]json.RawMessage
	text, thinking, signature strings.Builder
	input                     strings.Builder // the partial JSON of input_json_delta
	citations                 []json.RawMessage
	hasText, hasInput         bool
}

var errNotObject = errors.New("a stream event is not a JSON object")

// add merges one event: typ is its event name (the type in its data when the name is
// empty), data its JSON. An event that is not a JSON object returns an error and changes
// nothing; one of an unknown type (ping, and those Anthropic may add) is counted only.
func (a *messageAssembler) add(typ, data string) error {
	obj, ok := jsontext.Object(data)
	if !ok {
		return errNotObject
	}
	a.n++
	if typ == "" {
		typ = stringOf(jsontext.Member(obj, "type"), "")
	}
	switch typ {
	case "message_start":
		a.message, a.usage = map[string]json.RawMessage{}, map[string]json.RawMessage{}
		jsontext.Member(obj, "message").ForEach(func(key, v gjson.Result) bool {
			switch key.Str {
			case "content":
			case "usage":
				merge(a.usage, v)
			default:
				a.message[key.Str] = json.RawMessage(v.Raw)
			}
			return true
		})
	case "message_delta":
		if a.message == nil {
			a.message, a.usage = map[string]json.RawMessage{}, map[string]json.RawMessage{}
		}
		merge(a.message, jsontext.Member(obj, "delta"))
		merge(a.usage, jsontext.Member(obj, "usage"))
	case "content_block_start":
		b := &blockAcc{index: index(obj), start: map[string]json.RawMessage{}}
		merge(b.start, jsontext.Member(obj, "content_block"))
		a.blocks = append(a.blocks, b)
	case "content_block_delta":
		if b := a.block(index(obj)); b != nil {
			b.addDelta(jsontext.Member(obj, "delta"))
		}
	case "message_stop":
		a.stopped = true
	}
	return nil
}

// merge sets m's members to those of the object v (nothing when v is not one).
func merge(m map[string]json.RawMessage, v gjson.Result) {
	if !v.IsObject() {
		return
	}
	v.ForEach(func(key, v gjson.Result) bool {
		m[key.Str] = json.RawMessage(v.Raw)
		return true
	})
}

func index(obj gjson.Result) int64 {
	i := jsontext.Member(obj, "index")
	if i.Type != gjson.Number {
		return 0
	}
	return i.Int()
}

// block returns the last block started with index i, nil if there is none.
func (a *messageAssembler) block(i int64) *blockAcc {
	for k := len(a.blocks) - 1; k >= 0; k-- {
		if a.blocks[k].index == i {
			return a.blocks[k]
		}
	}
	return nil
}

func (b *blockAcc) addDelta(d gjson.Result) {
	switch stringOf(jsontext.Member(d, "type"), "") {
	case "text_delta":
		b.text.WriteString(stringOf(jsontext.Member(d, "text"), ""))
		b.hasText = true
	case "input_json_delta":
		b.input.WriteString(stringOf(jsontext.Member(d, "partial_json"), ""))
		b.hasInput = true
	case "thinking_delta":
		b.thinking.WriteString(stringOf(jsontext.Member(d, "thinking"), ""))
	case "signature_delta":
		b.signature.WriteString(stringOf(jsontext.Member(d, "signature"), ""))
	case "citations_delta":
		if c := jsontext.Member(d, "citation"); c.Exists() {
			b.citations = append(b.citations, json.RawMessage(c.Raw))
		}
	}
}

// block returns the assembled block as JSON values.
func (b *blockAcc) value() map[string]any {
	out := make(map[string]any, len(b.start)+1)
	for k, v := range b.start {
		out[k] = v
	}
	if b.hasText {
		out["text"] = b.text.String()
	}
	if b.thinking.Len() > 0 {
		out["thinking"] = b.thinking.String()
	}
	if b.signature.Len() > 0 {
		out["signature"] = b.signature.String()
	}
	if in := b.input.String(); b.hasInput && in != "" {
		if jsontext.Valid(in) {
			out["input"] = json.RawMessage(in)
		} else {
			out["input"] = in // cut off: what arrived, as text
		}
	}
	if len(b.citations) > 0 {
		cites := make([]any, 0, len(b.citations))
		if prev, ok := b.start["citations"]; ok {
			gjson.ParseBytes(prev).ForEach(func(_, c gjson.Result) bool {
				cites = append(cites, json.RawMessage(c.Raw))
				return true
			})
		}
		for _, c := range b.citations {
			cites = append(cites, c)
		}
		out["citations"] = cites
	}
	return out
}

// text returns the text of the assembled message: its text blocks joined.
func (a *messageAssembler) text() string {
	var s strings.Builder
	for _, b := range a.blocks {
		if b.hasText {
			s.WriteString(b.text.String())
		}
	}
	return s.String()
}

// response returns the assembled Message as JSON values, nil before any event.
func (a *messageAssembler) response() map[string]any {
	if a.n == 0 {
		return nil
	}
	out := make(map[string]any, len(a.message)+2)
	for k, v := range a.message {
		out[k] = v
	}
	content := make([]any, 0, len(a.blocks))
	for _, b := range a.blocks {
		content = append(content, b.value())
	}
	out["content"] = content
	if len(a.usage) > 0 {
		u := make(map[string]any, len(a.usage))
		for k, v := range a.usage {
			u[k] = v
		}
		out["usage"] = u
	}
	return out
}
