package gemini_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// Responses in the wire format of the Gemini API as genai reads it (string enums),
// generated for these tests.
const (
	plainResponse = `{
  "candidates": [{"content": {"parts": [{"text": "Paris is the capital of France."}], "role": "model"},
    "finishReason": "STOP", "avgLogprobs": -0.0421}],
  "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 7, "totalTokenCount": 35, "thoughtsTokenCount": 20,
    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}]},
  "modelVersion": "gemini-2.5-flash",
  "responseId": "kX4vaP2aBcDeFgHiJkLmNo"
}`
	weatherCallResponse = `{
  "candidates": [{"content": {"parts": [{"functionCall": {"id": "call-7f3a", "name": "get_weather", "args": {"city": "Paris"}}}], "role": "model"},
    "finishReason": "STOP"}],
  "usageMetadata": {"promptTokenCount": 41, "candidatesTokenCount": 6, "totalTokenCount": 47},
  "modelVersion": "gemini-2.0-flash",
  "responseId": "fc-1-aBcDeFgHiJk"
}`
	weatherAnswerResponse = `{
  "candidates": [{"content": {"parts": [{"text": "It is 18 °C and sunny in Paris."}], "role": "model"}, "finishReason": "STOP"}],
  "usageMetadata": {"promptTokenCount": 62, "candidatesTokenCount": 11, "totalTokenCount": 73},
  "modelVersion": "gemini-2.0-flash",
  "responseId": "fc-2-lMnOpQrStUv"
}`
)

func TestGenaiGenerateContent(t *testing.T) {
	fake, srv := newFake(t, reply{body: plainResponse})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	resp, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash",
		genai.Text("What is the capital of France?"), &genai.GenerateContentConfig{
			SystemInstruction: genai.NewContentFromText("Answer in one sentence.", genai.RoleUser),
			Temperature:       genai.Ptr[float32](0.2),
		})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text() != "Paris is the capital of France." {
		t.Errorf("text %q", resp.Text())
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	req := fake.requests()[0]
	if req.path != "/v1beta/models/gemini-2.5-flash:generateContent" {
		t.Errorf("path %s", req.path)
	}
	modelSpan{
		name: "Models.generate_content", spanType: spantypes.ChatModel,
		model: "gemini-2.5-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
		responseModel: "gemini-2.5-flash", responseID: "kX4vaP2aBcDeFgHiJkLmNo", finishReasons: []string{"STOP"},
		usage:  usage(8, 27, 35), // output: 7 candidates + 20 thoughts
		inputs: req.body, outputs: plainResponse,
	}.check(t, tr.RootSpan())
	for _, want := range []string{`"systemInstruction"`, `"generationConfig"`, `"temperature":0.2`} {
		if !strings.Contains(string(tr.RootSpan().Inputs()), want) {
			t.Errorf("inputs lack %s: %s", want, tr.RootSpan().Inputs())
		}
	}
	if got := tr.Info.RequestPreview; got != "What is the capital of France?" {
		t.Errorf("request preview %q", got)
	}
	if got := tr.Info.ResponsePreview; got != "Paris is the capital of France." {
		t.Errorf("response preview %q", got)
	}
}

func TestGenaiStream(t *testing.T) {
	chunks := []string{
		`{"candidates": [{"content": {"parts": [{"text": "Once upon"}],"role": "model"}}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.0-flash","responseId": "st-1"}`,
		`{"candidates": [{"content": {"parts": [{"text": " a time, a cat"}],"role": "model"},"safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT","probability": "NEGLIGIBLE"}]}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.0-flash","responseId": "st-1"}`,
		`{"candidates": [{"content": {"parts": [{"text": " slept."}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 8,"totalTokenCount": 17},"modelVersion": "gemini-2.0-flash","responseId": "st-1"}`,
	}
	_, srv := newFake(t, sse(chunks...))
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	var text strings.Builder
	for resp, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.0-flash", genai.Text("Tell me a story"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(resp.Text())
	}
	if text.String() != "Once upon a time, a cat slept." {
		t.Errorf("text %q", text.String())
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content_stream OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	s := tr.RootSpan()
	modelSpan{
		name: "Models.generate_content_stream", spanType: spantypes.ChatModel,
		model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
		responseModel: "gemini-2.0-flash", responseID: "st-1", finishReasons: []string{"STOP"},
		usage:  usage(9, 8, 17),
		inputs: string(s.Inputs()), chunks: 3, stream: true,
		outputs: `{"candidates": [{"content": {"parts": [{"text": "Once upon a time, a cat slept."}], "role": "model"},
			"finishReason": "STOP", "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT","probability": "NEGLIGIBLE"}]}],
			"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 8,"totalTokenCount": 17},
			"modelVersion": "gemini-2.0-flash","responseId": "st-1"}`,
	}.check(t, s)
	for i, ev := range chunkEvents(s) {
		checkJSON(t, ev.Name, []byte(asString(ev.Attributes[spantypes.KeyChunkValue])), chunks[i])
	}
	if got := tr.Info.ResponsePreview; got != "Once upon a time, a cat slept." {
		t.Errorf("response preview %q", got)
	}
}

