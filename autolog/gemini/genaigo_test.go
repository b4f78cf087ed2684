package gemini_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	genaigo "github.com/google/generative-ai-go/genai"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// Responses in the wire format of the Gemini REST API as generative-ai-go reads it (integer
// enums: finishReason 1 is STOP, category 8 HARM_CATEGORY_HATE_SPEECH, probability 1
// NEGLIGIBLE), generated for these tests.
const goPlainResponse = `{
  "candidates": [{"content": {"parts": [{"text": "The opposite of hot is cold."}], "role": "model"},
    "finishReason": 1, "safetyRatings": [{"category": 8, "probability": 1}], "avgLogprobs": -0.012}],
  "usageMetadata": {"promptTokenCount": 6, "candidatesTokenCount": 7, "totalTokenCount": 13},
  "modelVersion": "gemini-2.0-flash", "responseId": "go-plain-1"
}`

func genaigoClient(t *testing.T, srv *httptest.Server, opts ...gemini.Option) *genaigo.Client {
	t.Helper()
	c, err := genaigo.NewClient(context.Background(), append(gemini.ClientOptions(testKey, opts...), option.WithEndpoint(srv.URL))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestGenaigoGenerateContent(t *testing.T) {
	fake, srv := newFake(t, reply{body: goPlainResponse})
	traces := tracetest.Capture(t)
	model := genaigoClient(t, srv).GenerativeModel("gemini-2.0-flash")
	resp, err := model.GenerateContent(context.Background(), genaigo.Text("The opposite of hot is"))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Candidates[0].Content.Parts[0]; got != genaigo.Text("The opposite of hot is cold.") {
		t.Errorf("part %#v", got)
	}
	req := fake.requests()[0]
	// The key reaches the API, as a header only; the library asked for integer enums.
	if req.header.Get("x-goog-api-key") != testKey || strings.Contains(req.query, testKey) {
		t.Errorf("key header %q, query %q", req.header.Get("x-goog-api-key"), req.query)
	}
	if req.path != "/v1beta/models/gemini-2.0-flash:generateContent" || req.query != "%24alt=json%3Benum-encoding%3Dint" {
		t.Errorf("request %s?%s", req.path, req.query)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	modelSpan{
		name: "Models.generate_content", spanType: spantypes.ChatModel,
		model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
		responseModel: "gemini-2.0-flash", responseID: "go-plain-1", finishReasons: []string{"STOP"},
		usage: usage(6, 7, 13), inputs: req.body, outputs: goPlainResponse,
	}.check(t, tr.RootSpan())
	if got := tr.Info.RequestPreview; got != "The opposite of hot is" {
		t.Errorf("request preview %q", got)
	}
}

func TestGenaigoStreamJSONArray(t *testing.T) {
	chunks := []string{
		`{"candidates": [{"content": {"parts": [{"text": "C"}],"role": "model"}}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.0-flash","responseId": "go-st-1"}`,
		`{"candidates": [{"content": {"parts": [{"text": "lementine, a calico, ruled"}],"role": "model"},"safetyRatings": [{"category": 8,"probability": 1}]}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.0-flash","responseId": "go-st-1"}`,
		`{"candidates": [{"content": {"parts": [{"text": " the porch [and the \"garden\"]."}],"role": "model"},"finishReason": 1,"safetyRatings": [{"category": 8,"probability": 1}]}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 12,"totalTokenCount": 21},"modelVersion": "gemini-2.0-flash","responseId": "go-st-1"}`,
	}
	_, srv := newFake(t, jsonArray(chunks...))
	traces := tracetest.Capture(t)
	model := genaigoClient(t, srv).GenerativeModel("gemini-2.0-flash")
	it := model.GenerateContentStream(context.Background(), genaigo.Text("Tell me a short story about a cat"))
	var text strings.Builder
	for {
		resp, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(string(resp.Candidates[0].Content.Parts[0].(genaigo.Text)))
	}
	const story = `Clementine, a calico, ruled the porch [and the "garden"].`
	if text.String() != story {
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
		responseModel: "gemini-2.0-flash", responseID: "go-st-1", finishReasons: []string{"STOP"},
		usage: usage(9, 12, 21), inputs: string(s.Inputs()), chunks: 3, stream: true,
		outputs: `{"candidates": [{"content": {"parts": [{"text": "Clementine, a calico, ruled the porch [and the \"garden\"]."}], "role": "model"},
			"finishReason": 1, "safetyRatings": [{"category": 8,"probability": 1}]}],
			"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 12,"totalTokenCount": 21},
			"modelVersion": "gemini-2.0-flash","responseId": "go-st-1"}`,
	}.check(t, s)
	for i, ev := range chunkEvents(s) {
		checkJSON(t, ev.Name, []byte(asString(ev.Attributes[spantypes.KeyChunkValue])), chunks[i])
	}
	if got := tr.Info.ResponsePreview; got != story {
		t.Errorf("response preview %q", got)
	}
}

func TestGenaigoFunctionCall(t *testing.T) {
	const call = `{"candidates": [{"content": {"parts": [{"functionCall": {"name": "getWeather","args": {"location": "New York"}}}],"role": "model"},
  "finishReason": 1}], "usageMetadata": {"promptTokenCount": 27,"candidatesTokenCount": 5,"totalTokenCount": 32}, "modelVersion": "gemini-2.0-flash", "responseId": "go-fc-1"}`
	const answer = `{"candidates": [{"content": {"parts": [{"text": "It is 22 degrees and sunny in New York."}],"role": "model"},
  "finishReason": 1}], "usageMetadata": {"promptTokenCount": 48,"candidatesTokenCount": 12,"totalTokenCount": 60}, "modelVersion": "gemini-2.0-flash", "responseId": "go-fc-2"}`
	// ChatSession.SendMessage streams (and merges the chunks) under the hood.
	fake, srv := newFake(t, jsonArray(call), jsonArray(answer))
	traces := tracetest.Capture(t)
	model := genaigoClient(t, srv).GenerativeModel("gemini-2.0-flash")
	model.Tools = []*genaigo.Tool{{FunctionDeclarations: []*genaigo.FunctionDeclaration{{
		Name: "getWeather", Description: "Get the weather for a location",
		Parameters: &genaigo.Schema{Type: genaigo.TypeObject, Properties: map[string]*genaigo.Schema{
			"location": {Type: genaigo.TypeString, Description: "The location to get weather for"}}, Required: []string{"location"}},
	}}}}
	ctx, chain := core.StartSpan(context.Background(), "chat", core.WithSpanType(spantypes.Chain))
	session := model.StartChat()
	first, err := session.SendMessage(ctx, genaigo.Text("What's the weather in New York?"))
	if err != nil {
		t.Fatal(err)
	}
	fc, ok := first.Candidates[0].Content.Parts[0].(genaigo.FunctionCall)
	if !ok || fc.Name != "getWeather" || fc.Args["location"] != "New York" {
		t.Fatalf("part %#v", first.Candidates[0].Content.Parts[0])
	}
	second, err := session.SendMessage(ctx, genaigo.FunctionResponse{Name: "getWeather", Response: map[string]any{"temp_c": 22, "sky": "sunny"}})
	chain.End()
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Candidates[0].Content.Parts[0]; got != genaigo.Text("It is 22 degrees and sunny in New York.") {
		t.Errorf("answer %#v", got)
	}
	tr := traces.LastTrace()
	const want = "CHAIN chat OK\n  CHAT_MODEL Models.generate_content_stream OK\n  CHAT_MODEL Models.generate_content_stream OK\n"
	if tree := tracetest.Tree(tr); tree != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", tree, want)
	}
	reqs := fake.requests()
	// Integer enums in the declaration: 6 is OBJECT, 1 STRING.
	const tools = `[{"type":"function","function":{"name":"getWeather","description":"Get the weather for a location",
		"parameters":{"type":6,"properties":{"location":{"type":1,"description":"The location to get weather for"}},"required":["location"]}}}]`
	for i, w := range []struct {
		body, id string
		u        [3]int64
	}{{call, "go-fc-1", [3]int64{27, 5, 32}}, {answer, "go-fc-2", [3]int64{48, 12, 60}}} {
		modelSpan{
			name: "Models.generate_content_stream", spanType: spantypes.ChatModel,
			model: "gemini-2.0-flash", provider: "gemini", genAIProvider: "gcp.gemini", operation: "chat",
			responseModel: "gemini-2.0-flash", responseID: w.id, finishReasons: []string{"STOP"},
			usage: usage(w.u[0], w.u[1], w.u[2]), inputs: reqs[i].body, outputs: w.body, tools: tools,
			chunks: 1, stream: true,
		}.check(t, tr.SearchSpans(spanQuery(spantypes.ChatModel))[i])
	}
	if !strings.Contains(reqs[1].body, `"functionResponse"`) {
		t.Errorf("second request: %s", reqs[1].body)
	}
}

func TestGenaigoEmbedContent(t *testing.T) {
	const body = `{"embedding": {"values": [0.0132, -0.0087, 0.0415]}}`
	fake, srv := newFake(t, reply{body: body})
	traces := tracetest.Capture(t)
	em := genaigoClient(t, srv).EmbeddingModel("text-embedding-004")
	resp, err := em.EmbedContent(context.Background(), genaigo.Text("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Embedding.Values) != 3 {
		t.Fatalf("embedding %+v", resp.Embedding)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "EMBEDDING Models.embed_content OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	modelSpan{
		name: "Models.embed_content", spanType: spantypes.Embedding,
		model: "text-embedding-004", provider: "gemini", genAIProvider: "gcp.gemini", operation: "embeddings",
		inputs: fake.requests()[0].body, outputs: body,
	}.check(t, tr.RootSpan())
}
