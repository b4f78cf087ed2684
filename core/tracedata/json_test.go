package tracedata_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

const (
	jsonOTelID  = "0123456789abcdef0123456789abcdef"
	jsonTraceID = "tr-" + jsonOTelID
	jsonRootID  = "a000000000000001"
	jsonToolID  = "b000000000000002"
	jsonChatID  = "c000000000000003"
	// jsonTimestampMS is 2023-11-14T22:13:20.123Z.
	jsonTimestampMS = 1700000000123
)

// everyKindAttrs holds an event or link attribute of every supported kind.
func everyKindAttrs() map[string]any {
	return map[string]any{
		"str":          "héllo 世界 <b>&amp;</b>",
		"empty_str":    "",
		"bool_true":    true,
		"bool_false":   false,
		"int":          int64(42),
		"int_neg":      int64(-7),
		"int_zero":     int64(0),
		"int_max":      int64(math.MaxInt64),
		"int_min":      int64(math.MinInt64),
		"float":        3.25,
		"float_two":    2.0,
		"float_tiny":   1e-7,
		"float_big":    1e21,
		"float_neg":    -0.5,
		"float_zero":   0.0,
		"strings":      []string{"a", "<b>", "héllo 世界"},
		"ints":         []int64{1, -2, math.MaxInt64},
		"floats":       []float64{1.5, 2.0, 1e-7},
		"floats_whole": []float64{2, 3},
		"bools":        []bool{true, false, true},
	}
}

// sampleTrace builds a trace of a root AGENT span with a TOOL child (error, events, link)
// and a CHAT_MODEL child (usage, chunk event).
func sampleTrace() tracedata.Trace {
	return tracedata.Trace{
		Info: tracedata.TraceInfo{
			TraceID:         jsonTraceID,
			ClientRequestID: "req-42",
			ExperimentID:    "7",
			TimestampMS:     jsonTimestampMS,
			ExecutionTimeMS: 1500,
			State:           tracedata.StateError,
			RequestPreview:  "héllo 世界 <b>&</b>",
			ResponsePreview: "done & dusted <ok>",
			Metadata: map[string]string{
				spantypes.MetaSchemaVersion: "3",
				spantypes.MetaTraceInputs:   `{"q":"héllo 世界 <b>&</b>"}`,
				spantypes.MetaTokenUsage:    `{"input_tokens":10,"output_tokens":20,"total_tokens":30}`,
			},
			Tags: map[string]string{
				spantypes.TagTraceName: "agent",
				"team":                 "<search & rescue>",
			},
		},
		Spans: []tracedata.Span{
			{
				TraceID:           jsonTraceID,
				SpanID:            jsonRootID,
				Name:              "agent",
				StartTimeUnixNano: 1700000000123000000,
				EndTimeUnixNano:   1700000001623000000,
				Status:            tracedata.Status{Code: tracedata.StatusOK},
				Attributes: map[string]string{
					spantypes.KeySpanType:         `"AGENT"`,
					spantypes.KeySpanInputs:       `{"q":"héllo 世界 <b>&</b>"}`,
					spantypes.KeySpanOutputs:      `"done & dusted <ok>"`,
					spantypes.KeySpanFunctionName: `"main.run"`,
				},
				Links: []tracedata.Link{{
					TraceID:    "fedcba9876543210fedcba9876543210",
					SpanID:     "1122334455667788",
					Attributes: map[string]any{"link.kind": "parent", "n": int64(1), "w": 0.5},
				}},
			},
			{
				TraceID:           jsonTraceID,
				SpanID:            jsonToolID,
				ParentID:          jsonRootID,
				Name:              "search",
				StartTimeUnixNano: 1700000000200000000,
				EndTimeUnixNano:   1700000000300000000,
				Status: tracedata.Status{
					Code:    tracedata.StatusError,
					Message: "*fs.PathError: open <x>: no such file",
				},
				Attributes: map[string]string{
					spantypes.KeySpanType:   `"TOOL"`,
					spantypes.KeySpanInputs: `{"path":"<x>","n":3}`,
				},
				Events: []tracedata.Event{
					{Name: "kinds", TimeUnixNano: 1700000000250000000, Attributes: everyKindAttrs()},
					{
						Name:         spantypes.ExceptionEventName,
						TimeUnixNano: 1700000000299000000,
						Attributes: map[string]any{
							spantypes.KeyExceptionType:    "*fs.PathError",
							spantypes.KeyExceptionMessage: "open <x>: no such file",
						},
					},
					{Name: "no attributes", TimeUnixNano: 1700000000299500000},
				},
				Links: []tracedata.Link{{
					TraceID:    jsonOTelID,
					SpanID:     jsonChatID,
					Attributes: everyKindAttrs(),
				}},
			},
			{
				TraceID:           jsonTraceID,
				SpanID:            jsonChatID,
				ParentID:          jsonRootID,
				Name:              "chat",
				StartTimeUnixNano: 1700000000400000000,
				EndTimeUnixNano:   1700000001500000000,
				Status:            tracedata.Status{Code: tracedata.StatusUnset},
				Attributes: map[string]string{
					spantypes.KeySpanType:       `"CHAT_MODEL"`,
					spantypes.KeyChatTokenUsage: `{"input_tokens":10,"output_tokens":20,"total_tokens":30}`,
					spantypes.KeySpanOutputs:    `{"choices":[{"message":{"role":"assistant","content":"héllo 世界"}}]}`,
				},
				Events: []tracedata.Event{{
					Name:         spantypes.ChunkEventPrefix + "0",
					TimeUnixNano: 1700000001000000000,
					Attributes:   map[string]any{spantypes.KeyChunkValue: `{"delta":"<é>"}`},
				}},
			},
		},
	}
}

