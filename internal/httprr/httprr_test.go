package httprr

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// record writes exchanges the way the recorder does: the request with WriteProxy, the
// response with Response.Write, each preceded by their sizes.
func record(t *testing.T, reqs []*http.Request, resps []*http.Response) []byte {
	t.Helper()
	b := bytes.NewBufferString(magic)
	for i := range reqs {
		var req, resp bytes.Buffer
		if err := reqs[i].WriteProxy(&req); err != nil {
			t.Fatal(err)
		}
		if err := resps[i].Write(&resp); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(b, "%d %d\n", req.Len(), resp.Len())
		b.Write(req.Bytes())
		b.Write(resp.Bytes())
	}
	return b.Bytes()
}

// writeFile writes data at root/rel, making its folders.
func writeFile(t *testing.T, root, rel string, data []byte) string {
	t.Helper()
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	chatReq   = `{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}`
	chatResp  = `{"id":"chatcmpl-1","object":"chat.completion","choices":[]}`
	streamReq = `{"model":"gpt-4o","stream":true}`
	streamSSE = "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
		"data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n" +
		"data: [DONE]\n\n"
)

// sample returns a file of two exchanges: a JSON chat completion and a chunked SSE stream.
func sample(t *testing.T) []byte {
	t.Helper()
	newReq := func(body string) *http.Request {
		req, err := http.NewRequest("POST", "https://api.openai.com/v1/chat/completions", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer test-key")
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	resp1 := &http.Response{
		StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_1"}},
		ContentLength: int64(len(chatResp)),
		Body:          io.NopCloser(strings.NewReader(chatResp)),
	}
	resp2 := &http.Response{
		StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1,
		Header:           http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}},
		ContentLength:    -1,
		TransferEncoding: []string{"chunked"},
		Body:             io.NopCloser(strings.NewReader(streamSSE)),
	}
	return record(t, []*http.Request{newReq(chatReq), newReq(streamReq)}, []*http.Response{resp1, resp2})
}

func TestRead(t *testing.T) {
	root := t.TempDir()
	data := sample(t)
	if !bytes.Contains(data, []byte("Transfer-Encoding: chunked")) {
		t.Fatalf("the sample stream is not chunked:\n%s", data)
	}
	writeFile(t, root, "b/chat.httprr", data)
	writeFile(t, root, "a/README.md", []byte("not a trace"))
	writeFile(t, root, "a/empty.httprr", []byte(magic))

	exs, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 2 {
		t.Fatalf("%d exchanges, want 2", len(exs))
	}
	want := []struct {
		reqBody, respBody, contentType string
		contentLength                  int64
		transferEncoding               []string
	}{
		{chatReq, chatResp, "application/json", int64(len(chatResp)), nil},
		{streamReq, streamSSE, "text/event-stream; charset=utf-8", -1, []string{"chunked"}},
	}
	for i, ex := range exs {
		w := want[i]
		if ex.File != "b/chat.httprr" || ex.Index != i {
			t.Errorf("exchange %d: File %q Index %d", i, ex.File, ex.Index)
		}
		req := ex.Request
		if req.Method != "POST" || req.URL.String() != "https://api.openai.com/v1/chat/completions" || req.Host != "api.openai.com" {
			t.Errorf("exchange %d: request %s %s host %s", i, req.Method, req.URL, req.Host)
		}
		if req.Header.Get("Authorization") != "Bearer test-key" || req.Header.Get("Content-Type") != "application/json" {
			t.Errorf("exchange %d: request header %v", i, req.Header)
		}
		if req.ContentLength != int64(len(w.reqBody)) {
			t.Errorf("exchange %d: request ContentLength %d", i, req.ContentLength)
		}
		if string(ex.RequestBody) != w.reqBody {
			t.Errorf("exchange %d: RequestBody %q", i, ex.RequestBody)
		}
		if b, err := io.ReadAll(req.Body); err != nil || string(b) != w.reqBody {
			t.Errorf("exchange %d: Request.Body reads %q, %v", i, b, err)
		}
		resp := ex.Response
		if resp.StatusCode != 200 || resp.Status != "200 OK" || resp.Proto != "HTTP/1.1" {
			t.Errorf("exchange %d: status %q %s", i, resp.Status, resp.Proto)
		}
		if resp.Header.Get("Content-Type") != w.contentType {
			t.Errorf("exchange %d: response header %v", i, resp.Header)
		}
		if resp.ContentLength != w.contentLength || !reflect.DeepEqual(resp.TransferEncoding, w.transferEncoding) {
			t.Errorf("exchange %d: ContentLength %d TransferEncoding %q", i, resp.ContentLength, resp.TransferEncoding)
		}
		if resp.Request != req {
			t.Errorf("exchange %d: Response.Request is not Request", i)
		}
		if string(ex.ResponseBody) != w.respBody {
			t.Errorf("exchange %d: ResponseBody %q", i, ex.ResponseBody)
		}
		if b, err := io.ReadAll(resp.Body); err != nil || string(b) != w.respBody {
			t.Errorf("exchange %d: Response.Body reads %q, %v", i, b, err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Errorf("exchange %d: close: %v", i, err)
		}
	}
	if exs[0].Response.Header.Get("X-Request-Id") != "req_1" {
		t.Errorf("response header %v", exs[0].Response.Header)
	}
}

func TestReadOrder(t *testing.T) {
	root := t.TempDir()
	data := sample(t)
	writeFile(t, root, "z.httprr", data)
	writeFile(t, root, "m/n.httprr", data)
	exs, err := Read(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ex := range exs {
		got = append(got, fmt.Sprintf("%s#%d", ex.File, ex.Index))
	}
	if want := []string{"m/n.httprr#0", "m/n.httprr#1", "z.httprr#0", "z.httprr#1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}

func TestReadMalformed(t *testing.T) {
	good := sample(t)
	body := good[len(magic):]
	sizeLine, _, _ := bytes.Cut(body, []byte("\n"))
	var n1, n2 int
	if _, err := fmt.Sscanf(string(sizeLine), "%d %d", &n1, &n2); err != nil {
		t.Fatal(err)
	}
	first := body[len(sizeLine)+1:]
	req, resp := first[:n1], first[n1:n1+n2]
	exchangeOf := func(sizes string, rest ...[]byte) []byte {
		return append([]byte(magic+sizes+"\n"), bytes.Join(rest, nil)...)
	}
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"bad magic", "not an httprr trace", append([]byte("httprr trace v2\n"), body...)},
		{"empty file", "not an httprr trace", nil},
		{"sizes not numbers", "bad size line", exchangeOf("a b", req, resp)},
		{"one size", "bad size line", exchangeOf(fmt.Sprint(n1), req, resp)},
		{"three sizes", "bad size line", exchangeOf(fmt.Sprintf("%d %d 0", n1, n2), req, resp)},
		{"negative size", "bad size line", exchangeOf(fmt.Sprintf("-1 %d", n1+n2+1), req, resp)},
		{"sizes beyond the end", "truncated", exchangeOf(fmt.Sprintf("%d %d", n1, n2+1), req, resp)},
		{"truncated size line", "truncated size line", append(append([]byte{}, good...), "12 3"...)},
		{"truncated file", "truncated", good[:len(good)-5]},
		{"request size too small", "request body: unexpected EOF", exchangeOf(fmt.Sprintf("%d %d", n1-3, n2+3), req, resp)},
		{"request size too large", "bytes after the body", exchangeOf(fmt.Sprintf("%d %d", n1+3, n2-3), req, resp)},
		{"response cut short", "response body: unexpected EOF", exchangeOf(fmt.Sprintf("%d %d", n1, n2-3), req, resp[:n2-3])},
		{"not a request", "request: malformed", exchangeOf(fmt.Sprintf("%d %d", n1, n2), bytes.Repeat([]byte("x"), n1), resp)},
		{"not a response", "response: malformed", exchangeOf(fmt.Sprintf("%d %d", n1, n1), req, req)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "ok.httprr", good)
			path := writeFile(t, root, "sub/bad.httprr", tt.data)
			exs, err := Read(root)
			if err == nil {
				t.Fatalf("no error, %d exchanges", len(exs))
			}
			if exs != nil {
				t.Errorf("%d exchanges with the error", len(exs))
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want one naming %s and saying %q", err, path, tt.want)
			}
		})
	}
}

