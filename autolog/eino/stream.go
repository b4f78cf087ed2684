package eino

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cloudwego/eino/callbacks"
	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/schema"

	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/spantypes"
)

// readInputStream reads this handler's copy of a call's input stream on a goroutine and
// records what it assembles to as the inputs; the span does not end before it is done.
// eino copies a stream for each handler: the copy must be read to its end and closed, or
// the original stream is never freed.
func (f *frame) readInputStream(sr *schema.StreamReader[callbacks.CallbackInput]) {
	f.hold()
	go func() {
		defer f.release()
		defer sr.Close()
		var items []any
		for {
			v, err := sr.Recv()
			if err != nil {
				break // the call itself reports a failed input
			}
			if f.content {
				items = append(items, v)
			}
		}
		if f.content && len(items) > 0 {
			func() {
				defer recoverReport()
				f.span.SetInputs(assemble(f.kind, items, nil))
			}()
		}
	}()
}

// readOutputStream reads this handler's copy of a call's output stream on a goroutine: one
// chunk event per chunk, then the assembled output; the span ends when the stream does (at
// its end, or ERROR at its error). The copy is read to its end whatever the program does
// with its own: eino feeds every copy from one source, which stops only when all copies are
// closed, so the span sees the whole stream even when the program closes its copy early.
func (f *frame) readOutputStream(sr *schema.StreamReader[callbacks.CallbackOutput]) {
	f.hold()
	f.end(nil)
	go func() {
		defer f.release()
		defer sr.Close()
		var items []any
		var usage *model.CallbackOutput // model chunks: the latest that carried usage
		var streamErr error
		var chunks []chunk
		for {
			v, err := sr.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				streamErr = err
				break
			}
			if mo, ok := v.(*model.CallbackOutput); ok && f.kind == kindModel {
				if _, has := usageOf(mo); has {
					usage = mo
				}
				if mo.Message == nil { // a usage-only chunk
					continue
				}
			}
			ch := chunk{at: time.Now()}
			if f.content {
				ch.item = encodeChunk(v)
			}
			chunks = append(chunks, ch)
			items = append(items, v)
		}
		defer recoverReport()
		f.addChunks(chunks)
		f.recordStreamOutput(items, usage)
		if streamErr != nil {
			f.setErr(streamErr)
			f.span.RecordError(streamErr)
		}
	}()
}

// chunk is one chunk of an output stream: when it came, and its JSON ("" without content).
type chunk struct {
	at   time.Time
	item string
}

func encodeChunk(v any) string {
	b, err := json.Marshal(chunkValue(v))
	if err != nil {
		instrument.ReportError("autolog/eino: stream chunk", fmt.Errorf("encoding a stream chunk: %w", err))
		return ""
	}
	return string(b)
}

// addChunks records the chunk events of a stream, on export. A model span that
// autolog/openai enriched already has the chunk events of the wire (it records the server's
// events on export, before this hook runs, and notes the time to the first token): the
// eino chunks are then left out, so that each chunk of the call is recorded once.
func (f *frame) addChunks(chunks []chunk) {
	if len(chunks) == 0 {
		return
	}
	model := f.kind == kindModel
	instrument.OnExport(f.span, func(s *instrument.FinishedSpan) {
		if _, wire := s.Attribute(spantypes.KeyTimeToFirstTokenMS); model && wire {
			return
		}
		for _, c := range chunks {
			s.AddChunk(c.at, c.item)
		}
	})
}

// recordStreamOutput records the output a stream assembles to.
func (f *frame) recordStreamOutput(items []any, usage *model.CallbackOutput) {
	if f.kind == kindModel {
		out := assembleModel(items)
		if out.TokenUsage == nil && usage != nil {
			out.TokenUsage = usage.TokenUsage
			if out.TokenUsage == nil && usage.Message != nil && out.Message != nil && usage.Message.ResponseMeta != nil {
				if out.Message.ResponseMeta == nil {
					out.Message.ResponseMeta = &schema.ResponseMeta{}
				}
				out.Message.ResponseMeta.Usage = usage.Message.ResponseMeta.Usage
			}
		}
		f.recordModelOutput(out)
		return
	}
	if f.content && len(items) > 0 {
		f.span.SetOutputs(assemble(f.kind, items, nil))
	}
}

// chunkValue is how a chunk is recorded in its event.
func chunkValue(v any) any {
	if mo, ok := v.(*model.CallbackOutput); ok {
		return toChatMessage(mo.Message)
	}
	return value(v)
}

// assembleModel concatenates a model stream's chunks into one output, as eino does: the
// content joined, tool calls with their arguments assembled, the last usage and finish reason.
func assembleModel(items []any) *model.CallbackOutput {
	out := &model.CallbackOutput{}
	msgs := make([]*schema.Message, 0, len(items))
	for _, it := range items {
		switch t := it.(type) {
		case *model.CallbackOutput:
			if t.Config != nil {
				out.Config = t.Config
			}
			if t.TokenUsage != nil {
				out.TokenUsage = t.TokenUsage
			}
			if t.Message != nil {
				msgs = append(msgs, t.Message)
			}
		case *schema.Message:
			msgs = append(msgs, t)
		}
	}
	if len(msgs) > 0 {
		if m, err := schema.ConcatMessages(msgs); err == nil {
			out.Message = m
		} else {
			out.Message = msgs[len(msgs)-1]
		}
	}
	return out
}

// assemble is the value a non-model stream's chunks make, as eino concatenates them: a
// single chunk is itself (eino streams a graph's input as one chunk when the graph is run
// with Stream), messages are concatenated, message lists concatenated index by index (a
// ToolsNode streams one list a tool, each holding that tool's message at its call's index),
// strings joined; else the list of chunks.
func assemble(_ kind, items []any, _ error) any {
	if len(items) == 1 {
		return value(items[0])
	}
	if lists, ok := messageLists(items); ok {
		if ms, err := schema.ConcatMessageArray(lists); err == nil {
			return value(ms)
		}
	}
	msgs := make([]*schema.Message, 0, len(items))
	var text []byte
	strs := true
	for _, it := range items {
		switch t := it.(type) {
		case *schema.Message:
			msgs = append(msgs, t)
			strs = false
		case string:
			text = append(text, t...)
		default:
			strs = false
		}
	}
	if len(msgs) == len(items) {
		if m, err := schema.ConcatMessages(msgs); err == nil {
			return toChatMessage(m)
		}
	}
	if strs {
		return string(text)
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = value(it)
	}
	return out
}

// messageLists returns the chunks as message lists when every chunk is one.
func messageLists(items []any) ([][]*schema.Message, bool) {
	lists := make([][]*schema.Message, 0, len(items))
	for _, it := range items {
		ms, ok := it.([]*schema.Message)
		if !ok {
			return nil, false
		}
		lists = append(lists, ms)
	}
	return lists, len(lists) > 0
}