// encodeNoEscape encodes v with an Encoder that does not escape HTML.
func encodeNoEscape(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}

func TestTraceJSONRoundTripLossless(t *testing.T) {
	orig := sampleTrace()

	encoders := []struct {
		name   string
		encode func(t *testing.T, tr tracedata.Trace) []byte
	}{
		{"json.Marshal", func(t *testing.T, tr tracedata.Trace) []byte {
			b, err := json.Marshal(tr)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			return b
		}},
		{"json.Marshal pointer", func(t *testing.T, tr tracedata.Trace) []byte {
			b, err := json.Marshal(&tr)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			return b
		}},
		{"MarshalJSON", func(t *testing.T, tr tracedata.Trace) []byte {
			b, err := tr.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			return b
		}},
		{"Encoder without HTML escaping", func(t *testing.T, tr tracedata.Trace) []byte {
			return encodeNoEscape(t, tr)
		}},
	}
	for _, enc := range encoders {
		t.Run(enc.name, func(t *testing.T) {
			b := enc.encode(t, orig)
			if !json.Valid(b) {
				t.Fatalf("output is not valid JSON: %s", b)
			}
			var got tracedata.Trace
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(got, orig) {
				t.Errorf("round trip differs\n got: %#v\nwant: %#v", got, orig)
			}
			// The original must not have been modified (e.g. by adding mlflow.traceRequestId).
			if !reflect.DeepEqual(orig, sampleTrace()) {
				t.Errorf("marshalling modified the trace: %#v", orig)
			}
			// A second encoding of the decoded trace is byte-identical.
			b2 := enc.encode(t, got)
			if !bytes.Equal(b, b2) {
				t.Errorf("re-encoding differs\nfirst:  %s\nsecond: %s", b, b2)
			}
		})
	}
}

func TestTraceJSONNonASCIIAndHTMLUnescaped(t *testing.T) {
	tr := sampleTrace()
	direct, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"MarshalJSON":                   direct,
		"Encoder without HTML escaping": encodeNoEscape(t, tr),
	} {
		t.Run(name, func(t *testing.T) {
			s := string(b)
			for _, want := range []string{
				`héllo 世界 <b>&</b>`,
				`"team":"<search & rescue>"`,
				`"message":"*fs.PathError: open <x>: no such file"`,
				`"str":"héllo 世界 <b>&amp;</b>"`,
				`"mlflow.spanOutputs":"\"done & dusted <ok>\""`,
			} {
				if !strings.Contains(s, want) {
					t.Errorf("output lacks %s\n%s", want, s)
				}
			}
			for _, bad := range []string{`\u003c`, `\u003e`, `\u0026`, `\u00e9`, `\u4e16`} {
				if strings.Contains(s, bad) {
					t.Errorf("output contains escape %s\n%s", bad, s)
				}
			}
		})
	}

	// json.Marshal re-compacts the output of a MarshalJSON method with HTML escaping on
	// (encoding/json behaviour that a MarshalJSON method cannot turn off): <, > and & come
	// out as \u003c, \u003e, \u0026. Non-ASCII text stays unescaped, and decoding restores
	// the exact text.
	t.Run("json.Marshal", func(t *testing.T) {
		b, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.Contains(s, `héllo 世界`) {
			t.Errorf("non-ASCII text escaped: %s", s)
		}
		if !strings.Contains(s, `héllo 世界 \u003cb\u003e\u0026\u003c/b\u003e`) {
			t.Errorf("expected encoding/json to HTML-escape the output of json.Marshal: %s", s)
		}
		// Both encodings are the same JSON value.
		if !bytes.Equal(compactJSON(t, b), compactJSON(t, direct)) {
			t.Errorf("json.Marshal and MarshalJSON encode different values\n%s\n%s", b, direct)
		}
	})
}