func TestReadMissingRoot(t *testing.T) {
	if _, err := Read(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Fatal("no error for a missing root")
	}
}

func TestRoot(t *testing.T) {
	tmp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(tmp, "shared", "fixtures", "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(tmp, "main", "a", "b")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(pkg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	})
	if got, want := Root(2), filepath.Join("..", "..", "..", "shared", "fixtures", "real"); got != want {
		t.Errorf("Root(2) = %q, want %q", got, want)
	}
	for _, depth := range []int{0, 1, 3} {
		if got := Root(depth); got != "" {
			t.Errorf("Root(%d) = %q, want \"\"", depth, got)
		}
	}
}

func TestReplay(t *testing.T) {
	raw := "httprr trace v1\n"
	add := func(body, resp string) {
		req := "POST https://api.example.com/v1/x HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
		res := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(resp)) + "\r\n\r\n" + resp
		raw += strconv.Itoa(len(req)) + " " + strconv.Itoa(len(res)) + "\n" + req + res
	}
	add(`{"a":1,"b":2}`, "first")
	add(`{"a":1,"b":2}`, "second")
	add(`{"c":3}`, "third")
	exs, err := parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	rp := NewReplay(exs)
	get := func(body string) (string, error) {
		req, _ := http.NewRequest("POST", "https://api.example.com/v1/x", strings.NewReader(body))
		resp, err := rp.RoundTrip(req)
		if err != nil {
			return "", err
		}
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	for _, c := range []struct{ body, want string }{
		{`{"c": 3}`, "third"}, // out of order, JSON-equal
		{`{"b":2,"a":1}`, "first"},
		{`{"a":1,"b":2}`, "second"},
	} {
		if got, err := get(c.body); err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.body, got, err, c.want)
		}
	}
	if _, err := get(`{"c":3}`); err == nil || !strings.Contains(err.Error(), "no recorded exchange left") {
		t.Errorf("a used exchange answered again: %v", err)
	}
	if rp.Unused() != 0 {
		t.Errorf("unused %d", rp.Unused())
	}
}
