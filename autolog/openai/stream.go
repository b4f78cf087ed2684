package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Stream assembly: the events of a streamed response become the response object a
// non-streamed call would have returned, as JSON values (map[string]any, []any, string,
// json.Number, ...) ready to be recorded as span outputs. Numbers keep their exact JSON
// text (json.Number). The zero value of each assembler is ready to use; none is safe for
// concurrent use. A malformed event makes add return an error and is otherwise ignored.

// streamAssembler assembles the events of one kind of stream. add merges an event (the SSE
// event field, which only the Responses API uses, and the data); a malformed event returns an
// error and changes nothing. response returns what the events add up to, nil before any.
// finished reports whether the events say the model finished: every choice has a finish
// reason (chat, completions), or the terminal event came (Responses API).
type streamAssembler interface {
	add(event, data string) error
	response() map[string]any
	finished() bool
}

// responseExtras keeps the response-level members of a stream's chunks that the assembler
// has no field for (Perplexity's citations and search_results, OpenRouter's provider), so
// that the assembled response has them as the non-streamed one does: of a member in several
// chunks, the last one counts. The values stay raw until response() decodes them once.
type responseExtras struct {
	keys []string
	raw  map[string]string
}

func (e *responseExtras) add(members []rawMember) {
	for _, m := range members {
		if e.raw == nil {
			e.raw = map[string]string{}
		}
		if _, seen := e.raw[m.key]; !seen {
			e.keys = append(e.keys, m.key)
		}
		e.raw[m.key] = m.raw
	}
}

// into adds the members to out, leaving the members out already has alone. A value that
// is not JSON (a chunk is checked whole before it is read, so this does not happen) is
// left out.
func (e *responseExtras) into(out map[string]any) {
	for _, k := range e.keys {
		if _, set := out[k]; set {
			continue
		}
		var v any
		if decodeStreamJSON([]byte(e.raw[k]), &v) == nil {
			out[k] = v
		}
	}
}

// allFinished reports whether there are choices and each has a finish reason.
func allFinished[T any](choices map[int]T, finish func(T) string) bool {
	if len(choices) == 0 {
		return false
	}
	for _, c := range choices {
		if finish(c) == "" {
			return false
		}
	}
	return true
}

// decodeStreamJSON decodes exactly one JSON value from data, numbers as json.Number.
func decodeStreamJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid data after the JSON value")
	}
	return nil
}

// decodeUsage decodes a usage object kept raw while streaming (numbers exact), nil when
// there is none or it is not an object.
func decodeUsage(raw json.RawMessage) map[string]any {
	if len(raw) == 0 {
		return nil
	}
	var u map[string]any
	if decodeStreamJSON(raw, &u) != nil {
		return nil
	}
	return u
}

// numberOrNil returns n as a JSON value, nil when absent.
func numberOrNil(n json.Number) any {
	if n == "" {
		return nil
	}
	return n
}

// stringOrNil returns s, or nil when it is empty.
func stringOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// chatStream assembles streamed /chat/completions chunks (each SSE data payload is a
// chat.completion.chunk JSON; the "[DONE]" sentinel is not passed to it).
type chatStream struct {
	n           int
	id, model   string
	created     json.Number
	fingerprint string
	serviceTier string
	choices     map[int]*chatChoiceAcc
	usage       string // raw JSON, decoded once, by response()
	extras      responseExtras
	chunk       chatChunk // scratch space for reading a chunk
}

type chatChoiceAcc struct {
	role             string
	content, refusal strings.Builder
	finish           string
	calls            map[int]*toolCallAcc
	lastCall         int
	fn               *toolCallAcc // legacy function_call
}

type toolCallAcc struct {
	id, typ, name string
	args          strings.Builder
}