// TestGenaiFunctionCallRoundTrip runs a tool loop under an agent span: the model asks for a
// function, a TOOL span runs it, the model answers with its result.
func TestGenaiFunctionCallRoundTrip(t *testing.T) {
	fake, srv := newFake(t, reply{body: weatherCallResponse}, reply{body: weatherAnswerResponse})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	tools := []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
		Name: "get_weather", Description: "Current weather of a city",
		Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{"city": {Type: genai.TypeString}}, Required: []string{"city"}},
	}}}}
	cfg := &genai.GenerateContentConfig{Tools: tools}

	ctx, agent := core.StartSpan(context.Background(), "weather agent", core.WithSpanType(spantypes.Agent))
	history := genai.Text("Weather in Paris?")
	first, err := client.Models.GenerateContent(ctx, "gemini-2.0-flash", history, cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls := first.FunctionCalls()
	if len(calls) != 1 || calls[0].Name != "get_weather" || calls[0].ID != "call-7f3a" || calls[0].Args["city"] != "Paris" {
		t.Fatalf("function calls %+v", calls)
	}
	result, _ := core.Trace(ctx, calls[0].Name, func(context.Context) (map[string]any, error) {
		return map[string]any{"temperature_c": 18, "sky": "sunny"}, nil
	}, core.WithSpanType(spantypes.Tool))
	history = append(history, first.Candidates[0].Content,
		genai.NewContentFromFunctionResponse("get_weather", result, genai.RoleUser))
	second, err := client.Models.GenerateContent(ctx, "gemini-2.0-flash", history, cfg)
	agent.End()
	if err != nil {
		t.Fatal(err)
	}
	if second.Text() != "It is 18 °C and sunny in Paris." {
		t.Errorf("answer %q", second.Text())
	}
	tr := traces.LastTrace()
	const want = "AGENT weather agent OK\n  CHAT_MODEL Models.generate_content OK\n  TOOL get_weather OK\n  CHAT_MODEL Models.generate_content OK\n"
	if tree := tracetest.Tree(tr); tree != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", tree, want)
	}
	reqs := fake.requests()
	if !strings.Contains(reqs[1].body, `"functionResponse"`) || !strings.Contains(reqs[1].body, `"functionCall"`) {
		t.Errorf("second request lacks the call and its result: %s", reqs[1].body)
	}
	const chatTools = `[{"type":"function","function":{"name":"get_weather","description":"Current weather of a city",
		"parameters":{"properties":{"city":{"type":"STRING"}},"required":["city"],"type":"OBJECT"}}}]`
	models := tr.SearchSpans(spanQuery(spantypes.ChatModel))
	for i, w := range []struct {
		body, id string
		usage    [3]int64
	}{
		{weatherCallResponse, "fc-1-aBcDeFgHiJk", [3]int64{41, 6, 47}},
		{weatherAnswerResponse, "fc-2-lMnOpQrStUv", [3]int64{62, 11, 73}},
	} {
		if models[i].ParentID != tr.RootSpan().SpanID {
			t.Errorf("model span %d parent %s", i, models[i].ParentID)
		}
		modelSpan{
			name: "Models.generate_content", spanType: spantypes.ChatModel,
			model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
			responseModel: "gemini-2.0-flash", responseID: w.id, finishReasons: []string{"STOP"},
			usage:  usage(w.usage[0], w.usage[1], w.usage[2]),
			inputs: reqs[i].body, outputs: w.body, tools: chatTools,
		}.check(t, models[i])
	}
	if u, ok := tr.TokenUsage(); !ok || *usage(103, 17, 120) != u {
		t.Errorf("trace usage %+v", u)
	}
}

