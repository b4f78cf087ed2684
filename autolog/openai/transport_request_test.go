package openai_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// countingBody counts the bytes read from it, fails after fail bytes when fail > 0, and
// remembers that it was closed.
type countingBody struct {
	r      io.Reader
	read   int
	fail   int
	closed bool
}

var errBodyBroke = errors.New("request body broke")

func (b *countingBody) Read(p []byte) (int, error) {
	if b.fail > 0 && b.read >= b.fail {
		return 0, errBodyBroke
	}
	if b.fail > 0 && len(p) > b.fail-b.read {
		p = p[:b.fail-b.read]
	}
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

func (b *countingBody) Close() error { b.closed = true; return nil }

// TestRequestBodyReadFails (issue 15, point 5): when the request body cannot be read, the
// transport leaves the caller's request as it was (http.RoundTripper must not modify it),
// and the base transport meets the same failure.
func TestRequestBodyReadFails(t *testing.T) {
	const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`
	tracetest.Capture(t)
	orig := &countingBody{r: strings.NewReader(body), fail: 10}
	req, err := http.NewRequest(http.MethodPost, apiBaseURL+"/chat/completions", orig)
	if err != nil {
		t.Fatal(err)
	}
	var sent []byte
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		sent = b
		return nil, err
	})
	_, err = openai.NewTransport(base).RoundTrip(req)
	if !errors.Is(err, errBodyBroke) {
		t.Errorf("error %v, want the body's", err)
	}
	if req.Body != io.ReadCloser(orig) {
		t.Errorf("the caller's req.Body was replaced by %T", req.Body)
	}
	if string(sent) != body[:10] {
		t.Errorf("the base transport read %q, want %q then the error", sent, body[:10])
	}
	if !orig.closed {
		t.Error("the request body was not closed")
	}
}

// TestRequestBodyOverCap (issue 15, point 5): a request body longer than what the span may
// record is not read whole before it is sent: the transport reads what it records (the
// payload cap, or at least 64 KB), the server gets every byte, and the inputs are the first
// bytes, cut with the marker; the model is still read.
func TestRequestBodyOverCap(t *testing.T) {
	const capBytes = 4096
	traces := tracetest.Capture(t, sdk.WithMaxPayloadBytes(capBytes))
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + strings.Repeat("long prompt ", 50_000) + `"}]}`
	orig := &countingBody{r: strings.NewReader(body)}
	req, err := http.NewRequest(http.MethodPost, apiBaseURL+"/chat/completions", orig)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	var readBeforeSend int
	var sent []byte
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		readBeforeSend = orig.read
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		sent = b
		if err != nil {
			return nil, err
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(chatResponse)), Request: r, ContentLength: int64(len(chatResponse))}, nil
	})
	resp, err := openai.NewTransport(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if string(sent) != body {
		t.Fatalf("the server got %d bytes, want all %d", len(sent), len(body))
	}
	if req.Body != io.ReadCloser(orig) || !orig.closed {
		t.Errorf("the caller's body was replaced (%T) or not closed (%v)", req.Body, orig.closed)
	}
	if limit := 64<<10 + 1; readBeforeSend > limit {
		t.Errorf("the transport read %d bytes of a %d-byte body before sending it, want at most %d", readBeforeSend, len(body), limit)
	}
	span := traces.LastTrace().RootSpan()
	in := span.StringAttribute(spantypes.KeySpanInputs)
	if len(span.Attributes[spantypes.KeySpanInputs]) > capBytes || !strings.HasPrefix(in, `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"long prompt long`) ||
		!strings.HasSuffix(in, "...[truncated, "+strconv.Itoa(len(body))+" bytes total]") {
		t.Errorf("inputs (%d bytes) %.100q...%q", len(span.Attributes[spantypes.KeySpanInputs]), in, in[max(0, len(in)-60):])
	}
	if m := span.StringAttribute(spantypes.KeyLLMModel); m != "gpt-4o-mini" {
		t.Errorf("model %q", m)
	}
	if span.Status.Code != "OK" {
		t.Errorf("status %+v", span.Status)
	}
}