// add merges one chunk. A malformed chunk returns an error and changes nothing.
func (s *chatStream) add(_, data string) error {
	c := &s.chunk
	if err := readChatChunk(data, c); err != nil {
		return fmt.Errorf("chat completion chunk: %w", err)
	}
	s.n++
	if s.id == "" {
		s.id = c.ID
	}
	if s.model == "" {
		s.model = c.Model
	}
	if s.created == "" || s.created == "0" { // Azure's first chunk (prompt filter results) has created 0
		s.created = c.Created
	}
	if c.SystemFingerprint != "" {
		s.fingerprint = c.SystemFingerprint
	}
	if c.ServiceTier != "" {
		s.serviceTier = c.ServiceTier
	}
	if c.Usage != "" && c.Usage != "null" {
		s.usage = c.Usage
	}
	s.extras.add(c.Extra)
	for i := range c.Choices {
		s.addChoice(&c.Choices[i])
	}
	return nil
}

// finished reports whether every choice has a finish reason.
func (s *chatStream) finished() bool {
	return allFinished(s.choices, func(c *chatChoiceAcc) string { return c.finish })
}

func (s *chatStream) addChoice(ch *chatChunkChoice) {
	if s.choices == nil {
		s.choices = map[int]*chatChoiceAcc{}
	}
	acc := s.choices[ch.Index]
	if acc == nil {
		acc = &chatChoiceAcc{}
		s.choices[ch.Index] = acc
	}
	d := &ch.Delta
	if acc.role == "" {
		acc.role = d.Role
	}
	acc.content.WriteString(d.Content)
	acc.refusal.WriteString(d.Refusal)
	if ch.HasFinish && ch.FinishReason != "" {
		acc.finish = ch.FinishReason
	}
	for i := range d.ToolCalls {
		acc.addToolCall(&d.ToolCalls[i])
	}
	if d.HasFunctionCall {
		if acc.fn == nil {
			acc.fn = &toolCallAcc{}
		}
		acc.fn.merge("", "", &d.FunctionCall)
	}
}

// addToolCall merges a tool call delta into the call its index names. A delta without an
// index (some OpenAI-compatible servers) continues the last call unless it carries the id
// of a call not seen yet.
func (acc *chatChoiceAcc) addToolCall(tc *chatChunkToolCall) {
	if acc.calls == nil {
		acc.calls = map[int]*toolCallAcc{}
	}
	idx := acc.lastCall
	switch {
	case tc.HasIndex:
		idx = tc.Index
	case len(acc.calls) == 0:
		idx = 0
	case tc.ID != "":
		if last := acc.calls[idx]; last != nil && last.id != "" && last.id != tc.ID {
			for k := range acc.calls {
				if k >= idx {
					idx = k + 1
				}
			}
		}
	}
	call := acc.calls[idx]
	if call == nil {
		call = &toolCallAcc{}
		acc.calls[idx] = call
	}
	acc.lastCall = idx
	call.merge(tc.ID, tc.Type, &tc.Function)
}

// merge adds a delta. The id, type and name come whole in the first delta of a call (some
// compatible servers repeat them), the arguments in pieces.
func (t *toolCallAcc) merge(id, typ string, f *chatChunkFunction) {
	if t.id == "" {
		t.id = id
	}
	if t.typ == "" {
		t.typ = typ
	}
	if t.name == "" {
		t.name = f.Name
	}
	t.args.WriteString(f.Arguments)
}

func (t *toolCallAcc) function() map[string]any {
	return map[string]any{"name": t.name, "arguments": t.args.String()}
}

// chunks returns how many chunks were added successfully.
func (s *chatStream) chunks() int { return s.n }