// compactJSON re-encodes b canonically (sorted keys, HTML escaped) for comparison.
func compactJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeObject(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, raw)
	}
	return m
}

func keysOf(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func requireKeys(t *testing.T, what string, m map[string]json.RawMessage, want ...string) {
	t.Helper()
	got := map[string]bool{}
	for k := range m {
		got[k] = true
	}
	wantSet := map[string]bool{}
	for _, k := range want {
		wantSet[k] = true
	}
	if !reflect.DeepEqual(got, wantSet) {
		t.Errorf("%s keys = %v, want %v", what, keysOf(m), want)
	}
}

func TestTraceJSONShape(t *testing.T) {
	b, err := json.Marshal(sampleTrace())
	if err != nil {
		t.Fatal(err)
	}
	top := decodeObject(t, b)
	requireKeys(t, "top-level", top, "info", "data")

	t.Run("info", func(t *testing.T) {
		info := decodeObject(t, top["info"])
		requireKeys(t, "info", info, "trace_id", "client_request_id", "trace_location",
			"request_time", "execution_duration_ms", "state", "request_preview",
			"response_preview", "trace_metadata", "tags")
		checks := []struct {
			key, want string
		}{
			{"trace_id", `"` + jsonTraceID + `"`},
			{"client_request_id", `"req-42"`},
			{"trace_location", `{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"7"}}`},
			{"request_time", `"2023-11-14T22:13:20.123Z"`},
			{"execution_duration_ms", `1500`},
			{"state", `"ERROR"`},
			{"request_preview", `"héllo 世界 \u003cb\u003e\u0026\u003c/b\u003e"`},
		}
		for _, c := range checks {
			if got := string(info[c.key]); got != c.want {
				t.Errorf("info.%s = %s, want %s", c.key, got, c.want)
			}
		}
		var rt string
		if err := json.Unmarshal(info["request_time"], &rt); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(rt) {
			t.Errorf("request_time %q is not RFC3339 UTC with milliseconds", rt)
		}
		var dur any
		if err := json.Unmarshal(info["execution_duration_ms"], &dur); err != nil {
			t.Fatal(err)
		}
		if _, ok := dur.(float64); !ok {
			t.Errorf("execution_duration_ms is %T, want a JSON number", dur)
		}
		var md, tags map[string]string
		if err := json.Unmarshal(info["trace_metadata"], &md); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(info["tags"], &tags); err != nil {
			t.Fatal(err)
		}
		if want := sampleTrace().Info.Metadata; !reflect.DeepEqual(md, want) {
			t.Errorf("trace_metadata = %v, want %v", md, want)
		}
		if want := sampleTrace().Info.Tags; !reflect.DeepEqual(tags, want) {
			t.Errorf("tags = %v, want %v", tags, want)
		}
	})

	t.Run("spans", func(t *testing.T) {
		data := decodeObject(t, top["data"])
		requireKeys(t, "data", data, "spans")
		var spans []json.RawMessage
		if err := json.Unmarshal(data["spans"], &spans); err != nil {
			t.Fatalf("data.spans is not an array: %v: %s", err, data["spans"])
		}
		if len(spans) != 3 {
			t.Fatalf("len(data.spans) = %d, want 3", len(spans))
		}
		wantParents := []string{"null", `"` + jsonRootID + `"`, `"` + jsonRootID + `"`}
		wantCodes := []string{`"OK"`, `"ERROR"`, `"UNSET"`}
		wantIDs := []string{jsonRootID, jsonToolID, jsonChatID}
		for i, raw := range spans {
			s := decodeObject(t, raw)
			keys := []string{"trace_id", "span_id", "parent_span_id", "name",
				"start_time_unix_nano", "end_time_unix_nano", "events", "status",
				"attributes", "otel_trace_id"}
			if i < 2 {
				keys = append(keys, "links")
			}
			requireKeys(t, "span "+strconv.Itoa(i), s, keys...)
			if got := string(s["span_id"]); got != `"`+wantIDs[i]+`"` {
				t.Errorf("span %d span_id = %s", i, got)
			}
			if got := string(s["trace_id"]); got != `"`+jsonTraceID+`"` {
				t.Errorf("span %d trace_id = %s", i, got)
			}
			if got := string(s["parent_span_id"]); got != wantParents[i] {
				t.Errorf("span %d parent_span_id = %s, want %s", i, got, wantParents[i])
			}
			if got := string(s["otel_trace_id"]); got != `"`+jsonOTelID+`"` {
				t.Errorf("span %d otel_trace_id = %s, want %q", i, got, jsonOTelID)
			}
			status := decodeObject(t, s["status"])
			if got := string(status["code"]); got != wantCodes[i] {
				t.Errorf("span %d status.code = %s, want %s", i, got, wantCodes[i])
			}
			var attrs map[string]string
			if err := json.Unmarshal(s["attributes"], &attrs); err != nil {
				t.Fatalf("span %d attributes are not strings: %v", i, err)
			}
			if got, want := attrs[spantypes.KeyTraceRequestID], `"`+jsonTraceID+`"`; got != want {
				t.Errorf("span %d attribute %s = %q, want %q", i, spantypes.KeyTraceRequestID, got, want)
			}
			var events []json.RawMessage
			if err := json.Unmarshal(s["events"], &events); err != nil || events == nil {
				t.Errorf("span %d events is not an array: %s", i, s["events"])
			}
		}
		// Every other attribute is carried as-is.
		var tool map[string]json.RawMessage = decodeObject(t, spans[1])
		var attrs map[string]string
		_ = json.Unmarshal(tool["attributes"], &attrs)
		if got := attrs[spantypes.KeySpanInputs]; got != `{"path":"<x>","n":3}` {
			t.Errorf("tool inputs = %q", got)
		}
		if got := string(tool["start_time_unix_nano"]); got != "1700000000200000000" {
			t.Errorf("tool start_time_unix_nano = %s", got)
		}
		status := decodeObject(t, tool["status"])
		if got := string(status["message"]); got != `"*fs.PathError: open \u003cx\u003e: no such file"` {
			t.Errorf("tool status.message = %s", got)
		}
	})

	t.Run("event attributes", func(t *testing.T) {
		tr := sampleTrace()
		b, err := tr.Spans[1].Events[0].MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		ev := decodeObject(t, b)
		attrs := decodeObject(t, ev["attributes"])
		want := map[string]string{
			"str":          `"héllo 世界 <b>&amp;</b>"`,
			"bool_true":    `true`,
			"int":          `42`,
			"int_max":      `9223372036854775807`,
			"int_min":      `-9223372036854775808`,
			"float":        `3.25`,
			"float_two":    `2.0`,
			"float_tiny":   `1e-07`,
			"float_big":    `1e+21`,
			"float_zero":   `0.0`,
			"strings":      `["a","<b>","héllo 世界"]`,
			"ints":         `[1,-2,9223372036854775807]`,
			"floats":       `[1.5,2.0,1e-07]`,
			"floats_whole": `[2.0,3.0]`,
			"bools":        `[true,false,true]`,
		}
		for k, w := range want {
			if got := string(attrs[k]); got != w {
				t.Errorf("event attribute %s = %s, want %s", k, got, w)
			}
		}
		if got := string(ev["time_unix_nano"]); got != "1700000000250000000" {
			t.Errorf("time_unix_nano = %s", got)
		}
	})
}

func TestTraceJSONTraceRequestIDAttribute(t *testing.T) {
	t.Run("added on marshal, removed on unmarshal", func(t *testing.T) {
		s := tracedata.Span{TraceID: jsonTraceID, SpanID: jsonRootID, Attributes: map[string]string{"k": `"v"`}}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Attributes[spantypes.KeyTraceRequestID]; ok {
			t.Errorf("marshal added the attribute to the in-memory span")
		}
		m := decodeObject(t, b)
		if got, want := string(m["attributes"]), `{"k":"\"v\"","mlflow.traceRequestId":"\"`+jsonTraceID+`\""}`; got != want {
			t.Errorf("attributes = %s, want %s", got, want)
		}
		var back tracedata.Span
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("round trip = %#v, want %#v", back, s)
		}
	})
	t.Run("a different value is kept", func(t *testing.T) {
		s := tracedata.Span{TraceID: jsonTraceID, SpanID: jsonRootID,
			Attributes: map[string]string{spantypes.KeyTraceRequestID: `"tr-other"`}}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back tracedata.Span
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("round trip = %#v, want %#v", back, s)
		}
	})
	t.Run("no trace id, no attribute", func(t *testing.T) {
		b, err := json.Marshal(tracedata.Span{SpanID: jsonRootID})
		if err != nil {
			t.Fatal(err)
		}
		m := decodeObject(t, b)
		if got := string(m["attributes"]); got != `{}` {
			t.Errorf("attributes = %s, want {}", got)
		}
		if got := string(m["events"]); got != `[]` {
			t.Errorf("events = %s, want []", got)
		}
		if _, ok := m["links"]; ok {
			t.Errorf("links present without links: %s", b)
		}
		if _, ok := m["otel_trace_id"]; ok {
			t.Errorf("otel_trace_id present without trace id: %s", b)
		}
	})
}

