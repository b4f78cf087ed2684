package gemini_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	genaigo "github.com/google/generative-ai-go/genai"
	"google.golang.org/api/option"
	"google.golang.org/genai"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// TestSecretsNeverRecorded: neither the x-goog-api-key header nor a key= query parameter
// reaches the trace.
func TestSecretsNeverRecorded(t *testing.T) {
	_, srv := newFake(t, reply{body: plainResponse}, reply{body: plainResponse}, jsonArray(goPlainResponse))
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
		t.Fatal(err)
	}
	resp, err := gemini.HTTPClient().Post(srv.URL+"/v1beta/models/gemini-2.5-flash:generateContent?key="+testKey, "application/json",
		strings.NewReader(`{"contents":[{"parts":[{"text":"hi"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	model := genaigoClient(t, srv).GenerativeModel("gemini-2.0-flash")
	if _, err := model.StartChat().SendMessage(context.Background(), genaigo.Text("hi")); err != nil {
		t.Fatal(err)
	}
	all := traces.Traces()
	if len(all) != 3 {
		t.Fatalf("%d traces", len(all))
	}
	for _, tr := range all {
		js, err := tr.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(js), testKey) || strings.Contains(string(js), "x-goog-api-key") {
			t.Errorf("the key is in the trace:\n%s", js)
		}
	}
}

// TestAutologCannotReachGenaigoWithAPIKey documents what Autolog says it cannot reach: a
// generative-ai-go client made with option.WithAPIKey builds its own transport.
func TestAutologCannotReachGenaigoWithAPIKey(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	fake, srv := newFake(t, reply{body: goPlainResponse})
	traces := tracetest.Capture(t)
	defer gemini.Autolog()()
	c, err := genaigo.NewClient(context.Background(), option.WithAPIKey(testKey), option.WithEndpoint(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.GenerativeModel("gemini-2.0-flash").GenerateContent(context.Background(), genaigo.Text("hi")); err != nil {
		t.Fatal(err)
	}
	if len(fake.requests()) != 1 {
		t.Fatal("the request did not reach the server")
	}
	if n := len(traces.Traces()); n != 0 {
		t.Errorf("%d traces: Autolog reached generative-ai-go after all; update the docs", n)
	}
}

func TestStreamClosedEarly(t *testing.T) {
	open := sse(
		`{"candidates":[{"content":{"parts":[{"text":"one"}],"role":"model"}}]}`,
		`{"candidates":[{"content":{"parts":[{"text":" two"}],"role":"model"}}]}`,
	)
	open.hold = true
	_, srv := newFake(t, open)
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	for resp, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.0-flash", genai.Text("count"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if resp.Text() == "one" {
			break
		}
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content_stream OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	s := tr.RootSpan()
	if string(s.Attribute(spantypes.KeyStreamCancelled)) != "true" {
		t.Errorf("not marked cancelled: %v", s.Attributes)
	}
	if n := len(chunkEvents(s)); n < 1 {
		t.Errorf("%d chunks", n)
	}
	if s.Attribute(spantypes.KeyGenAIResponseFinishReasons) != nil {
		t.Errorf("finish reasons of an unfinished stream: %s", s.Attribute(spantypes.KeyGenAIResponseFinishReasons))
	}
}

// TestStreamError: an error the API sends inside a stream makes the span ERROR with its
// status and message; the caller gets genai's error.
func TestStreamError(t *testing.T) {
	_, srv := newFake(t, sse(
		`{"candidates":[{"content":{"parts":[{"text":"partial"}],"role":"model"}}]}`,
		`{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}`,
	))
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	var gotErr error
	for _, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.0-flash", genai.Text("hi"), nil) {
		if err != nil {
			gotErr = err
			break
		}
	}
	var apiErr genai.APIError
	if !errors.As(gotErr, &apiErr) || apiErr.Status != "UNAVAILABLE" {
		t.Fatalf("error %#v", gotErr)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content_stream ERROR\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	if msg := tr.RootSpan().Status.Message; msg != "UNAVAILABLE: The model is overloaded. Please try again later." {
		t.Errorf("status message %q", msg)
	}
}

func TestTransportErrorIsReturnedAsIs(t *testing.T) {
	traces := tracetest.Capture(t)
	want := errors.New("dial tcp: connection refused")
	rt := gemini.NewTransport(roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, want }))
	req, _ := http.NewRequest(http.MethodPost, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", strings.NewReader(`{}`))
	if _, err := rt.RoundTrip(req); err != want {
		t.Fatalf("error %v", err)
	}
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL Models.generate_content ERROR\n" {
		t.Fatalf("tree:\n%s", tree)
	}
}

func TestContentCaptureOffAndSuppress(t *testing.T) {
	_, srv := newFake(t, reply{body: plainResponse}, reply{body: plainResponse})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient(gemini.WithCaptureContent(false)))
	if _, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("secret prompt"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Models.GenerateContent(core.Suppress(context.Background()), "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
		t.Fatal(err)
	}
	all := traces.Traces()
	if len(all) != 1 {
		t.Fatalf("%d traces, want 1 (the suppressed call makes none)", len(all))
	}
	s := all[0].RootSpan()
	if s.Inputs() != nil || s.Outputs() != nil {
		t.Errorf("content recorded: %s %s", s.Inputs(), s.Outputs())
	}
	if u, ok := s.TokenUsage(); !ok || u != *usage(8, 27, 35) {
		t.Errorf("usage %+v", u)
	}
}

// TestFrameworkSpanEnriched: under a framework's open model span, no second span is made;
// the open one gets the model, usage and response attributes.
func TestFrameworkSpanEnriched(t *testing.T) {
	_, srv := newFake(t, reply{body: plainResponse})
	traces := tracetest.Capture(t)
	client := genaiClient(t, srv, gemini.HTTPClient())
	ctx, span := core.StartSpan(context.Background(), "GoogleAI.GenerateContent", core.WithSpanType(spantypes.ChatModel))
	if _, err := client.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text("hi"), nil); err != nil {
		t.Fatal(err)
	}
	span.End()
	tr := traces.LastTrace()
	if tree := tracetest.Tree(tr); tree != "CHAT_MODEL GoogleAI.GenerateContent OK\n" {
		t.Fatalf("tree:\n%s", tree)
	}
	s := tr.RootSpan()
	if s.StringAttribute(spantypes.KeyGenAIResponseID) != "kX4vaP2aBcDeFgHiJkLmNo" || s.StringAttribute(spantypes.KeyLLMModel) != "gemini-2.5-flash" {
		t.Errorf("attributes %v", s.Attributes)
	}
	if u, ok := s.TokenUsage(); !ok || u != *usage(8, 27, 35) {
		t.Errorf("usage %+v", u)
	}
	if s.Inputs() != nil {
		t.Errorf("the framework's inputs were replaced: %s", s.Inputs())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
