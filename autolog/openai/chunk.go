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

// chatChunk is one chat.completion.chunk. Its strings point into the chunk's text.
type chatChunk struct {
	ID                string
	Created           json.Number
	Model             string
	SystemFingerprint string
	ServiceTier       string
	Choices           []chatChunkChoice
	Usage             string // raw JSON, "" when absent
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
	var err error
	walkErr := jsonscan.Object(data, func(key, v string) bool {
		switch key {
		case "id":
			err = readString(v, "id", &c.ID)
		case "created":
			err = readNumber(v, "created", &c.Created)
		case "model":
			err = readString(v, "model", &c.Model)
		case "system_fingerprint":
			err = readString(v, "system_fingerprint", &c.SystemFingerprint)
		case "service_tier":
			err = readString(v, "service_tier", &c.ServiceTier)
		case "usage":
			c.Usage = v
		case "choices":
			err = readChatChoices(v, &c.Choices)
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

func readChatChoices(v string, choices *[]chatChunkChoice) error {
	if err := expect(v, "choices", jsonscan.KindArray); err != nil || jsonscan.KindOf(v) == jsonscan.KindNull {
		if err == nil {
			*choices = (*choices)[:0]
		}
		return err
	}
	n := 0
	var err error
	walkErr := jsonscan.Array(v, func(elem string) bool {
		ch := grow(choices, n)
		n++
		err = readChatChoice(elem, ch)
		return err == nil
	})
	*choices = (*choices)[:n]
	return firstErr(err, walkErr)
}

// grow returns element i of *s, appending a zero one when i is past the end (a slice
// decoded again by a repeated key decodes into the elements it already has).
func grow[T any](s *[]T, i int) *T {
	if i == len(*s) {
		var zero T
		*s = append(*s, zero)
	}
	return &(*s)[i]
}

func readChatChoice(v string, ch *chatChunkChoice) error {
	if err := expect(v, "a choice", jsonscan.KindObject); err != nil {
		return err
	}
	var err error
	walkErr := jsonscan.Object(v, func(key, v string) bool {
		switch key {
		case "index":
			err = readInt(v, "index", &ch.Index)
		case "finish_reason":
			if jsonscan.KindOf(v) == jsonscan.KindNull {
				ch.FinishReason, ch.HasFinish = "", false
			} else if err = readString(v, "finish_reason", &ch.FinishReason); err == nil {
				ch.HasFinish = true
			}
		case "delta":
			err = readChatDelta(v, &ch.Delta)
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

func readChatDelta(v string, d *chatChunkDelta) error {
	if err := expect(v, "delta", jsonscan.KindObject); err != nil {
		return err
	}
	var err error
	walkErr := jsonscan.Object(v, func(key, v string) bool {
		switch key {
		case "role":
			err = readString(v, "role", &d.Role)
		case "content":
			err = readString(v, "content", &d.Content)
		case "refusal":
			err = readString(v, "refusal", &d.Refusal)
		case "tool_calls":
			err = readToolCalls(v, &d.ToolCalls)
		case "function_call":
			switch jsonscan.KindOf(v) {
			case jsonscan.KindNull:
				d.FunctionCall, d.HasFunctionCall = chatChunkFunction{}, false
			default:
				if !d.HasFunctionCall {
					d.FunctionCall, d.HasFunctionCall = chatChunkFunction{}, true
				}
				err = readFunction(v, &d.FunctionCall)
			}
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

func readToolCalls(v string, calls *[]chatChunkToolCall) error {
	if err := expect(v, "tool_calls", jsonscan.KindArray); err != nil || jsonscan.KindOf(v) == jsonscan.KindNull {
		if err == nil {
			*calls = (*calls)[:0]
		}
		return err
	}
	n := 0
	var err error
	walkErr := jsonscan.Array(v, func(elem string) bool {
		tc := grow(calls, n)
		n++
		err = readToolCall(elem, tc)
		return err == nil
	})
	*calls = (*calls)[:n]
	return firstErr(err, walkErr)
}

func readToolCall(v string, tc *chatChunkToolCall) error {
	if err := expect(v, "a tool call", jsonscan.KindObject); err != nil {
		return err
	}
	var err error
	walkErr := jsonscan.Object(v, func(key, v string) bool {
		switch key {
		case "index":
			if jsonscan.KindOf(v) == jsonscan.KindNull {
				tc.Index, tc.HasIndex = 0, false
			} else if err = readInt(v, "index", &tc.Index); err == nil {
				tc.HasIndex = true
			}
		case "id":
			err = readString(v, "id", &tc.ID)
		case "type":
			err = readString(v, "type", &tc.Type)
		case "function":
			err = readFunction(v, &tc.Function)
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

func readFunction(v string, f *chatChunkFunction) error {
	if err := expect(v, "function", jsonscan.KindObject); err != nil {
		return err
	}
	var err error
	walkErr := jsonscan.Object(v, func(key, v string) bool {
		switch key {
		case "name":
			err = readString(v, "name", &f.Name)
		case "arguments":
			err = readString(v, "arguments", &f.Arguments)
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

// completionChunk is one streamed text_completion chunk of /completions.
type completionChunk struct {
	ID                string
	Created           json.Number
	Model             string
	SystemFingerprint string
	Usage             string // raw JSON, "" when absent
	Choices           []completionChunkChoice
}

type completionChunkChoice struct {
	Index        int
	Text         string
	FinishReason string
	HasFinish    bool
}

// readCompletionChunk reads data into c, whose slices it reuses.
func readCompletionChunk(data string, c *completionChunk) error {
	*c = completionChunk{Choices: c.Choices[:0]}
	var err error
	walkErr := jsonscan.Object(data, func(key, v string) bool {
		switch key {
		case "id":
			err = readString(v, "id", &c.ID)
		case "created":
			err = readNumber(v, "created", &c.Created)
		case "model":
			err = readString(v, "model", &c.Model)
		case "system_fingerprint":
			err = readString(v, "system_fingerprint", &c.SystemFingerprint)
		case "usage":
			c.Usage = v
		case "choices":
			err = readCompletionChoices(v, &c.Choices)
		}
		return err == nil
	})
	return firstErr(err, walkErr)
}

func readCompletionChoices(v string, choices *[]completionChunkChoice) error {
	if err := expect(v, "choices", jsonscan.KindArray); err != nil || jsonscan.KindOf(v) == jsonscan.KindNull {
		if err == nil {
			*choices = (*choices)[:0]
		}
		return err
	}
	n := 0
	var err error
	walkErr := jsonscan.Array(v, func(elem string) bool {
		ch := grow(choices, n)
		n++
		if err = expect(elem, "a choice", jsonscan.KindObject); err != nil {
			return false
		}
		walkErr := jsonscan.Object(elem, func(key, v string) bool {
			switch key {
			case "index":
				err = readInt(v, "index", &ch.Index)
			case "text":
				err = readString(v, "text", &ch.Text)
			case "finish_reason":
				if jsonscan.KindOf(v) == jsonscan.KindNull {
					ch.FinishReason, ch.HasFinish = "", false
				} else if err = readString(v, "finish_reason", &ch.FinishReason); err == nil {
					ch.HasFinish = true
				}
			}
			return err == nil
		})
		err = firstErr(err, walkErr)
		return err == nil
	})
	*choices = (*choices)[:n]
	return firstErr(err, walkErr)
}

// expect checks that v is of kind k or null (which decodes to nothing).
func expect(v, field string, k jsonscan.Kind) error {
	if kind := jsonscan.KindOf(v); kind != k && kind != jsonscan.KindNull {
		return &errWrongType{field, kind}
	}
	return nil
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