func TestGenaiEmbeddings(t *testing.T) {
	const single = `{"embeddings": [{"values": [0.0132, -0.0087, 0.0415]}]}`
	const batch = `{"embeddings": [{"values": [0.0132, -0.0087, 0.0415]}, {"values": [-0.021, 0.0043, 0.0178]}]}`
	fake, srv := newFake(t, reply{body: single}, reply{body: batch})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	for _, texts := range [][]string{{"hello"}, {"hello", "world"}} {
		var contents []*genai.Content
		for _, s := range texts {
			contents = append(contents, genai.NewContentFromText(s, genai.RoleUser))
		}
		resp, err := client.Models.EmbedContent(context.Background(), "text-embedding-004", contents, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Embeddings) != len(texts) || len(resp.Embeddings[0].Values) != 3 {
			t.Fatalf("embeddings %+v", resp.Embeddings)
		}
	}
	all := traces.Traces()
	if len(all) != 2 {
		t.Fatalf("%d traces", len(all))
	}
	reqs := fake.requests()
	for i, body := range []string{single, batch} {
		if tree := tracetest.Tree(all[i]); tree != "EMBEDDING Models.batch_embed_contents OK\n" {
			t.Errorf("tree %d:\n%s", i, tree)
		}
		if reqs[i].path != "/v1beta/models/text-embedding-004:batchEmbedContents" {
			t.Errorf("path %s", reqs[i].path)
		}
		modelSpan{
			name: "Models.batch_embed_contents", spanType: spantypes.Embedding,
			model: "text-embedding-004", provider: "gemini", genAIProvider: "gcp.gemini", operation: "embeddings",
			inputs: reqs[i].body, outputs: body,
		}.check(t, all[i].RootSpan())
	}
}

// TestGenaiSafetyBlock: a blocked prompt and a response stopped for safety are successful
// calls, with the reasons recorded.
func TestGenaiSafetyBlock(t *testing.T) {
	const blocked = `{"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}]},
  "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12}, "modelVersion": "gemini-2.0-flash", "responseId": "blk-1"}`
	const stopped = `{"candidates": [{"finishReason": "SAFETY", "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "MEDIUM", "blocked": true}]}],
  "usageMetadata": {"promptTokenCount": 10, "totalTokenCount": 10}, "modelVersion": "gemini-2.0-flash", "responseId": "blk-2"}`
	_, srv := newFake(t, reply{body: blocked}, reply{body: stopped})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	for i := range 2 {
		resp, err := client.Models.GenerateContent(context.Background(), "gemini-2.0-flash", genai.Text("something unsafe"), nil)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if resp.Text() != "" {
			t.Errorf("call %d: text %q", i, resp.Text())
		}
	}
	all := traces.Traces()
	if len(all) != 2 {
		t.Fatalf("%d traces", len(all))
	}
	for i, w := range []struct {
		body, id, block string
		reasons         []string
		usage           [3]int64
	}{
		{blocked, "blk-1", "SAFETY", nil, [3]int64{12, 0, 12}},
		{stopped, "blk-2", "", []string{"SAFETY"}, [3]int64{10, 0, 10}},
	} {
		if tree := tracetest.Tree(all[i]); tree != "CHAT_MODEL Models.generate_content OK\n" {
			t.Errorf("tree %d:\n%s", i, tree)
		}
		s := all[i].RootSpan()
		modelSpan{
			name: "Models.generate_content", spanType: spantypes.ChatModel,
			model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
			responseModel: "gemini-2.0-flash", responseID: w.id, finishReasons: w.reasons, blockReason: w.block,
			usage:  usage(w.usage[0], w.usage[1], w.usage[2]),
			inputs: string(s.Inputs()), outputs: w.body,
		}.check(t, s)
	}
}

// TestGenaiHTTPErrors: a 429 and a 500 are ERROR spans with the API's status and message,
// and the caller gets genai's own error.
func TestGenaiHTTPErrors(t *testing.T) {
	for _, tc := range []struct {
		status          int
		body, errStatus string
	}{
		{429, `{"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}`, "RESOURCE_EXHAUSTED"},
		{500, `{"error": {"code": 500, "message": "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting", "status": "INTERNAL"}}`, "INTERNAL"},
	} {
		t.Run(tc.errStatus, func(t *testing.T) {
			_, srv := newFake(t, reply{status: tc.status, body: tc.body})
			traces := tracetest.Capture(t)
			client := genaiClient(t, srv, gemini.HTTPClient())
			_, err := client.Models.GenerateContent(context.Background(), "gemini-2.0-flash", genai.Text("hi"), nil)
			var apiErr genai.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.status || apiErr.Status != tc.errStatus {
				t.Fatalf("error %#v", err)
			}
			tr := traces.LastTrace()
			if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content ERROR\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			s := tr.RootSpan()
			modelSpan{
				name: "Models.generate_content", spanType: spantypes.ChatModel,
				model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
				inputs: string(s.Inputs()), outputs: tc.body,
				status: "ERROR", errorMessage: tc.errStatus + ": " + apiErr.Message,
			}.check(t, s)
			if string(s.Attribute(spantypes.KeyHTTPStatusCode)) != strconvItoa(tc.status) {
				t.Errorf("status code attribute %s", s.Attribute(spantypes.KeyHTTPStatusCode))
			}
		})
	}
}
