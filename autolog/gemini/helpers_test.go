package gemini_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// modelSpan is what a model span must carry; empty fields must be absent.
type modelSpan struct {
	name, spanType                 string
	model, provider, genAIProvider string
	operation                      string
	responseModel, responseID      string
	finishReasons                  []string
	blockReason                    string
	usage                          *tracedata.TokenUsage
	inputs, outputs                string // JSON the span's must equal (as values); "" = absent
	tools                          string // JSON of mlflow.chat.tools; "" = absent
	status                         string // "OK" or "ERROR"
	errorMessage                   string // the status message of an ERROR span
	chunks                         int    // chunk events
	stream                         bool   // time to first token is set
}

func (w modelSpan) check(t *testing.T, s *tracedata.Span) {
	t.Helper()
	if s == nil {
		t.Fatal("no span")
	}
	if s.Name != w.name || s.SpanType() != w.spanType {
		t.Errorf("span %s %q, want %s %q", s.SpanType(), s.Name, w.spanType, w.name)
	}
	str := func(key, want string) {
		t.Helper()
		if got := s.StringAttribute(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	str(spantypes.KeyMessageFormat, "gemini")
	str(spantypes.KeyLLMModel, w.model)
	str(spantypes.KeyGenAIRequestModel, w.model)
	str(spantypes.KeyLLMProvider, w.provider)
	str(spantypes.KeyGenAIProviderName, w.genAIProvider)
	str(spantypes.KeyGenAIOperationName, w.operation)
	str(spantypes.KeyGenAIResponseModel, w.responseModel)
	str(spantypes.KeyGenAIResponseID, w.responseID)
	str(spantypes.KeyGeminiBlockReason, w.blockReason)
	var reasons []string
	if raw := s.Attribute(spantypes.KeyGenAIResponseFinishReasons); raw != nil {
		if err := json.Unmarshal(raw, &reasons); err != nil {
			t.Errorf("finish reasons %s: %v", raw, err)
		}
	}
	if !reflect.DeepEqual(reasons, w.finishReasons) {
		t.Errorf("finish reasons %q, want %q", reasons, w.finishReasons)
	}
	u, ok := s.TokenUsage()
	switch {
	case w.usage == nil && ok:
		t.Errorf("token usage %+v, want none", u)
	case w.usage != nil && (!ok || u != *w.usage):
		t.Errorf("token usage %+v (%v), want %+v", u, ok, *w.usage)
	}
	checkJSON(t, "inputs", s.Inputs(), w.inputs)
	checkJSON(t, "outputs", s.Outputs(), w.outputs)
	checkJSON(t, "tools", s.Attribute(spantypes.KeyChatTools), w.tools)
	status := w.status
	if status == "" {
		status = "OK"
	}
	if string(s.Status.Code) != status {
		t.Errorf("status %s %q, want %s", s.Status.Code, s.Status.Message, status)
	}
	if w.errorMessage != "" && s.Status.Message != w.errorMessage {
		t.Errorf("status message %q, want %q", s.Status.Message, w.errorMessage)
	}
	n := 0
	for _, ev := range s.Events {
		if strings.HasPrefix(ev.Name, spantypes.ChunkEventPrefix) {
			n++
		}
	}
	if n != w.chunks {
		t.Errorf("%d chunk events, want %d", n, w.chunks)
	}
	if _, has := s.Attributes[spantypes.KeyTimeToFirstTokenMS]; has != w.stream {
		t.Errorf("time to first token set: %v, want %v", has, w.stream)
	}
}

func usage(in, out, total int64) *tracedata.TokenUsage {
	return &tracedata.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total}
}

// checkJSON fails unless got is the JSON value want ("" meaning absent).
func checkJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if want == "" {
		if got != nil {
			t.Errorf("%s = %s, want none", what, got)
		}
		return
	}
	if got == nil {
		t.Errorf("%s missing, want %s", what, oneLine(want))
		return
	}
	if !sameJSON(t, got, []byte(want)) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, compactJSON(t, want))
	}
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func sameJSON(t *testing.T, a, b []byte) bool {
	return reflect.DeepEqual(decodeJSON(t, a), decodeJSON(t, b))
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("compact: %v\n%s", err, s)
	}
	return b.String()
}

func spanQuery(typ string) tracedata.SpanQuery { return tracedata.SpanQuery{Type: typ} }

func chunkEvents(s *tracedata.Span) []tracedata.Event {
	var out []tracedata.Event
	for _, ev := range s.Events {
		if strings.HasPrefix(ev.Name, spantypes.ChunkEventPrefix) {
			out = append(out, ev)
		}
	}
	return out
}

func strconvItoa(n int) string { return strconv.Itoa(n) }

func asString(v any) string {
	s, _ := v.(string)
	return s
}
