package openai

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/agentlens/agentlens/internal/jsonscan"
)

// Reading streamed chunks: a stream has hundreds of them, so they are read in place with
// jsonscan rather than decoded with encoding/json. The result is what encoding/json would
// decode into the same structs (keys are matched exactly, not case-insensitively): a null
// leaves a field as it was (or clears a pointer-like field), a repeated key decodes into
// what the earlier one left, a value of the wrong type makes the chunk malformed.

// chunkHead holds what chat and text completion chunks share. Its strings point into the
// chunk's text.
type chunkHead struct {
	ID                string
	Created           json.Number
	Model             string
	SystemFingerprint string
	Usage             string // raw JSON, "" when absent
}

// read reads member key of a chunk if it is one of the head's; ok is false otherwise.
func (h *chunkHead) read(key, v string) (ok bool, err error) {
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
		h.Usage = v
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

// errWrongType reports a value whose JSON type does not fit the field.
type errWrongType struct {
	field string
	kind  jsonscan.Kind
}

func (e *errWrongType) Error() string {
	return fmt.Sprintf("cannot read a JSON %s as %s", e.kind, e.field)
}

// readChatChunk reads data into c, whose slices it reuses.
func readChatChunk(data string, c *chatChunk) error {
	*c = chatChunk{Choices: c.Choices[:0]}
	return walkMembers(data, func(key, v string) error {
		if ok, err := c.chunkHead.read(key, v); ok {
			return err
		}
		switch key {
		case "service_tier":
			return readString(v, "service_tier", &c.ServiceTier)
		case "choices":
			return readArray(v, "choices", &c.Choices, readChatChoice)
		}
		return nil
	})
}

func readChatChoice(v string, ch *chatChunkChoice) error {
	return readObject(v, "a choice", func(key, v string) error {
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

func readChatDelta(v string, d *chatChunkDelta) error {
	return readObject(v, "delta", func(key, v string) error {
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
			// A pointer in the former struct: null clears it, an object decodes into it.
			if jsonscan.KindOf(v) == jsonscan.KindNull {
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

func readToolCall(v string, tc *chatChunkToolCall) error {
	return readObject(v, "a tool call", func(key, v string) error {
		switch key {
		case "index":
			// A pointer in the former struct: null clears it.
			if jsonscan.KindOf(v) == jsonscan.KindNull {
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

func readFunction(v string, f *chatChunkFunction) error {
	return readObject(v, "function", func(key, v string) error {
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
	*c = completionChunk{Choices: c.Choices[:0]}
	return walkMembers(data, func(key, v string) error {
		if ok, err := c.chunkHead.read(key, v); ok {
			return err
		}
		if key == "choices" {
			return readArray(v, "choices", &c.Choices, readCompletionChoice)
		}
		return nil
	})
}

func readCompletionChoice(v string, ch *completionChunkChoice) error {
	return readObject(v, "a choice", func(key, v string) error {
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

// readObject walks v, a member's or element's value, which must be an object or null (which
// walks nothing).
func readObject(v, field string, member func(key, v string) error) error {
	if err := expect(v, field, jsonscan.KindObject); err != nil {
		return err
	}
	return walkMembers(v, member)
}

// walkMembers hands each member of the object v (whitespace around it allowed; null walks
// nothing) to member; the first error stops the walk.
func walkMembers(v string, member func(key, v string) error) error {
	var err error
	walkErr := jsonscan.Object(v, func(key, v string) bool {
		err = member(key, v)
		return err == nil
	})
	return firstErr(err, walkErr)
}

// readArray reads the array v into *s with readElem, reusing *s's elements (a slice decoded
// again by a repeated key decodes into the elements it already has); null empties *s.
func readArray[T any](v, field string, s *[]T, readElem func(string, *T) error) error {
	if err := expect(v, field, jsonscan.KindArray); err != nil {
		return err
	}
	n := 0
	var err error
	walkErr := jsonscan.Array(v, func(elem string) bool {
		if n == len(*s) {
			var zero T
			*s = append(*s, zero)
		}
		err = readElem(elem, &(*s)[n])
		n++
		return err == nil
	})
	*s = (*s)[:n]
	return firstErr(err, walkErr)
}

// expect checks that v is of kind k or null (which decodes to nothing).
func expect(v, field string, k jsonscan.Kind) error {
	if kind := jsonscan.KindOf(v); kind != k && kind != jsonscan.KindNull {
		return &errWrongType{field, kind}
	}
	return nil
}

// readNullableString reads what was a *string: null clears it (has false), a string sets it.
func readNullableString(v, field string, s *string, has *bool) error {
	if jsonscan.KindOf(v) == jsonscan.KindNull {
		*s, *has = "", false
		return nil
	}
	*has = true
	return readString(v, field, s)
}

// readString sets *s to the string v, leaves it on null.
func readString(v, field string, s *string) error {
	switch jsonscan.KindOf(v) {
	case jsonscan.KindNull:
		return nil
	case jsonscan.KindString:
		str, err := jsonscan.Unquote(v)
		if err != nil {
			return err
		}
		*s = str
		return nil
	}
	return &errWrongType{field, jsonscan.KindOf(v)}
}

// readNumber sets *n to the number v (or a string holding one, as encoding/json allows for
// json.Number), leaves it on null.
func readNumber(v, field string, n *json.Number) error {
	switch jsonscan.KindOf(v) {
	case jsonscan.KindNull:
		return nil
	case jsonscan.KindNumber:
		*n = json.Number(v)
		return nil
	case jsonscan.KindString:
		s, err := jsonscan.Unquote(v)
		if err != nil {
			return err
		}
		if !isJSONNumber(s) {
			return fmt.Errorf("invalid number %q in %s", s, field)
		}
		*n = json.Number(s)
		return nil
	}
	return &errWrongType{field, jsonscan.KindOf(v)}
}

// isJSONNumber reports whether s is exactly one JSON number, without whitespace.
func isJSONNumber(s string) bool {
	v, rest, err := jsonscan.Next(s)
	return err == nil && rest == "" && v == s && jsonscan.KindOf(v) == jsonscan.KindNumber
}

// readInt sets *i to the integer v, leaves it on null.
func readInt(v, field string, i *int) error {
	switch jsonscan.KindOf(v) {
	case jsonscan.KindNull:
		return nil
	case jsonscan.KindNumber:
		n, err := strconv.ParseInt(v, 10, 0)
		if err != nil {
			return &errWrongType{field, jsonscan.KindNumber}
		}
		*i = int(n)
		return nil
	}
	return &errWrongType{field, jsonscan.KindOf(v)}
}

// firstErr returns the first of two errors that is not nil: an error a walk's callback met
// stops the walk, so it comes before any the walk reports.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
