package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
)

// Reading streamed chunks: a stream has hundreds of them, so they are read in place with
// gjson, after a check that the chunk is JSON, rather than decoded. What is read is what
// encoding/json would decode into the same structs, but that keys are matched exactly: a null
// leaves a field as it was (or clears a nullable one: finish_reason, a tool call's index,
// function_call), of a repeated key the last counts, and a value of the wrong type makes the
// chunk malformed.

// errNotJSON is what a chunk that is not one JSON value is.
var errNotJSON = errors.New("not JSON")

// errWrongType reports a value whose JSON type does not fit the field.
type errWrongType struct {
	field string
	typ   gjson.Type
}

func (e *errWrongType) Error() string {
	return fmt.Sprintf("cannot read a JSON %s as %s", typeName(e.typ), e.field)
}

func typeName(t gjson.Type) string {
	switch t {
	case gjson.Null:
		return "null"
	case gjson.False, gjson.True:
		return "boolean"
	case gjson.Number:
		return "number"
	case gjson.String:
		return "string"
	}
	return "object or array"
}

// chunkHead holds what chat and text completion chunks share. Its strings point into the
// chunk's text.
type chunkHead struct {
	ID                string
	Created           json.Number
	Model             string
	SystemFingerprint string
	Usage             string // raw JSON, "" when absent
	// Extra holds the response-level members no field above reads (Perplexity's citations
	// and search_results, OpenRouter's provider), as raw JSON, in chunk order.
	Extra []rawMember
}

// rawMember is one member of a JSON object, its value as raw JSON.
type rawMember struct{ key, raw string }

// perChunkKeys are response-level members that describe one chunk, not the response, and so
// are not kept for the assembled response.
func perChunkKey(key string) bool {
	return key == "object" || key == "obfuscation"
}

// readExtra keeps member key of a chunk that no field reads.
func (h *chunkHead) readExtra(key string, v gjson.Result) {
	if !perChunkKey(key) {
		h.Extra = append(h.Extra, rawMember{key, v.Raw})
	}
}

// read reads member key of a chunk if it is one of the head's; ok is false otherwise.
func (h *chunkHead) read(key string, v gjson.Result) (ok bool, err error) {
	switch key {
	case "id":
		return true, readString(v, "id", &h.ID)
	case "created":
		return true, readNumber(v, "created", &h.Created)
	case "model":
		return true, readString(v, "model", &h.Model)
	case "system_fingerprint":
		return true, readString(v, "system_fingerprint", &h.SystemFingerprint)
	case "usage":
		h.Usage = v.Raw
		return true, nil
	}
	return false, nil
}

// chatChunk is one chat.completion.chunk.
type chatChunk struct {
	chunkHead
	ServiceTier string
	Choices     []chatChunkChoice
}

type chatChunkChoice struct {
	Index        int
	FinishReason string
	HasFinish    bool // finish_reason was a string, not null or absent
	Delta        chatChunkDelta
}

type chatChunkDelta struct {
	Role, Content, Refusal string
	ToolCalls              []chatChunkToolCall
	FunctionCall           chatChunkFunction // the legacy functions API
	HasFunctionCall        bool
}

type chatChunkToolCall struct {
	Index    int
	HasIndex bool // some OpenAI-compatible servers leave the index out
	ID, Type string
	Function chatChunkFunction
}

type chatChunkFunction struct {
	Name, Arguments string
}

// completionChunk is one streamed text_completion chunk of /completions.
type completionChunk struct {
	chunkHead
	Choices []completionChunkChoice
}

type completionChunkChoice struct {
	Index        int
	Text         string
	FinishReason string
	HasFinish    bool
}

// readChatChunk reads data into c, whose slices it reuses.
func readChatChunk(data string, c *chatChunk) error {
	*c = chatChunk{Choices: c.Choices[:0], chunkHead: chunkHead{Extra: c.Extra[:0]}}
	if !jsontext.Valid(data) {
		return errNotJSON
	}
	return readObject(gjson.Parse(data), "a chunk", func(key string, v gjson.Result) error {
		if ok, err := c.chunkHead.read(key, v); ok {
			return err
		}
		switch key {
		case "service_tier":
			return readString(v, "service_tier", &c.ServiceTier)
		case "choices":
			return readArray(v, "choices", &c.Choices, readChatChoice)
		}
		c.readExtra(key, v)
		return nil
	})
}

func readChatChoice(v gjson.Result, ch *chatChunkChoice) error {
	return readObject(v, "a choice", func(key string, v gjson.Result) error {
		switch key {
		case "index":
			return readInt(v, "index", &ch.Index)
		case "finish_reason":
			return readNullableString(v, "finish_reason", &ch.FinishReason, &ch.HasFinish)
		case "delta":
			return readChatDelta(v, &ch.Delta)
		}
		return nil
	})
}

func readChatDelta(v gjson.Result, d *chatChunkDelta) error {
	return readObject(v, "delta", func(key string, v gjson.Result) error {
		switch key {
		case "role":
			return readString(v, "role", &d.Role)
		case "content":
			return readString(v, "content", &d.Content)
		case "refusal":
			return readString(v, "refusal", &d.Refusal)
		case "tool_calls":
			return readArray(v, "tool_calls", &d.ToolCalls, readToolCall)
		case "function_call":
			// A pointer in encoding/json's terms: null clears it, an object decodes into it.
			if v.Type == gjson.Null {
				d.FunctionCall, d.HasFunctionCall = chatChunkFunction{}, false
				return nil
			}
			if !d.HasFunctionCall {
				d.FunctionCall, d.HasFunctionCall = chatChunkFunction{}, true
			}
			return readFunction(v, &d.FunctionCall)
		}
		return nil
	})
}

