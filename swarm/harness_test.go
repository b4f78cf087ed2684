package swarm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/agentlens/agentlens/recordings"
	"github.com/agentlens/agentlens/swarm"
)

// A scenario is one conversation with scripted model outputs. TestScenarios runs each one
// twice: against the fake server (the go-openai client pointed at it with
// ClientConfig.BaseURL) and against its cassette, recordings/cassettes/swarm/<name>.yaml,
// replayed with recordings.ForTest. TestGenerateSwarmCassettes writes the cassettes by
// recording the fake server.
type scenario struct {
	name    string
	replies []reply
	run     func(t *testing.T, h *harness)
}

// harness is what a scenario runs with.
type harness struct {
	client *swarm.Client
	mode   string // "fake", "replay" or "record"
	reqs   *requestLog
	// recorded are the request bodies of the cassette (replay mode only).
	recorded []string
	// onRequest, when set, is called with the context of each model call.
	onRequest func(ctx context.Context)
}

// requestLog keeps the bodies of the requests the client sent.
type requestLog struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (l *requestLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.bodies)
}

// sent is a request the client sent, decoded.
type sent struct {
	Model    string                         `json:"model"`
	Messages []openai.ChatCompletionMessage `json:"messages"`
	Stream   bool                           `json:"stream"`
	Tools    []struct {
		Type     string `json:"type"`
		Function struct {
			Name        string         `json:"name"`
			Description string         `json:"description"`
			Parameters  map[string]any `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
	ToolChoice        any   `json:"tool_choice"`
	ParallelToolCalls *bool `json:"parallel_tool_calls"`

	raw  map[string]json.RawMessage
	body string
}

// req returns the i-th request the client sent.
func (h *harness) req(t *testing.T, i int) sent {
	t.Helper()
	h.reqs.mu.Lock()
	defer h.reqs.mu.Unlock()
	if i >= len(h.reqs.bodies) {
		t.Fatalf("request %d was not sent (%d were)", i, len(h.reqs.bodies))
	}
	b := h.reqs.bodies[i]
	var s sent
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("request %d: %v\n%s", i, err, b)
	}
	if err := json.Unmarshal(b, &s.raw); err != nil {
		t.Fatal(err)
	}
	s.body = string(b)
	return s
}

func (h *harness) wantRequests(t *testing.T, n int) {
	t.Helper()
	if got := h.reqs.len(); got != n {
		t.Errorf("%d model calls, want %d", got, n)
	}
}

// capture records the request bodies and hands the requests to next.
type capture struct {
	next http.RoundTripper
	log  *requestLog
	h    *harness
}

func (c capture) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.h.onRequest != nil {
		c.h.onRequest(r.Context())
	}
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		out := r.Clone(r.Context())
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		r = out
	}
	c.log.mu.Lock()
	c.log.bodies = append(c.log.bodies, body)
	c.log.mu.Unlock()
	return c.next.RoundTrip(r)
}

func newHarness(mode string, key, baseURL string, transport http.RoundTripper) *harness {
	h := &harness{mode: mode, reqs: &requestLog{}}
	cfg := openai.DefaultConfig(key)
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	cfg.HTTPClient = &http.Client{Transport: capture{next: transport, log: h.reqs, h: h}}
	h.client = swarm.NewClientWithConfig(cfg)
	return h
}

// runFake runs the scenario against the fake server.
func runFake(t *testing.T, sc scenario) {
	srv := newFakeOpenAI(t, "fake", sc.replies)
	h := newHarness("fake", fakeKey, srv.URL+"/v1", srv.Client().Transport)
	sc.run(t, h)
	if got := h.reqs.len(); got != len(sc.replies) {
		t.Errorf("%d model calls, the scenario scripted %d replies", got, len(sc.replies))
	}
}

// runReplay runs the scenario against its cassette, and checks that the requests sent are
// the recorded ones.
func runReplay(t *testing.T, sc scenario) {
	t.Setenv("AGENTLENS_RECORD", "") // replay, whatever the environment
	name := "swarm/" + sc.name
	rec := recordings.ForTest(t, name, recordings.Options{})
	// The default base URL: the cassette matches any host, and replaying never reaches it.
	h := newHarness("replay", "replay-key", "", rec)
	h.recorded = recordedBodies(t, name)
	sc.run(t, h)
	if got := h.reqs.len(); got != len(sc.replies) || got != len(h.recorded) {
		t.Errorf("%d model calls, the scenario scripted %d replies and the cassette has %d interactions", got, len(sc.replies), len(h.recorded))
	}
	for i := range min(h.reqs.len(), len(h.recorded)) {
		if !jsonEqual(t, h.req(t, i).body, h.recorded[i]) {
			t.Errorf("request %d is not the recorded one:\n%s\nrecorded:\n%s", i, h.req(t, i).body, h.recorded[i])
		}
	}
}

// recordedBodies are the request bodies of a cassette, in order.
func recordedBodies(t *testing.T, name string) []string {
	t.Helper()
	c, err := cassette.Load(strings.TrimSuffix(recordings.Path(name), ".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, i := range c.Interactions {
		out = append(out, i.Request.Body)
	}
	return out
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

// recordScenario writes the cassette of the scenario from the fake server.
func recordScenario(t *testing.T, sc scenario) {
	const keyEnv = "AGENTLENS_SWARM_FAKE_KEY"
	t.Setenv("AGENTLENS_RECORD", "1")
	t.Setenv(keyEnv, fakeKey)
	srv := newFakeOpenAI(t, strings.ReplaceAll(sc.name, "_", ""), sc.replies)
	name := "swarm/" + sc.name
	rec, err := recordings.Open(name, recordings.Options{KeyEnv: keyEnv, RealTransport: redirectTransport(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Recording() {
		t.Fatal("not recording")
	}
	h := newHarness("record", fakeKey, "", rec)
	sc.run(t, h)
	if got := h.reqs.len(); got != len(sc.replies) {
		t.Errorf("%d model calls, the scenario scripted %d replies", got, len(sc.replies))
	}
	if t.Failed() {
		t.Fatalf("not saving %s: the scenario failed", recordings.Path(name))
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	checkNoSecrets(t, name)
}

func checkNoSecrets(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(recordings.Path(name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), fakeKey) {
		t.Errorf("cassette %s contains the API key", name)
	}
	t.Logf("recorded %s", recordings.Path(name))
}

// user is a user message.
func user(s string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: s}
}

// toolCall is a tool call as the API returns it in a message.
func toolCall(c call) openai.ToolCall {
	return openai.ToolCall{ID: c.id, Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: c.name, Arguments: c.args}}
}

// assistant is the assistant message of a reply, as Run returns it.
func assistant(r reply) openai.ChatCompletionMessage {
	m := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: r.content}
	for _, c := range r.calls {
		m.ToolCalls = append(m.ToolCalls, toolCall(c))
	}
	return m
}

// toolMsg is a tool message.
func toolMsg(id, content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, Content: content, ToolCallID: id}
}

func mustRun(t *testing.T, h *harness, a *swarm.Agent, msgs []openai.ChatCompletionMessage, opts ...swarm.RunOption) *swarm.Response {
	t.Helper()
	resp, err := h.client.Run(context.Background(), a, msgs, opts...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return resp
}

// runStream collects the events of RunStream; the last one holds the Response.
func runStream(t *testing.T, h *harness, a *swarm.Agent, msgs []openai.ChatCompletionMessage, opts ...swarm.RunOption) []swarm.StreamEvent {
	t.Helper()
	var events []swarm.StreamEvent
	for ev, err := range h.client.RunStream(context.Background(), a, msgs, opts...) {
		if err != nil {
			t.Fatalf("RunStream: %v", err)
		}
		events = append(events, ev)
	}
	if len(events) == 0 || events[len(events)-1].Response == nil {
		t.Fatalf("RunStream: no final Response event")
	}
	return events
}