// response returns the chat.completion object the chunks add up to, nil before any.
// A message's content is nil when no content arrived (as in a non-streamed tool call
// response); "refusal", "tool_calls" and "function_call" are present only when some
// arrived; finish_reason is the last non-null one.
func (s *chatStream) response() map[string]any {
	if s.n == 0 {
		return nil
	}
	choices := make([]any, 0, len(s.choices))
	for _, idx := range slices.Sorted(maps.Keys(s.choices)) {
		acc := s.choices[idx]
		role := acc.role
		if role == "" {
			role = "assistant"
		}
		msg := map[string]any{"role": role, "content": stringOrNil(acc.content.String())}
		if acc.refusal.Len() > 0 {
			msg["refusal"] = acc.refusal.String()
		}
		if len(acc.calls) > 0 {
			calls := make([]any, 0, len(acc.calls))
			for _, ci := range slices.Sorted(maps.Keys(acc.calls)) {
				call := acc.calls[ci]
				typ := call.typ
				if typ == "" {
					typ = "function"
				}
				calls = append(calls, map[string]any{"id": call.id, "type": typ, "function": call.function()})
			}
			msg["tool_calls"] = calls
		}
		if acc.fn != nil {
			msg["function_call"] = acc.fn.function()
		}
		choices = append(choices, map[string]any{
			"index":         idx,
			"message":       msg,
			"finish_reason": stringOrNil(acc.finish),
		})
	}
	out := map[string]any{
		"id":      s.id,
		"object":  "chat.completion",
		"created": numberOrNil(s.created),
		"model":   s.model,
		"choices": choices,
	}
	if s.fingerprint != "" {
		out["system_fingerprint"] = s.fingerprint
	}
	if s.serviceTier != "" {
		out["service_tier"] = s.serviceTier
	}
	if u := decodeUsage(json.RawMessage(s.usage)); u != nil {
		out["usage"] = u
	}
	s.extras.into(out)
	return out
}

// completionStream assembles streamed /completions chunks ("[DONE]" is not passed to it).
type completionStream struct {
	n           int
	id, model   string
	created     json.Number
	fingerprint string
	choices     map[int]*completionChoiceAcc
	usage       string // raw JSON, decoded once, by response()
	extras      responseExtras
	chunk       completionChunk // scratch space for reading a chunk
}

type completionChoiceAcc struct {
	text   strings.Builder
	finish string
}

// add merges one chunk. A malformed chunk returns an error and changes nothing.
func (s *completionStream) add(_, data string) error {
	c := &s.chunk
	if err := readCompletionChunk(data, c); err != nil {
		return fmt.Errorf("completion chunk: %w", err)
	}
	s.n++
	if s.id == "" {
		s.id = c.ID
	}
	if s.model == "" {
		s.model = c.Model
	}
	if s.created == "" || s.created == "0" { // Azure's first chunk (prompt filter results) has created 0
		s.created = c.Created
	}
	if c.SystemFingerprint != "" {
		s.fingerprint = c.SystemFingerprint
	}
	if c.Usage != "" && c.Usage != "null" {
		s.usage = c.Usage
	}
	s.extras.add(c.Extra)
	for _, ch := range c.Choices {
		if s.choices == nil {
			s.choices = map[int]*completionChoiceAcc{}
		}
		acc := s.choices[ch.Index]
		if acc == nil {
			acc = &completionChoiceAcc{}
			s.choices[ch.Index] = acc
		}
		acc.text.WriteString(ch.Text)
		if ch.HasFinish && ch.FinishReason != "" {
			acc.finish = ch.FinishReason
		}
	}
	return nil
}

// chunks returns how many chunks were added successfully.
func (s *completionStream) chunks() int { return s.n }

// finished reports whether every choice has a finish reason.
func (s *completionStream) finished() bool {
	return allFinished(s.choices, func(c *completionChoiceAcc) string { return c.finish })
}

// response returns the text_completion object the chunks add up to, nil before any.
func (s *completionStream) response() map[string]any {
	if s.n == 0 {
		return nil
	}
	choices := make([]any, 0, len(s.choices))
	for _, idx := range slices.Sorted(maps.Keys(s.choices)) {
		acc := s.choices[idx]
		choices = append(choices, map[string]any{
			"index":         idx,
			"text":          acc.text.String(),
			"finish_reason": stringOrNil(acc.finish),
			"logprobs":      nil,
		})
	}
	out := map[string]any{
		"id":      s.id,
		"object":  "text_completion",
		"created": numberOrNil(s.created),
		"model":   s.model,
		"choices": choices,
	}
	if s.fingerprint != "" {
		out["system_fingerprint"] = s.fingerprint
	}
	if u := decodeUsage(json.RawMessage(s.usage)); u != nil {
		out["usage"] = u
	}
	s.extras.into(out)
	return out
}