func readToolCall(v gjson.Result, tc *chatChunkToolCall) error {
	return readObject(v, "a tool call", func(key string, v gjson.Result) error {
		switch key {
		case "index":
			// A pointer in encoding/json's terms: null clears it.
			if v.Type == gjson.Null {
				tc.Index, tc.HasIndex = 0, false
				return nil
			}
			tc.HasIndex = true
			return readInt(v, "index", &tc.Index)
		case "id":
			return readString(v, "id", &tc.ID)
		case "type":
			return readString(v, "type", &tc.Type)
		case "function":
			return readFunction(v, &tc.Function)
		}
		return nil
	})
}

func readFunction(v gjson.Result, f *chatChunkFunction) error {
	return readObject(v, "function", func(key string, v gjson.Result) error {
		switch key {
		case "name":
			return readString(v, "name", &f.Name)
		case "arguments":
			return readString(v, "arguments", &f.Arguments)
		}
		return nil
	})
}

// readCompletionChunk reads data into c, whose slices it reuses.
func readCompletionChunk(data string, c *completionChunk) error {
	*c = completionChunk{Choices: c.Choices[:0], chunkHead: chunkHead{Extra: c.Extra[:0]}}
	if !jsontext.Valid(data) {
		return errNotJSON
	}
	return readObject(gjson.Parse(data), "a chunk", func(key string, v gjson.Result) error {
		if ok, err := c.chunkHead.read(key, v); ok {
			return err
		}
		if key == "choices" {
			return readArray(v, "choices", &c.Choices, readCompletionChoice)
		}
		c.readExtra(key, v)
		return nil
	})
}

func readCompletionChoice(v gjson.Result, ch *completionChunkChoice) error {
	return readObject(v, "a choice", func(key string, v gjson.Result) error {
		switch key {
		case "index":
			return readInt(v, "index", &ch.Index)
		case "text":
			return readString(v, "text", &ch.Text)
		case "finish_reason":
			return readNullableString(v, "finish_reason", &ch.FinishReason, &ch.HasFinish)
		}
		return nil
	})
}

// readObject hands each member of v, which must be an object or null (which reads
// nothing), to member; the first error stops the walk.
func readObject(v gjson.Result, field string, member func(key string, v gjson.Result) error) error {
	if v.Type == gjson.Null {
		return nil
	}
	if !v.IsObject() {
		return &errWrongType{field, v.Type}
	}
	var err error
	v.ForEach(func(key, v gjson.Result) bool {
		err = member(key.Str, v)
		return err == nil
	})
	return err
}

// readArray reads the array v into *s with readElem, reusing *s's storage; null empties *s.
func readArray[T any](v gjson.Result, field string, s *[]T, readElem func(gjson.Result, *T) error) error {
	*s = (*s)[:0]
	if v.Type == gjson.Null {
		return nil
	}
	if !v.IsArray() {
		return &errWrongType{field, v.Type}
	}
	var err error
	v.ForEach(func(_, elem gjson.Result) bool {
		var zero T
		*s = append(*s, zero)
		err = readElem(elem, &(*s)[len(*s)-1])
		return err == nil
	})
	return err
}

// readNullableString reads what is a *string in encoding/json's terms: null clears it (has
// false), a string sets it.
func readNullableString(v gjson.Result, field string, s *string, has *bool) error {
	if v.Type == gjson.Null {
		*s, *has = "", false
		return nil
	}
	*has = true
	return readString(v, field, s)
}

// readString sets *s to the string v, leaves it on null.
func readString(v gjson.Result, field string, s *string) error {
	switch v.Type {
	case gjson.Null:
		return nil
	case gjson.String:
		*s = v.Str
		return nil
	}
	return &errWrongType{field, v.Type}
}

// readNumber sets *n to the number v (or a string holding one, as encoding/json allows for
// json.Number), leaves it on null.
func readNumber(v gjson.Result, field string, n *json.Number) error {
	switch v.Type {
	case gjson.Null:
		return nil
	case gjson.Number:
		*n = json.Number(v.Raw)
		return nil
	case gjson.String:
		if num := gjson.Parse(v.Str); num.Type != gjson.Number || num.Raw != v.Str || !jsontext.Valid(v.Str) {
			return fmt.Errorf("invalid number %q in %s", v.Str, field)
		}
		*n = json.Number(v.Str)
		return nil
	}
	return &errWrongType{field, v.Type}
}

// readInt sets *i to the integer v, leaves it on null.
func readInt(v gjson.Result, field string, i *int) error {
	switch v.Type {
	case gjson.Null:
		return nil
	case gjson.Number:
		n, err := strconv.ParseInt(v.Raw, 10, 0)
		if err != nil {
			return &errWrongType{field, gjson.Number}
		}
		*i = int(n)
		return nil
	}
	return &errWrongType{field, v.Type}
}
