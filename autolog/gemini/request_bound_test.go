package gemini_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/gemini"
	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

const generateURL = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"

// readCounter counts what is read of a body and whether it was closed.
type readCounter struct {
	r      io.Reader
	read   int
	closed bool
}

func (b *readCounter) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

func (b *readCounter) Close() error { b.closed = true; return nil }

// A request body over the payload cap is read only up to the bound before it is sent (the
// server still gets all of it), the caller's request keeps its body, and the span's inputs
// are the first bytes with the truncation marker.
func TestRequestBodyOverCap(t *testing.T) {
	const capBytes = 4096
	traces := tracetest.Capture(t, sdk.WithMaxPayloadBytes(capBytes))
	body := `{"contents":[{"role":"user","parts":[{"text":"` + strings.Repeat("long prompt ", 50_000) + `"}]}]}`
	orig := &readCounter{r: strings.NewReader(body)}
	req, _ := http.NewRequest(http.MethodPost, generateURL, orig)
	req.ContentLength = int64(len(body))
	const answer = `{"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],"modelVersion":"gemini-2.0-flash"}`
	var readBeforeSend int
	var sent []byte
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		readBeforeSend = orig.read
		sent, _ = io.ReadAll(r.Body)
		r.Body.Close()
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(answer)), Request: r, ContentLength: int64(len(answer))}, nil
	})
	resp, err := gemini.NewTransport(base).RoundTrip(req)
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
		t.Errorf("read %d bytes of a %d-byte body before sending it, want at most %d", readBeforeSend, len(body), limit)
	}
	span := traces.LastTrace().RootSpan()
	in := span.StringAttribute(spantypes.KeySpanInputs)
	if len(span.Attributes[spantypes.KeySpanInputs]) > capBytes || !strings.HasPrefix(in, `{"contents":[{"role":"user","parts":[{"text":"long prompt`) ||
		!strings.HasSuffix(in, "...[truncated, "+strconv.Itoa(len(body))+" bytes total]") {
		t.Errorf("inputs (%d bytes) %.80q...%q", len(span.Attributes[spantypes.KeySpanInputs]), in, in[max(0, len(in)-60):])
	}
	if m := span.StringAttribute(spantypes.KeyLLMModel); m != "gemini-2.0-flash" || span.Status.Code != "OK" {
		t.Errorf("model %q, status %+v", m, span.Status)
	}
}

// A request body that fails to read leaves the caller's request as it was; the base
// transport meets the same failure after the bytes read.
func TestRequestBodyReadFails(t *testing.T) {
	tracetest.Capture(t)
	broke := errors.New("request body broke")
	orig := io.NopCloser(io.MultiReader(strings.NewReader(`{"contents":`), errReader{broke}))
	req, _ := http.NewRequest(http.MethodPost, generateURL, orig)
	var got []byte
	var gotErr error
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got, gotErr = io.ReadAll(r.Body)
		return nil, gotErr
	})
	if _, err := gemini.NewTransport(base).RoundTrip(req); err != broke {
		t.Fatalf("error %v, want %v", err, broke)
	}
	if string(got) != `{"contents":` || gotErr != broke {
		t.Errorf("the base transport read %q, %v", got, gotErr)
	}
	if req.Body != orig {
		t.Error("the caller's request got another body")
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
