// Package uitest makes synthetic traces for the web UI's tests, benchmarks and screenshots:
// an agent run with chat payloads, tool calls, stream chunks and an error; a trace full of
// script and markup payloads; sessions; and large stores and traces for the scale checks.
package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// Base is the start time of the synthetic traces: 2026-01-15 10:00:00 UTC, in ms.
const Base = int64(1768471200000)

// TraceID returns the synthetic trace id for n.
func TraceID(n int) string { return fmt.Sprintf("tr-%032x", n+1) }

func spanID(n int) string { return fmt.Sprintf("%016x", n+1) }

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Builder assembles one trace span by span.
type Builder struct {
	T     *tracedata.Trace
	start int64
}

// NewTrace starts a trace named name at Base + offsetMS.
func NewTrace(n int, name string, offsetMS int64) *Builder {
	id := TraceID(n)
	b := &Builder{T: &tracedata.Trace{Info: tracedata.TraceInfo{
		TraceID: id, ExperimentID: "0", TimestampMS: Base + offsetMS, State: tracedata.StateOK,
		Metadata: map[string]string{spantypes.MetaSchemaVersion: "3"},
		Tags:     map[string]string{spantypes.TagTraceName: name},
	}}, start: (Base + offsetMS) * 1e6}
	return b
}

// Span adds a span; parent -1 makes it the root. Times are ms from the trace's start.
func (b *Builder) Span(parent int, name, typ string, startMS, durMS float64, attrs map[string]string) int {
	i := len(b.T.Spans)
	s := tracedata.Span{
		TraceID: b.T.Info.TraceID, SpanID: spanID(i), Name: name,
		StartTimeUnixNano: b.start + int64(startMS*1e6), EndTimeUnixNano: b.start + int64((startMS+durMS)*1e6),
		Status:     tracedata.Status{Code: tracedata.StatusOK},
		Attributes: map[string]string{spantypes.KeySpanType: js(typ)},
	}
	if parent >= 0 {
		s.ParentID = spanID(parent)
	}
	for k, v := range attrs {
		s.Attributes[k] = v
	}
	b.T.Spans = append(b.T.Spans, s)
	return i
}

// Finish fills the info from the root span (duration, previews, token usage) and returns
// the trace.
func (b *Builder) Finish(request, response string) *tracedata.Trace {
	root := b.T.RootSpan()
	b.T.Info.ExecutionTimeMS = (root.EndTimeUnixNano - root.StartTimeUnixNano) / 1e6
	if root.Status.Code == tracedata.StatusError {
		b.T.Info.State = tracedata.StateError
	}
	b.T.Info.RequestPreview, b.T.Info.ResponsePreview = request, response
	if u, ok := b.T.TokenUsage(); ok {
		b.T.Info.Metadata[spantypes.MetaTokenUsage] = string(u.AppendJSON(nil))
	}
	return b.T
}

