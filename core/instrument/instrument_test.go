package instrument_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/instrument"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

func TestRawPayloads(t *testing.T) {
	for _, capture := range []bool{true, false} {
		t.Run(map[bool]string{true: "content captured", false: "content off"}[capture], func(t *testing.T) {
			rec := tracetest.Capture(t, sdk.WithCaptureContent(capture))
			_, span := core.StartSpan(context.Background(), "call")
			instrument.SetRawInputs(span, "{\n  \"model\": \"m\",\n  \"n\": 2\n}") // compacted on export
			instrument.SetRawOutputs(span, `{"ok":true}`)
			instrument.SetRawAttribute(span, "custom.raw", `[1,2]`)
			span.End()

			got := rec.LastTrace().RootSpan().Attributes
			want := map[string]string{spantypes.KeySpanType: `"UNKNOWN"`, "custom.raw": `[1,2]`}
			if capture {
				want[spantypes.KeySpanInputs] = `{"model":"m","n":2}`
				want[spantypes.KeySpanOutputs] = `{"ok":true}`
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("attributes %v\nwant %v", got, want)
			}
		})
	}
}

func TestOnExportCompletesTheFinishedSpan(t *testing.T) {
	rec := tracetest.Capture(t)
	_, span := core.StartSpan(context.Background(), "Completions", core.WithSpanType(spantypes.ChatModel),
		core.WithAttributes(map[string]any{"seen": "at start"}))
	start := time.Now()
	span.AddEvent("retry", nil)
	instrument.OnExport(span, func(s *instrument.FinishedSpan) {
		if v, ok := s.Attribute("seen"); !ok || v != `"at start"` {
			t.Errorf("Attribute(seen) = %q, %v", v, ok)
		}
		if _, ok := s.Attribute("missing"); ok {
			t.Error("Attribute(missing) found")
		}
		s.SetAttribute(spantypes.KeyGenAIResponseModel, "gpt-4o")
		s.SetRawAttribute(spantypes.KeyChatTools, `[{"type":"function"}]`)
		s.SetTokenUsage(core.TokenUsage{InputTokens: 3, OutputTokens: 4})
		// Chunks that arrived before and after the retry event.
		s.AddChunk(start.Add(-time.Millisecond), `{"delta":"a"}`)
		s.AddChunk(s.EndTime(), "")
		if s.Chunks() != 2 {
			t.Errorf("Chunks() = %d", s.Chunks())
		}
		s.RecordException("IncompleteStream", "cut off")
	})
	span.End()

	sp := rec.LastTrace().RootSpan()
	for k, want := range map[string]string{
		spantypes.KeyGenAIResponseModel:     `"gpt-4o"`,
		spantypes.KeyChatTools:              `[{"type":"function"}]`,
		spantypes.KeyChatTokenUsage:         `{"input_tokens":3,"output_tokens":4,"total_tokens":7}`,
		spantypes.KeyGenAIUsageInputTokens:  `3`,
		spantypes.KeyGenAIUsageOutputTokens: `4`,
	} {
		if got := sp.Attributes[k]; got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	var names []string
	for _, ev := range sp.Events {
		names = append(names, ev.Name)
	}
	if want := []string{"mlflow.chunk.item.0", "retry", "mlflow.chunk.item.1", "exception"}; !reflect.DeepEqual(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
	if got := sp.Events[0].Attributes[spantypes.KeyChunkValue]; got != `{"delta":"a"}` {
		t.Errorf("chunk value %v", got)
	}
	if sp.Events[2].Attributes != nil {
		t.Errorf("an empty chunk has attributes %v", sp.Events[2].Attributes)
	}
	if sp.Status.Message != "IncompleteStream: cut off" {
		t.Errorf("status %+v", sp.Status)
	}
}

func TestOnExportPanicIsReportedAndTheTraceKept(t *testing.T) {
	var logs bytes.Buffer
	rec := tracetest.Capture(t, sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	_, span := core.StartSpan(context.Background(), "call", core.WithInputs("q"))
	instrument.OnExport(span, func(s *instrument.FinishedSpan) { panic("boom") })
	span.End()
	if got := rec.LastTrace().RootSpan().Attributes[spantypes.KeySpanInputs]; got != `"q"` {
		t.Errorf("inputs %s", got)
	}
	if st := sdk.GetStats(); st.InternalErrors != 1 || st.Dropped != 0 {
		t.Errorf("stats %+v, want one internal error and nothing dropped", st)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}

func TestRecordException(t *testing.T) {
	rec := tracetest.Capture(t)
	_, span := core.StartSpan(context.Background(), "call")
	instrument.RecordException(span, "invalid_request_error", "bad model")
	span.End()
	sp := rec.LastTrace().RootSpan()
	if sp.Status.Message != "invalid_request_error: bad model" || len(sp.Events) != 1 {
		t.Fatalf("status %+v, %d events", sp.Status, len(sp.Events))
	}
	want := map[string]any{spantypes.KeyExceptionType: "invalid_request_error", spantypes.KeyExceptionMessage: "bad model"}
	if !reflect.DeepEqual(sp.Events[0].Attributes, want) {
		t.Errorf("exception event %v", sp.Events[0].Attributes)
	}
}

func TestTracingGate(t *testing.T) {
	tracetest.Capture(t)
	ctx := context.Background()
	if !instrument.Tracing(ctx) {
		t.Error("Tracing is false with an SDK installed")
	}
	if instrument.Tracing(core.Suppress(ctx)) {
		t.Error("Tracing is true under Suppress")
	}
	sdk.Disable()
	defer sdk.Enable()
	if instrument.Tracing(ctx) {
		t.Error("Tracing is true with tracing disabled")
	}
}

func TestReportErrorIsCountedAndLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	tracetest.Capture(t, sdk.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	instrument.ReportError("autolog/test", errors.New("unreadable response"))
	instrument.ReportError("autolog/test", errors.New("unreadable response"))
	instrument.ReportError("autolog/test", nil)
	if n := sdk.GetStats().InternalErrors; n != 2 {
		t.Errorf("%d internal errors, want 2", n)
	}
	if n := strings.Count(logs.String(), "unreadable response"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logs.String())
	}
}

func TestCaptureContent(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			tracetest.Capture(t, sdk.WithCaptureContent(on))
			if got := instrument.CaptureContent(); got != on {
				t.Errorf("CaptureContent() = %v with content capture %v", got, on)
			}
		})
	}
}

