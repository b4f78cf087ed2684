// Package recordings replays recorded HTTP traffic with LLM providers, so the tests and
// examples of this module run offline, and records new traffic only when asked to.
//
// It is a thin layer over go-vcr v4 (gopkg.in/dnaeon/go-vcr.v4). Cassettes are the YAML
// files go-vcr writes, kept in recordings/cassettes/<name>.yaml; [Path] finds them from this
// package's source directory, so tests in any package and `go run ./examples/...` from the
// repository root use the same files.
//
// # Where the cassettes come from
//
// The cassettes in recordings/cassettes were generated, not recorded from a provider: each
// was made by this module's own fake OpenAI servers (internal/fakeopenai for the examples'
// cassettes, streamed answers and streamed tool calls included, the hand-written responses
// of the autolog/openai, swarm and recordings tests for theirs), which answer in the OpenAI
// API's wire format, by the fake Gemini servers of the autolog/gemini and examples/gemini
// tests, in the Gemini API's wire format, or by the fake Messages API of the
// examples/anthropic test, in Anthropic's wire format, through the real recording path with
// a fake key. Their generator tests rewrite them when asked: TestGenerateOpenAICassettes
// (AGENTLENS_REGEN_OPENAI=1), TestGenerateSwarmCassettes (AGENTLENS_REGEN_SWARM=1), the
// examples' TestGenerate...Cassette tests (AGENTLENS_REGEN_EXAMPLES=1:
// TestGenerateQuickstartCassette, TestGenerateRAGCassette, TestGenerateMultiagentCassette,
// TestGenerateLangchaingoCassette, TestGenerateEinoCassette and, for examples/replaytest,
// TestGenerateSummarizeCassette; examples/gemini's TestGenerateGeminiCassette with
// AGENTLENS_REGEN_GEMINI=1; examples/anthropic's TestGenerateAnthropicCassette with
// AGENTLENS_REGEN_ANTHROPIC=1), TestGenerateGenaigoCassette (AGENTLENS_REGEN_GEMINI=1) and
// TestGenerateSelftestCassette (AGENTLENS_REGEN_SELFTEST=1).
//
// Real traffic is what the adapters are checked against: their conformance tests replay the
// real OpenAI, OpenRouter, Gemini and Anthropic exchanges that github.com/tmc/langchaingo
// recorded for its own tests and ships in its module (httprr files, read from the Go module
// cache, never copied into this repository).
//
// # Replay and recording
//
// Replay is the default: requests are answered from the cassette and never reach the
// network. Recording happens only with AGENTLENS_RECORD=1 and the provider key set
// (OPENAI_API_KEY unless [Options].KeyEnv names another variable); asking to record without
// the key is an error. A recording run replaces the whole cassette.
//
//	AGENTLENS_RECORD=1 OPENAI_API_KEY=sk-... go test ./... -run TestChat
//
// # Matching
//
// A request matches a recorded one when the method, the URL path, the query parameters
// other than credentials (key=, api-key=, ...: see Scrubbing) and the body agree. Bodies that are both JSON compare as JSON values, so
// key order, whitespace and number spelling (1 and 1.0) do not matter; other bodies compare
// byte for byte. Host, scheme and headers are not compared, so a cassette replays against
// any base URL (an httptest server, http://replay.invalid, a proxy) and any credentials.
//
// Each recorded interaction answers once, and the first unused match wins: a conversation
// that sends the same request twice gets the recorded responses in the order they were
// recorded. A request with no unused match fails (the *http.Client returns the error) with
// its method, URL and body, the interactions of the cassette, and the command to re-record;
// the error wraps cassette.ErrInteractionNotFound.
//
// Response bodies replay byte for byte, including text/event-stream (SSE) streams.
//
// # Scrubbing
//
// Before an interaction is kept (and so before it is returned to the client or saved) the
// request headers Authorization, Proxy-Authorization, Api-Key, X-Api-Key, X-Goog-Api-Key,
// OpenAI-Organization, OpenAI-Project, Anthropic-Organization-Id, Anthropic-Workspace-Id and
// Cookie, the response headers Set-Cookie, OpenAI-Organization, OpenAI-Project,
// Anthropic-Organization-Id and Anthropic-Workspace-Id, and in both directions every header whose name
// says key, token, secret or password (Ocp-Apim-Subscription-Key, X-Custom-Token,
// X-Client-Secret, ...; not X-Ratelimit-Remaining-Tokens, which counts tokens) get the
// value REDACTED, as does any other header whose value holds a bearer credential, the
// provider key, or text shaped like an OpenAI or Google key or an OpenAI organization or
// project id. In URLs, the password of the user info (or a user name standing alone)
// becomes REDACTED, as do the query parameters whose names say the same (key=, api-key=,
// api_key=, access_token=, ...); matching ignores those parameters. The provider key and
// key-shaped text are replaced in bodies too. CDN noise (Cf-Ray, Cf-Cache-Status, Alt-Svc,
// Nel, Report-To, Server-Timing, Strict-Transport-Security, X-Envoy-Upstream-Service-Time)
// is dropped from responses; everything else, including Content-Type, rate-limit headers
// and X-Request-Id, is kept. A replay miss names the request with the same credentials
// redacted.
//
// # Example
//
//	func TestChat(t *testing.T) {
//		rec := recordings.ForTest(t, "", recordings.Options{}) // cassettes/TestChat.yaml
//		client := openai.NewClient(
//			option.WithHTTPClient(rec.HTTPClient()),
//			option.WithAPIKey(cmp.Or(os.Getenv("OPENAI_API_KEY"), "replay")),
//		)
//		// ... use client; with a custom base URL the same cassette still matches.
//	}
//
// Outside tests, Open and Stop do the same:
//
//	rec, err := recordings.Open("quickstart", recordings.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer rec.Stop()
//	httpClient := rec.HTTPClient()
package recordings