// AgentTrace is a weather agent: an AGENT root, two chat model calls (OpenAI messages with
// a tool call, token usage, streamed chunks), a TOOL span, and a RETRIEVER that failed.
func AgentTrace(n int, offsetMS int64, question string) *tracedata.Trace {
	b := NewTrace(n, "weather-agent", offsetMS)
	msgs := []map[string]any{
		{"role": "system", "content": "You are a weather assistant."},
		{"role": "user", "content": question},
	}
	root := b.Span(-1, "weather-agent", spantypes.Agent, 0, 1840, map[string]string{
		spantypes.KeySpanInputs:  js(map[string]any{"question": question}),
		spantypes.KeySpanOutputs: js("It is 18°C and sunny in Paris."),
	})
	call := map[string]any{"id": "call_1", "type": "function", "function": map[string]any{"name": "get_weather", "arguments": `{"city":"Paris"}`}}
	c1 := b.Span(root, "chat gpt-4o-mini", spantypes.ChatModel, 20, 610, map[string]string{
		spantypes.KeySpanInputs:     js(map[string]any{"model": "gpt-4o-mini", "messages": msgs}),
		spantypes.KeySpanOutputs:    js(map[string]any{"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{call}}, "finish_reason": "tool_calls"}}}),
		spantypes.KeyChatTokenUsage: `{"input_tokens":52,"output_tokens":18,"total_tokens":70}`,
		"gen_ai.request.model":      `"gpt-4o-mini"`,
	})
	_ = c1
	b.Span(root, "get_weather", spantypes.Tool, 640, 420, map[string]string{
		spantypes.KeySpanInputs:  `{"city":"Paris"}`,
		spantypes.KeySpanOutputs: `{"temperature_c":18,"sky":"sunny"}`,
	})
	ret := b.Span(root, "lookup-docs", spantypes.Retriever, 660, 90, map[string]string{
		spantypes.KeySpanInputs: `{"query":"Paris climate"}`,
	})
	b.T.Spans[ret].Status = tracedata.Status{Code: tracedata.StatusError, Message: "*net.OpError: dial tcp: connection refused"}
	b.T.Spans[ret].Events = []tracedata.Event{{Name: spantypes.ExceptionEventName, TimeUnixNano: b.T.Spans[ret].EndTimeUnixNano, Attributes: map[string]any{
		spantypes.KeyExceptionType: "*net.OpError", spantypes.KeyExceptionMessage: "dial tcp: connection refused",
		spantypes.KeyExceptionStacktrace: "goroutine 7 [running]:\nmain.lookup()\n\t/app/main.go:42 +0x1d",
	}}}
	msgs2 := append(append([]map[string]any{}, msgs...),
		map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{call}},
		map[string]any{"role": "tool", "tool_call_id": "call_1", "content": `{"temperature_c":18,"sky":"sunny"}`})
	c2 := b.Span(root, "chat gpt-4o-mini", spantypes.ChatModel, 1080, 740, map[string]string{
		spantypes.KeySpanInputs:     js(map[string]any{"model": "gpt-4o-mini", "messages": msgs2, "stream": true}),
		spantypes.KeySpanOutputs:    js(map[string]any{"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": "It is 18°C and sunny in Paris."}, "finish_reason": "stop"}}}),
		spantypes.KeyChatTokenUsage: `{"input_tokens":96,"output_tokens":12,"total_tokens":108}`,
	})
	for i, piece := range []string{"It is ", "18°C and ", "sunny in Paris."} {
		b.T.Spans[c2].Events = append(b.T.Spans[c2].Events, tracedata.ChunkEvent(spantypes.ChunkEventPrefix+strconv.Itoa(i),
			b.T.Spans[c2].StartTimeUnixNano+int64(i+1)*1e8, js(map[string]any{"choices": []any{map[string]any{"delta": map[string]any{"content": piece}}}})))
	}
	b.T.Info.Tags["env"] = "dev"
	return b.Finish(question, "It is 18°C and sunny in Paris.")
}

// XSS payloads: each would run script or add an element if rendered as markup.
var XSS = []string{
	`<script>alert("xss-script")</script>`,
	`<img src=x onerror="alert('xss-img')" id="xss-img">`,
	`javascript:alert('xss-link')`,
	`"></script><script>alert("xss-close")</script>`,
	`<a href="javascript:alert(1)" id="xss-a">click</a><svg onload=alert(2) id="xss-svg">`,
}