// responsesEvent is one event of a streamed Responses API call.
type responsesEvent struct {
	Type     string          `json:"type"`
	Delta    any             `json:"delta"`
	Response json.RawMessage `json:"response"`
	Error    any             `json:"error"`
	Code     any             `json:"code"`
	Message  any             `json:"message"`
}

// responsesStream assembles the events of a streamed /responses call.
type responsesStream struct {
	n        int
	base     map[string]any // the response object of response.created / in_progress
	final    map[string]any // the response object of the terminal event
	text     strings.Builder
	failure  bool
	errType  string
	errMsg   string
	terminal bool
}

// add merges one event: eventName is the SSE event field, data its JSON payload (whose
// "type" wins over eventName when both are set). A malformed event returns an error and
// changes nothing.
func (s *responsesStream) add(eventName, data string) error {
	var ev responsesEvent
	if err := decodeStreamJSON([]byte(data), &ev); err != nil {
		return fmt.Errorf("responses event: %w", err)
	}
	typ := ev.Type
	if typ == "" {
		typ = eventName
	}
	var resp map[string]any
	if len(ev.Response) > 0 {
		if err := decodeStreamJSON(ev.Response, &resp); err != nil {
			return fmt.Errorf("responses event %s: response: %w", typ, err)
		}
	}
	s.n++
	switch typ {
	case "response.created", "response.queued", "response.in_progress":
		if resp != nil && !s.terminal {
			s.base = resp
		}
	case "response.output_text.delta":
		if d, ok := ev.Delta.(string); ok {
			s.text.WriteString(d)
		}
	case "response.completed", "response.incomplete", "response.failed":
		s.terminal = true
		if resp != nil {
			s.final = resp
		}
		if typ == "response.failed" {
			s.failure = true
			s.errType, s.errMsg = "response.failed", ""
			if resp != nil {
				if t, m := errorTypeMessage(resp["error"]); t != "" || m != "" {
					s.errType, s.errMsg = t, m
				}
			}
		}
	case "error":
		s.failure = true
		t, m := errorTypeMessage(ev.Error)
		if t == "" && m == "" {
			t, m = errorTypeMessage(map[string]any{"code": ev.Code, "message": ev.Message})
		}
		if t == "" {
			t = "error"
		}
		s.errType, s.errMsg = t, m
	}
	return nil
}

// errorTypeMessage reads an OpenAI error object: its type (else its code) and message.
// A bare string is taken as the message.
func errorTypeMessage(v any) (typ, msg string) {
	switch e := v.(type) {
	case string:
		return "", e
	case map[string]any:
		typ, _ = e["type"].(string)
		if typ == "" {
			if c := e["code"]; c != nil {
				typ = fmt.Sprint(c)
			}
		}
		msg, _ = e["message"].(string)
	}
	return typ, msg
}

// chunks returns how many events were added successfully.
func (s *responsesStream) chunks() int { return s.n }

// finished reports whether the terminal event came.
func (s *responsesStream) finished() bool { return s.terminal }

// failed reports a response.failed event (the code and message of the response's error)
// or an "error" event (the type, else code, and message of its error).
func (s *responsesStream) failed() (typ, msg string, ok bool) {
	return s.errType, s.errMsg, s.failure
}

// response returns the response object of the terminal event (response.completed,
// response.incomplete or response.failed) when one arrived. Otherwise (the stream was cut
// off) it returns a best-effort in_progress response built from response.created and the
// output text deltas; nil before any event.
func (s *responsesStream) response() map[string]any {
	if s.final != nil {
		return s.final
	}
	if s.n == 0 {
		return nil
	}
	output := []any{}
	if s.text.Len() > 0 {
		output = append(output, map[string]any{
			"type": "message",
			"role": "assistant",
			"content": []any{map[string]any{
				"type": "output_text",
				"text": s.text.String(),
			}},
		})
	}
	return map[string]any{
		"id":     s.base["id"],
		"object": "response",
		"model":  s.base["model"],
		"status": "in_progress",
		"output": output,
	}
}
