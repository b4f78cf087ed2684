package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
	agtest "github.com/agentlens/agentlens/tracetest"
)

func TestUpdateCurrentTraceFromGrandchild(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "chat", core.WithInputs(map[string]any{
		"messages": []map[string]string{{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}},
	}))
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{Tags: map[string]string{"env": "dev", "team": "a"}})
	cctx, child := core.StartSpan(ctx, "child")
	gctx, grandchild := core.StartSpan(cctx, "grandchild")
	core.UpdateCurrentTrace(gctx, core.TraceUpdate{
		Tags:            map[string]string{"team": "b"},
		Metadata:        map[string]string{"app.version": "1.2"},
		SessionID:       "session-9",
		User:            "ada",
		ClientRequestID: "req-42",
	})
	grandchild.End()
	child.End()
	root.SetOutputs(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "hello!"}}}})
	root.End()

	info := rec.LastTrace().Info
	wantTags := map[string]string{"env": "dev", "team": "b", spantypes.TagTraceName: "chat"}
	if !reflect.DeepEqual(info.Tags, wantTags) {
		t.Errorf("tags = %v, want %v", info.Tags, wantTags)
	}
	for k, want := range map[string]string{
		"app.version":               "1.2",
		spantypes.MetaSession:       "session-9",
		spantypes.MetaUser:          "ada",
		spantypes.MetaSchemaVersion: "3",
		spantypes.MetaTraceInputs:   `{"messages":[{"content":"be brief","role":"system"},{"content":"hi there","role":"user"}]}`,
	} {
		if got := info.Metadata[k]; got != want {
			t.Errorf("metadata[%s] = %q, want %q", k, got, want)
		}
	}
	if info.ClientRequestID != "req-42" || info.RequestPreview != "hi there" || info.ResponsePreview != "hello!" {
		t.Errorf("info = %+v", info)
	}
	var stats map[string]int
	if err := json.Unmarshal([]byte(info.Metadata[spantypes.MetaSizeStats]), &stats); err != nil || stats["num_spans"] != 3 || stats["total_size_bytes"] <= stats["max"] {
		t.Errorf("size stats = %s (%v)", info.Metadata[spantypes.MetaSizeStats], err)
	}
}

func TestUpdateCurrentTraceOverridesPreviewsAndState(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "r", core.WithInputs("in"))
	core.UpdateCurrentTrace(ctx, core.TraceUpdate{RequestPreview: "custom req", ResponsePreview: "custom resp", State: tracedata.StateError})
	root.End()
	info := rec.LastTrace().Info
	if info.RequestPreview != "custom req" || info.ResponsePreview != "custom resp" || info.State != tracedata.StateError {
		t.Errorf("info = %+v", info)
	}
	// Without an active trace it does nothing and does not panic.
	core.UpdateCurrentTrace(context.Background(), core.TraceUpdate{Tags: map[string]string{"a": "b"}})
}

func TestTraceTokenUsageCountsOnce(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "agent", core.WithSpanType(spantypes.Agent))
	cctx, llm := core.StartSpan(ctx, "llm wrapper", core.WithSpanType(spantypes.ChatModel))
	llm.SetTokenUsage(core.TokenUsage{InputTokens: 10, OutputTokens: 5})
	_, http := core.StartSpan(cctx, "http call", core.WithSpanType(spantypes.ChatModel))
	http.SetTokenUsage(core.TokenUsage{InputTokens: 10, OutputTokens: 5})
	http.End()
	llm.End()
	_, llm2 := core.StartSpan(ctx, "second call", core.WithSpanType(spantypes.ChatModel))
	llm2.SetTokenUsage(core.TokenUsage{InputTokens: 1, OutputTokens: 2, TotalTokens: 3})
	llm2.End()
	root.End()

	tr := rec.LastTrace()
	if got := tr.Info.Metadata[spantypes.MetaTokenUsage]; got != `{"input_tokens":11,"output_tokens":7,"total_tokens":18}` {
		t.Errorf("trace token usage = %s", got)
	}
	s := tr.SearchSpans(core.SpanQuery{Name: "llm wrapper"})[0]
	if s.Attributes[spantypes.KeyChatTokenUsage] != `{"input_tokens":10,"output_tokens":5,"total_tokens":15}` ||
		s.Attributes[spantypes.KeyGenAIUsageInputTokens] != "10" || s.Attributes[spantypes.KeyGenAIUsageOutputTokens] != "5" {
		t.Errorf("span usage attributes = %v", s.Attributes)
	}
}