// A cost an adapter records on the export goroutine (a provider that reports it) is what
// the span keeps: the SDK's price table prices only spans without one.
func TestOnExportCostIsKeptOverPrices(t *testing.T) {
	rec := tracetest.Capture(t, sdk.WithModelPrices(map[string]sdk.ModelPrice{"gpt-4o": {InputPerMillion: 2.5, OutputPerMillion: 10}}))
	ctx, root := core.StartSpan(context.Background(), "agent")
	for _, name := range []string{"reported", "priced"} {
		_, span := core.StartSpan(ctx, name, core.WithSpanType(spantypes.ChatModel),
			core.WithAttributes(map[string]any{spantypes.KeyLLMModel: "gpt-4o"}))
		reported := name == "reported"
		instrument.OnExport(span, func(s *instrument.FinishedSpan) {
			s.SetTokenUsage(core.TokenUsage{InputTokens: 1000, OutputTokens: 500})
			if reported {
				s.SetCost(core.Cost{InputCost: 0.5, OutputCost: 0.25})
			}
		})
		span.End()
	}
	root.End()
	tr := rec.LastTrace()
	for name, want := range map[string]string{
		"reported": `{"input_cost":0.5,"output_cost":0.25,"total_cost":0.75}`,
		"priced":   `{"input_cost":0.0025,"output_cost":0.005,"total_cost":0.0075}`,
	} {
		if got := tr.SearchSpans(core.SpanQuery{Name: name})[0].Attributes[spantypes.KeyLLMCost]; got != want {
			t.Errorf("%s: cost %s, want %s", name, got, want)
		}
	}
}
