package openai_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/tracetest"
)

// TestTracingIsTransparent runs the same programs with a plain recordings transport and
// with the tracing transport around it (a fresh recorder each run): the decoded results,
// the errors and the raw response bytes are the same.
func TestTracingIsTransparent(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	refuse := func(*testing.T) http.RoundTripper {
		return roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, dialErr })
	}
	fromCassette := func(name string) func(*testing.T) http.RoundTripper {
		return func(t *testing.T) http.RoundTripper { return replay(t, name) }
	}
	goProgram := func(f func(ctx context.Context, c *goopenai.Client) (any, error)) func(http.RoundTripper, bool) (any, error) {
		return func(rt http.RoundTripper, traced bool) (any, error) {
			if traced {
				rt = openai.NewTransport(rt)
			}
			return f(context.Background(), goClient("replay", rt))
		}
	}
	for _, tc := range []struct {
		name     string
		cassette string // "" for none
		base     func(*testing.T) http.RoundTripper
		program  func(rt http.RoundTripper, traced bool) (any, error)
		wantErr  bool
		checkErr func(t *testing.T, err error)
	}{
		{name: "chat", cassette: cassChat, base: fromCassette(cassChat),
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) { return runChat(ctx, c) })},
		{name: "tool loop", cassette: cassChatTools, base: fromCassette(cassChatTools),
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) {
				return runToolLoop(ctx, c, func(ctx context.Context, call goopenai.ToolCall) (string, error) {
					return getWeather(ctx, call.Function.Arguments)
				})
			})},
		{name: "stream", cassette: cassChatStream, base: fromCassette(cassChatStream),
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) { return runChatStream(ctx, c) })},
		{name: "stream tool calls", cassette: cassChatStreamTools, base: fromCassette(cassChatStreamTools),
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) { return runChatStreamTools(ctx, c) })},
		{name: "embeddings", cassette: cassEmbeddings, base: fromCassette(cassEmbeddings),
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) { return runEmbeddings(ctx, c) })},
		{name: "responses stream (openai-go middleware)", cassette: cassResponsesStream, base: fromCassette(cassResponsesStream),
			program: func(rt http.RoundTripper, traced bool) (any, error) {
				var extra []option.RequestOption
				if traced {
					extra = append(extra, option.WithMiddleware(openai.Middleware()))
				}
				return runResponsesStream(context.Background(), goClientOpts("replay", rt, extra...)...)
			}},
		{name: "429", cassette: cassError429, base: fromCassette(cassError429), wantErr: true,
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) {
				return c.CreateChatCompletion(ctx, errorChatRequest(prompt429))
			}),
			checkErr: func(t *testing.T, err error) {
				var e *goopenai.APIError
				if !errors.As(err, &e) || e.HTTPStatusCode != 429 || e.Code != "rate_limit_exceeded" {
					t.Errorf("error %#v", err)
				}
			}},
		{name: "502 page", cassette: cassError502, base: fromCassette(cassError502), wantErr: true,
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) {
				return c.CreateChatCompletion(ctx, errorChatRequest(prompt502))
			}),
			checkErr: func(t *testing.T, err error) {
				var e *goopenai.RequestError
				if !errors.As(err, &e) || string(e.Body) != error502Body {
					t.Errorf("error %#v", err)
				}
			}},
		{name: "connection error", base: refuse, wantErr: true,
			program: goProgram(func(ctx context.Context, c *goopenai.Client) (any, error) { return runChat(ctx, c) }),
			checkErr: func(t *testing.T, err error) {
				var ue *url.Error
				if !errors.Is(err, dialErr) || !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &ue) {
					t.Errorf("error %#v", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			traces := tracetest.Capture(t)
			plain, plainErr := tc.program(tc.base(t), false)
			if n := len(traces.Traces()); n != 0 {
				t.Fatalf("%d traces without the tracing transport", n)
			}
			got, err := tc.program(tc.base(t), true)
			if n := len(traces.Traces()); n == 0 {
				t.Error("nothing traced with the tracing transport")
			}
			if (err != nil) != tc.wantErr || (plainErr != nil) != tc.wantErr {
				t.Fatalf("errors: traced %v, untraced %v", err, plainErr)
			}
			if err != nil {
				if err.Error() != plainErr.Error() || reflect.TypeOf(err) != reflect.TypeOf(plainErr) {
					t.Errorf("traced error %T %v\nuntraced %T %v", err, err, plainErr, plainErr)
				}
				tc.checkErr(t, err)
				tc.checkErr(t, plainErr)
			}
			if !reflect.DeepEqual(got, plain) {
				t.Errorf("traced result %+v\nuntraced %+v", got, plain)
			}
			if tc.cassette == "" {
				return
			}
			// The raw bytes, status and headers of every recorded exchange.
			for i, ix := range interactions(t, tc.cassette) {
				send := func(rt http.RoundTripper) (*http.Response, []byte) {
					req, err := http.NewRequest(ix.Request.Method, ix.Request.URL, strings.NewReader(ix.Request.Body))
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Content-Type", "application/json")
					resp, err := (&http.Client{Transport: rt}).Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					body, err := io.ReadAll(resp.Body)
					if err != nil {
						t.Fatal(err)
					}
					return resp, body
				}
				// Each interaction answers once: a fresh recorder per request, skipping the
				// interactions before this one.
				fresh := func() http.RoundTripper {
					rec := replay(t, tc.cassette)
					ixs := interactions(t, tc.cassette)
					for _, before := range ixs[:i] {
						r, _ := http.NewRequest(before.Request.Method, before.Request.URL, strings.NewReader(before.Request.Body))
						if resp, err := rec.RoundTrip(r); err == nil {
							resp.Body.Close()
						}
					}
					return rec
				}
				plainResp, plainBody := send(fresh())
				resp, body := send(openai.NewTransport(fresh()))
				if string(body) != string(plainBody) || string(body) != ix.Response.Body {
					t.Errorf("interaction %d: traced body differs:\n%q\nuntraced:\n%q", i, body, plainBody)
				}
				if resp.Status != plainResp.Status || resp.StatusCode != ix.Response.Code ||
					resp.ContentLength != plainResp.ContentLength || !reflect.DeepEqual(resp.Header, plainResp.Header) {
					t.Errorf("interaction %d: traced %s %d %v\nuntraced %s %d %v", i, resp.Status, resp.ContentLength, resp.Header,
						plainResp.Status, plainResp.ContentLength, plainResp.Header)
				}
			}
		})
	}
}