func TestLastActiveTraceIDAndGetTrace(t *testing.T) {
	rec := agtest.Capture(t)
	_, span := core.StartSpan(context.Background(), "first")
	span.End()
	id := sdk.LastActiveTraceID()
	if id != span.TraceID() {
		t.Fatalf("LastActiveTraceID = %q, want %q", id, span.TraceID())
	}
	got, err := sdk.GetTrace(context.Background(), id)
	if err != nil || got.Info.TraceID != id || got.RootSpan().Name != "first" {
		t.Fatalf("GetTrace = %+v, %v", got, err)
	}
	if _, err := sdk.GetTrace(context.Background(), "tr-00000000000000000000000000000000"); !errors.Is(err, sdk.ErrTraceNotFound) {
		t.Errorf("unknown id: err = %v", err)
	}
	_ = rec
}

func TestDisableEnable(t *testing.T) {
	rec := agtest.Capture(t)
	sdk.Disable()
	if sdk.Enabled() {
		t.Fatal("Enabled after Disable")
	}
	ctx, span := core.StartSpan(context.Background(), "off")
	if span.IsRecording() || ctx != context.Background() {
		t.Error("disabled StartSpan recorded or changed the context")
	}
	span.End()
	sdk.Enable()
	_, span = core.StartSpan(context.Background(), "on")
	span.End()
	traces := rec.Traces()
	if len(traces) != 1 || traces[0].RootSpan().Name != "on" {
		t.Fatalf("traces = %d", len(traces))
	}
}

func TestSampling(t *testing.T) {
	for _, tt := range []struct {
		ratio    float64
		n        int
		min, max int
	}{
		{0, 200, 0, 0},
		{1, 200, 200, 200},
		{0.5, 2000, 900, 1100},
	} {
		t.Run("", func(t *testing.T) {
			rec := agtest.Capture(t, sdk.WithSamplingRatio(tt.ratio), sdk.WithQueueSize(4096))
			for range tt.n {
				ctx, root := core.StartSpan(context.Background(), "root")
				_, child := core.StartSpan(ctx, "child")
				if child.IsRecording() != root.IsRecording() {
					t.Fatal("child sampled differently from its root")
				}
				child.End()
				root.End()
			}
			traces := rec.Traces()
			if len(traces) < tt.min || len(traces) > tt.max {
				t.Fatalf("ratio %v: %d of %d traces kept, want %d..%d", tt.ratio, len(traces), tt.n, tt.min, tt.max)
			}
			for _, tr := range traces {
				if len(tr.Spans) != 2 {
					t.Fatalf("sampled trace has %d spans", len(tr.Spans))
				}
			}
		})
	}
	if _, err := sdk.Override(sdk.WithSamplingRatio(math.NaN())); err == nil {
		t.Error("NaN sampling ratio accepted")
	}
}

func TestSizeStatsMatchEncoding(t *testing.T) {
	rec := agtest.Capture(t)
	ctx, root := core.StartSpan(context.Background(), "root", core.WithInputs(map[string]any{"q": "héllo \"x\""}))
	for range core.Seq(ctx, "stream", tokens("a", "b\n")) {
	}
	_, c := core.StartSpan(ctx, "child")
	c.RecordError(errors.New("bad"))
	c.End()
	root.End()
	tr := rec.LastTrace()
	var stats map[string]int
	if err := json.Unmarshal([]byte(tr.Info.Metadata[spantypes.MetaSizeStats]), &stats); err != nil {
		t.Fatal(err)
	}
	maxSpan := 0
	for i := range tr.Spans {
		maxSpan = max(maxSpan, len(tr.Spans[i].AppendJSON(nil)))
	}
	// The total was measured before the size stats were added to the metadata.
	withoutStats := *tr
	withoutStats.Info.Metadata = map[string]string{}
	for k, v := range tr.Info.Metadata {
		if k != spantypes.MetaSizeStats {
			withoutStats.Info.Metadata[k] = v
		}
	}
	if stats["num_spans"] != 3 || stats["max"] != maxSpan || stats["total_size_bytes"] != len(withoutStats.AppendJSON(nil)) {
		t.Errorf("size stats %v; max span %d, trace %d bytes", stats, maxSpan, len(withoutStats.AppendJSON(nil)))
	}
}