func TestTraceJSONEmptyTrace(t *testing.T) {
	b, err := json.Marshal(tracedata.Trace{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"info":{"trace_id":"","trace_location":{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":""}},"request_time":"1970-01-01T00:00:00.000Z","execution_duration_ms":0,"state":""},"data":{"spans":[]}}`
	if string(b) != want {
		t.Errorf("empty trace\n got: %s\nwant: %s", b, want)
	}
	var back tracedata.Trace
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Info, tracedata.TraceInfo{}) || len(back.Spans) != 0 {
		t.Errorf("round trip of empty trace = %#v", back)
	}
}

// A span without attributes is common (a span that recorded nothing). Its round trip
// should give back nil attributes, as it does for nil events.
func TestTraceJSONRoundTripNilAttributes(t *testing.T) {
	cases := []struct {
		name string
		span tracedata.Span
	}{
		{"with trace id", tracedata.Span{TraceID: jsonTraceID, SpanID: jsonRootID, Name: "bare"}},
		{"without trace id", tracedata.Span{SpanID: jsonRootID, Name: "bare"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.span)
			if err != nil {
				t.Fatal(err)
			}
			var back tracedata.Span
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c.span) {
				t.Errorf("round trip of %s\n got: %#v\nwant: %#v", b, back, c.span)
			}
		})
	}
}

func TestTraceJSONRequestTime(t *testing.T) {
	cases := []struct {
		name, requestTime string
		wantMS            int64
	}{
		{"UTC with milliseconds", "2023-11-14T22:13:20.123Z", jsonTimestampMS},
		{"offset", "2023-11-14T23:13:20.123+01:00", jsonTimestampMS},
		{"no fraction", "2023-11-14T22:13:20Z", 1700000000000},
		{"nanoseconds truncated", "2023-11-14T22:13:20.123999999Z", jsonTimestampMS},
		{"missing", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			js := `{"info":{"trace_id":"tr-1","request_time":` + strconv.Quote(c.requestTime) + `},"data":{"spans":[]}}`
			if c.requestTime == "" {
				js = `{"info":{"trace_id":"tr-1"},"data":{"spans":[]}}`
			}
			var tr tracedata.Trace
			if err := json.Unmarshal([]byte(js), &tr); err != nil {
				t.Fatalf("Unmarshal(%s): %v", js, err)
			}
			if tr.Info.TimestampMS != c.wantMS {
				t.Errorf("TimestampMS = %d, want %d", tr.Info.TimestampMS, c.wantMS)
			}
		})
	}
}