// XSSTrace holds the payloads in its span names, inputs, outputs, attributes, events,
// tags, previews and session.
func XSSTrace(n int, offsetMS int64) *tracedata.Trace {
	b := NewTrace(n, XSS[0], offsetMS)
	root := b.Span(-1, XSS[0], spantypes.Chain, 0, 100, map[string]string{
		spantypes.KeySpanInputs:  js(map[string]any{"messages": []any{map[string]any{"role": "user", "content": XSS[1]}}, "link": XSS[2]}),
		spantypes.KeySpanOutputs: js(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": XSS[3]}}}}),
		XSS[4]:                   js(XSS[4]),
	})
	child := b.Span(root, XSS[1], spantypes.Tool, 10, 50, map[string]string{
		spantypes.KeySpanInputs:  js(XSS[3]),
		spantypes.KeySpanOutputs: `{"html":` + js(XSS[4]) + `,"</script>":"<!--"}`,
	})
	b.T.Spans[child].Events = []tracedata.Event{{Name: XSS[0], TimeUnixNano: b.T.Spans[child].StartTimeUnixNano, Attributes: map[string]any{"x": XSS[1]}}}
	b.T.Info.Tags[XSS[1]] = XSS[3]
	b.T.Info.Tags["note"] = XSS[4]
	b.T.Info.Metadata[spantypes.MetaSession] = XSS[1]
	return b.Finish(XSS[1], XSS[3])
}

// SessionTraces are the turns of one chat session, a minute apart.
func SessionTraces(firstN int, session string, offsetMS int64, turns ...[2]string) []*tracedata.Trace {
	var out []*tracedata.Trace
	for i, t := range turns {
		b := NewTrace(firstN+i, "chat-turn", offsetMS+int64(i)*60000)
		b.Span(-1, "chat-turn", spantypes.ChatModel, 0, 300, map[string]string{
			spantypes.KeySpanInputs:  js(map[string]any{"messages": []any{map[string]any{"role": "user", "content": t[0]}}}),
			spantypes.KeySpanOutputs: js(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": t[1]}}}}),
		})
		b.T.Info.Metadata[spantypes.MetaSession] = session
		out = append(out, b.Finish(t[0], t[1]))
	}
	return out
}

// WideTrace has spans spans: a root with a fan of chains, each with model and tool calls.
func WideTrace(n, spans int) *tracedata.Trace {
	b := NewTrace(n, "big-run", 0)
	root := b.Span(-1, "big-run", spantypes.Agent, 0, float64(spans), map[string]string{spantypes.KeySpanInputs: `{"task":"many steps"}`})
	parent := root
	for i := 1; i < spans; i++ {
		switch {
		case i%10 == 1:
			parent = b.Span(root, "step-"+strconv.Itoa(i/10), spantypes.Chain, float64(i), 10, nil)
		case i%2 == 0:
			b.Span(parent, "chat", spantypes.ChatModel, float64(i)+0.1, 0.5, map[string]string{
				spantypes.KeySpanInputs: `{"messages":[{"role":"user","content":"step ` + strconv.Itoa(i) + `"}]}`, spantypes.KeyChatTokenUsage: `{"input_tokens":5,"output_tokens":3,"total_tokens":8}`,
			})
		default:
			b.Span(parent, "tool", spantypes.Tool, float64(i)+0.6, 0.3, map[string]string{spantypes.KeySpanInputs: `{"i":` + strconv.Itoa(i) + `}`})
		}
	}
	return b.Finish(`{"task":"many steps"}`, "")
}

// SeedDemo writes the demo set: agent runs, a session of three turns, and optionally the
// XSS trace. It returns the ids by role.
func SeedDemo(ctx context.Context, st *store.Store, withXSS bool) (map[string]string, error) {
	ids := map[string]string{}
	var traces []*tracedata.Trace
	a := AgentTrace(0, 0, "What's the weather in Paris?")
	b := AgentTrace(1, 120000, "Weather in Paris tomorrow?")
	// A slower second run, for compare: its last model call (and so the run) takes 900 ms more.
	b.Spans[len(b.Spans)-1].EndTimeUnixNano += 900e6
	b.Spans[0].EndTimeUnixNano += 900e6
	b.Info.ExecutionTimeMS += 900
	b.Info.Tags["env"] = "prod"
	traces = append(traces, a, b)
	ids["agent"], ids["agent2"] = a.Info.TraceID, b.Info.TraceID
	sess := SessionTraces(10, "chat-42", 300000,
		[2]string{"Hi! Can you plan a trip to Lisbon?", "Sure: when do you want to go?"},
		[2]string{"In May, for four days.", "May is lovely. Day 1: Alfama and the castle..."},
		[2]string{"And a budget?", "Around 600 EUR without flights."})
	traces = append(traces, sess...)
	ids["session"], ids["session_trace"] = "chat-42", sess[0].Info.TraceID
	if withXSS {
		x := XSSTrace(20, 400000)
		traces = append(traces, x)
		ids["xss"] = x.Info.TraceID
	}
	return ids, st.ExportBatch(ctx, traces)
}
