package gemini

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
)

// streamAssembler assembles the chunks of a streamed generateContent (each a
// GenerateContentResponse JSON object) into the response a non-streamed call returns: per
// candidate, consecutive text parts joined (thoughts apart from the answer), other parts
// (function calls, inline data, code) kept whole and in order, and the last value of every
// other member (finishReason, safetyRatings, citationMetadata, ...); of the response, the
// last value of every member but the candidates (usageMetadata, modelVersion, responseId,
// promptFeedback). Values keep their exact JSON text. The zero value is ready to use; it is
// not safe for concurrent use.
type streamAssembler struct {
	n          int
	top        map[string]json.RawMessage
	candidates map[int64]*candidateAcc
}

type candidateAcc struct {
	role    string
	parts   []*partAcc
	members map[string]json.RawMessage // everything but content and index
	indexed bool                       // the chunks gave the candidate's index
}

// partAcc is one part of the assembled content: text (joined across chunks) or raw JSON.
type partAcc struct {
	text      strings.Builder
	isText    bool
	thought   bool
	signature json.RawMessage // thoughtSignature, the last one given
	raw       json.RawMessage
}

var errNotObject = errors.New("a stream chunk is not a JSON object")

// add merges one chunk; a chunk that is not a JSON object returns an error and changes
// nothing.
func (s *streamAssembler) add(data string) error {
	obj, ok := jsontext.Object(data)
	if !ok {
		return errNotObject
	}
	s.n++
	if s.top == nil {
		s.top = map[string]json.RawMessage{}
	}
	obj.ForEach(func(key, v gjson.Result) bool {
		if key.Str == "candidates" {
			v.ForEach(func(_, c gjson.Result) bool {
				s.addCandidate(c)
				return true
			})
			return true
		}
		s.top[key.Str] = json.RawMessage(v.Raw)
		return true
	})
	return nil
}

func (s *streamAssembler) addCandidate(c gjson.Result) {
	if !c.IsObject() {
		return
	}
	idx := int64(0)
	index := jsontext.Member(c, "index")
	if index.Type == gjson.Number {
		idx = index.Int()
	}
	if s.candidates == nil {
		s.candidates = map[int64]*candidateAcc{}
	}
	acc := s.candidates[idx]
	if acc == nil {
		acc = &candidateAcc{members: map[string]json.RawMessage{}}
		s.candidates[idx] = acc
	}
	acc.indexed = acc.indexed || index.Type == gjson.Number
	c.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "index":
		case "content":
			acc.addContent(v)
		default:
			acc.members[key.Str] = json.RawMessage(v.Raw)
		}
		return true
	})
}

func (acc *candidateAcc) addContent(content gjson.Result) {
	if r := jsontext.Member(content, "role"); r.Type == gjson.String && acc.role == "" {
		acc.role = r.Str
	}
	jsontext.Member(content, "parts").ForEach(func(_, p gjson.Result) bool {
		acc.addPart(p)
		return true
	})
}

// addPart appends a part, joining text to the text part before it when both are the
// answer or both are thoughts.
func (acc *candidateAcc) addPart(p gjson.Result) {
	var text, thought, signature gjson.Result
	plain := p.IsObject()
	p.ForEach(func(key, v gjson.Result) bool {
		switch key.Str {
		case "text":
			text = v
		case "thought":
			thought = v
		case "thoughtSignature":
			signature = v
		default:
			plain = false
		}
		return true
	})
	if !plain || text.Type != gjson.String || (thought.Exists() && thought.Type != gjson.True && thought.Type != gjson.False) {
		acc.parts = append(acc.parts, &partAcc{raw: json.RawMessage(p.Raw)})
		return
	}
	isThought := thought.Type == gjson.True
	var last *partAcc
	if n := len(acc.parts); n > 0 && acc.parts[n-1].isText && acc.parts[n-1].thought == isThought {
		last = acc.parts[n-1]
	} else {
		last = &partAcc{isText: true, thought: isThought}
		acc.parts = append(acc.parts, last)
	}
	last.text.WriteString(text.Str)
	if signature.Exists() {
		last.signature = json.RawMessage(signature.Raw)
	}
}

// text returns the joined answer text of the first candidate (thoughts left out).
func (s *streamAssembler) text() string {
	if len(s.candidates) == 0 {
		return ""
	}
	acc := s.candidates[slices.Min(slices.Collect(maps.Keys(s.candidates)))]
	var b strings.Builder
	for _, p := range acc.parts {
		if p.isText && !p.thought {
			b.WriteString(p.text.String())
		}
	}
	return b.String()
}

// response returns the assembled GenerateContentResponse as JSON values, nil before any
// chunk.
func (s *streamAssembler) response() map[string]any {
	if s.n == 0 {
		return nil
	}
	out := make(map[string]any, len(s.top)+1)
	for k, v := range s.top {
		out[k] = v
	}
	if len(s.candidates) == 0 {
		return out
	}
	cands := make([]any, 0, len(s.candidates))
	for _, idx := range slices.Sorted(maps.Keys(s.candidates)) {
		acc := s.candidates[idx]
		c := make(map[string]any, len(acc.members)+2)
		for k, v := range acc.members {
			c[k] = v
		}
		if acc.indexed {
			c["index"] = idx
		}
		if len(acc.parts) > 0 || acc.role != "" {
			parts := make([]any, 0, len(acc.parts))
			for _, p := range acc.parts {
				if !p.isText {
					parts = append(parts, p.raw)
					continue
				}
				part := map[string]any{"text": p.text.String()}
				if p.thought {
					part["thought"] = true
				}
				if p.signature != nil {
					part["thoughtSignature"] = p.signature
				}
				parts = append(parts, part)
			}
			content := map[string]any{"parts": parts}
			if acc.role != "" {
				content["role"] = acc.role
			}
			c["content"] = content
		}
		cands = append(cands, c)
	}
	out["candidates"] = cands
	return out
}