func TestTraceJSONUnmarshalErrors(t *testing.T) {
	cases := []struct {
		name, js, wantErr string
	}{
		{"empty input", ``, "unexpected end of JSON input"},
		{"truncated", `{"info":{"trace_id":"tr-1"`, "unexpected end of JSON input"},
		{"not an object", `[1,2]`, "cannot unmarshal array"},
		{"garbage", `{info}`, "invalid character"},
		{"bad request_time", `{"info":{"trace_id":"tr-1","request_time":"yesterday"}}`, `tracedata: trace "tr-1": bad request_time`},
		{"request_time without zone", `{"info":{"trace_id":"tr-1","request_time":"2023-11-14 22:13:20"}}`, "bad request_time"},
		{"request_time not a string", `{"info":{"request_time":1700000000123}}`, "cannot unmarshal number"},
		{"spans not an array", `{"data":{"spans":{}}}`, "cannot unmarshal object"},
		{"span attribute not a string", `{"data":{"spans":[{"attributes":{"a":1}}]}}`, "cannot unmarshal number"},
		{"span id not a string", `{"data":{"spans":[{"span_id":1}]}}`, "cannot unmarshal number"},
		{"mixed event array", `{"data":{"spans":[{"events":[{"name":"e","attributes":{"x":[1,"a"]}}]}]}}`, `tracedata: event "e": attribute "x": mixed array`},
		{"nested event array", `{"data":{"spans":[{"events":[{"name":"e","attributes":{"x":[[1]]}}]}]}}`, "unsupported array element"},
		{"event int overflow", `{"data":{"spans":[{"events":[{"name":"e","attributes":{"x":99999999999999999999}}]}]}}`, "out of range"},
		{"mixed link array", `{"data":{"spans":[{"links":[{"span_id":"s","attributes":{"x":[true,1]}}]}]}}`, "tracedata: link to s: attribute \"x\": mixed array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tr tracedata.Trace
			err := json.Unmarshal([]byte(c.js), &tr)
			if err == nil {
				t.Fatalf("Unmarshal(%s) succeeded: %#v", c.js, tr)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Unmarshal(%s) error = %q, want it to contain %q", c.js, err, c.wantErr)
			}
		})
	}

	t.Run("TraceInfo bad request_time", func(t *testing.T) {
		var info tracedata.TraceInfo
		err := json.Unmarshal([]byte(`{"trace_id":"tr-2","request_time":"2023-13-45T00:00:00Z"}`), &info)
		if err == nil || !strings.Contains(err.Error(), `trace "tr-2": bad request_time`) {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("Span malformed", func(t *testing.T) {
		var s tracedata.Span
		if err := json.Unmarshal([]byte(`{"span_id":`), &s); err == nil {
			t.Errorf("no error")
		}
	})
	t.Run("Event malformed", func(t *testing.T) {
		var e tracedata.Event
		if err := json.Unmarshal([]byte(`{"name":"x","attributes":{"a":[{}]}}`), &e); err == nil {
			t.Errorf("no error for an array of objects")
		}
	})
}

func TestTraceInfoJSONRoundTrip(t *testing.T) {
	info := sampleTrace().Info
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var back tracedata.TraceInfo
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, info) {
		t.Errorf("round trip\n got: %#v\nwant: %#v", back, info)
	}
	m := decodeObject(t, b)
	if got := string(m["request_time"]); got != `"2023-11-14T22:13:20.123Z"` {
		t.Errorf("request_time = %s", got)
	}
}

func TestTraceJSONEventAttributeDecoding(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want any
	}{
		{"string", `"x"`, "x"},
		{"true", `true`, true},
		{"int", `12`, int64(12)},
		{"negative int", `-12`, int64(-12)},
		{"float with point", `12.0`, 12.0},
		{"float with exponent", `1e3`, 1000.0},
		{"float with capital exponent", `1E-7`, 1e-7},
		{"string array", `["a","b"]`, []string{"a", "b"}},
		{"int array", `[1,2]`, []int64{1, 2}},
		{"float array with one float", `[1,2.5]`, []float64{1, 2.5}},
		{"bool array", `[false]`, []bool{false}},
		{"empty array", `[]`, []string{}},
		{"NaN written as string", `"NaN"`, "NaN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e tracedata.Event
			js := `{"name":"e","time_unix_nano":1,"attributes":{"v":` + c.raw + `}}`
			if err := json.Unmarshal([]byte(js), &e); err != nil {
				t.Fatalf("Unmarshal(%s): %v", js, err)
			}
			if got := e.Attributes["v"]; !reflect.DeepEqual(got, c.want) {
				t.Errorf("attribute = %#v (%T), want %#v (%T)", got, got, c.want, c.want)
			}
		})
	}

	t.Run("NaN and infinities marshal as strings", func(t *testing.T) {
		e := tracedata.Event{Name: "e", Attributes: map[string]any{
			"nan": math.NaN(), "inf": math.Inf(1), "ninf": math.Inf(-1),
		}}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"name":"e","time_unix_nano":0,"attributes":{"inf":"+Inf","nan":"NaN","ninf":"-Inf"}}`
		if string(b) != want {
			t.Errorf("got %s, want %s", b, want)
		}
	})
}
