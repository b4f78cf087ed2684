package openai_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// compressor returns a writer compressing into w in the encoding enc names.
func compressor(t *testing.T, enc string, w io.Writer) interface {
	io.WriteCloser
	Flush() error
} {
	t.Helper()
	switch enc {
	case "gzip":
		return gzip.NewWriter(w)
	case "deflate":
		return zlib.NewWriter(w)
	case "raw deflate":
		fw, err := flate.NewWriter(w, flate.DefaultCompression)
		if err != nil {
			t.Fatal(err)
		}
		return fw
	}
	t.Fatalf("no compressor for %q", enc)
	return nil
}

// compressedServer answers with body compressed in enc, written (and flushed) in pieces,
// when the request accepts the encoding; otherwise plainly.
func compressedServer(t *testing.T, enc, contentType string, status int, pieces []string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		header := map[string]string{"raw deflate": "deflate"}[enc]
		if header == "" {
			header = enc
		}
		if !strings.Contains(r.Header.Get("Accept-Encoding"), header) {
			t.Errorf("the request does not accept %s: %q", header, r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", header)
		w.WriteHeader(status)
		zw := compressor(t, enc, w)
		for _, p := range pieces {
			_, _ = io.WriteString(zw, p)
			_ = zw.Flush()
			w.(http.Flusher).Flush()
		}
		_ = zw.Close()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// postAccepting sends a chat request that accepts enc itself, so that net/http leaves the
// body compressed, and returns the bytes the caller read.
func postAccepting(t *testing.T, rt http.RoundTripper, url, enc, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", enc)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, got
}

// TestCompressedResponses (issue 15, point 3): with Accept-Encoding set by the caller, the
// caller reads the compressed bytes the server sent, and the span reads them decoded: the
// stream's chunks and assembled response, the JSON response as outputs.
func TestCompressedResponses(t *testing.T) {
	const streamReq = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Write a haiku about Go channels."}],"stream":true,"stream_options":{"include_usage":true}}`
	const jsonReq = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"In one sentence, what is a goroutine?"}]}`
	for _, enc := range []string{"gzip", "deflate", "raw deflate"} {
		t.Run(enc+" stream", func(t *testing.T) {
			srv := compressedServer(t, enc, "text/event-stream; charset=utf-8", 200, chatStreamChunks)
			header := strings.TrimPrefix(enc, "raw ")
			_, plain := postAccepting(t, srv.Client().Transport, srv.URL, header, streamReq)
			traces := tracetest.Capture(t)
			resp, got := postAccepting(t, openai.NewTransport(srv.Client().Transport), srv.URL, header, streamReq)
			if !bytes.Equal(got, plain) || resp.Header.Get("Content-Encoding") != header {
				t.Fatalf("the caller read %d bytes (%s), untraced %d", len(got), resp.Header.Get("Content-Encoding"), len(plain))
			}
			if tree := tracetest.Tree(traces.LastTrace()); tree != "CHAT_MODEL Completions OK\n" {
				t.Fatalf("tree:\n%s", tree)
			}
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				inputs: streamReq, outputs: haikuAssembled(),
				usage: usage(14, 17, 31), model: "gpt-4o-mini", provider: "local", operation: "chat",
				responseModel: "gpt-4o-mini-2024-07-18", responseID: haikuID, finishReasons: []string{"stop"},
				stream: true, chunks: sseData(strings.Join(chatStreamChunks, "")),
			}.check(t, traces.LastTrace().RootSpan())
		})
		t.Run(enc+" JSON", func(t *testing.T) {
			srv := compressedServer(t, enc, "application/json", 200, []string{chatResponse[:100], chatResponse[100:]})
			header := strings.TrimPrefix(enc, "raw ")
			_, plain := postAccepting(t, srv.Client().Transport, srv.URL, header, jsonReq)
			traces := tracetest.Capture(t)
			_, got := postAccepting(t, openai.NewTransport(srv.Client().Transport), srv.URL, header, jsonReq)
			if !bytes.Equal(got, plain) {
				t.Fatalf("the caller read %d bytes, untraced %d", len(got), len(plain))
			}
			modelSpan{
				spanType: spantypes.ChatModel, name: "Completions",
				inputs: jsonReq, outputs: chatResponse,
				usage: usage(27, 22, 49), model: "gpt-4o-mini", provider: "local", operation: "chat",
				responseModel: "gpt-4o-mini-2024-07-18", responseID: "chatcmpl-C7Kx2mQ9rTbZ4nW8vLpE1sYdHfGaJ",
				finishReasons: []string{"stop"},
			}.check(t, traces.LastTrace().RootSpan())
		})
	}
	// An encoding the adapter cannot read leaves the content unrecorded, not garbled, and
	// the span as the HTTP exchange went.
	t.Run("unreadable encoding", func(t *testing.T) {
		body := "\x1b\x8b\x00\xf8\x95\x11\x03" // not JSON, as a br body is not
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"br"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r, ContentLength: int64(len(body)),
			}, nil
		})
		traces := tracetest.Capture(t)
		resp, got := postAccepting(t, openai.NewTransport(rt), "https://api.openai.com", "br", jsonReq)
		if string(got) != body || resp.StatusCode != 200 {
			t.Fatalf("the caller read %q", got)
		}
		modelSpan{
			spanType: spantypes.ChatModel, name: "Completions",
			inputs: jsonReq, model: "gpt-4o-mini", provider: "openai", operation: "chat",
		}.check(t, traces.LastTrace().RootSpan())
	})
}
