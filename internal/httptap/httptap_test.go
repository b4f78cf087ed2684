package httptap

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type recSink struct {
	data        strings.Builder
	ends        int
	err         error
	closed      bool
	panicOnData bool
}

func (s *recSink) Data(p []byte) {
	if s.panicOnData {
		panic("boom")
	}
	s.data.Write(p)
}
func (s *recSink) End(err error, closed bool) { s.ends++; s.err, s.closed = err, closed }

func respWith(body io.ReadCloser) *http.Response { return &http.Response{Body: body} }

func TestWrapEndsOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		read       bool
		wantClosed bool
	}{{"read to EOF, then closed", true, false}, {"closed early", false, true}} {
		s := &recSink{}
		resp := respWith(io.NopCloser(strings.NewReader("hello")))
		Wrap(resp, s, "test")
		if tc.read {
			b, err := io.ReadAll(resp.Body)
			if err != nil || string(b) != "hello" {
				t.Fatalf("%s: read %q %v", tc.name, b, err)
			}
		}
		resp.Body.Close()
		resp.Body.Close()
		if s.ends != 1 || s.closed != tc.wantClosed || (tc.read && s.data.String() != "hello") {
			t.Errorf("%s: ends %d closed %v data %q", tc.name, s.ends, s.closed, s.data.String())
		}
	}
}

func TestWrapReadErrorAndPanic(t *testing.T) {
	want := errors.New("reset")
	s := &recSink{panicOnData: true}
	resp := respWith(io.NopCloser(io.MultiReader(strings.NewReader("ab"), errOnly{want})))
	Wrap(resp, s, "test")
	b, err := io.ReadAll(resp.Body)
	if string(b) != "ab" || err != want {
		t.Fatalf("caller got %q %v: a panicking sink must not change the body or the error", b, err)
	}
	if s.ends != 1 || s.err != want {
		t.Errorf("ends %d err %v", s.ends, s.err)
	}
	s2 := &recSink{}
	Wrap(&http.Response{Body: http.NoBody}, s2, "test")
	if s2.ends != 1 {
		t.Errorf("a response without a body ends the sink at once: %d", s2.ends)
	}
}

type errOnly struct{ err error }

func (e errOnly) Read([]byte) (int, error) { return 0, e.err }

func TestStreamLimitAndPieces(t *testing.T) {
	s := NewStream(5)
	s.Data([]byte("ab"))
	time.Sleep(time.Millisecond)
	s.Data([]byte("cd"))
	s.Data([]byte("ef")) // past the limit
	var pieces []string
	var times []time.Time
	s.Pieces(func(p []byte, at time.Time) { pieces = append(pieces, string(p)); times = append(times, at) })
	if !s.Overflow() || string(s.Bytes()) != "abcd" || len(pieces) != 2 || pieces[1] != "cd" || !times[1].After(times[0]) {
		t.Errorf("overflow %v bytes %q pieces %q", s.Overflow(), s.Bytes(), pieces)
	}
	s.Release()
}

func TestRequestBodyKeptAndFailure(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://x/", strings.NewReader(`{"a":1}`))
	body, err := ReadRequestBody(req)
	if err != nil || body != `{"a":1}` {
		t.Fatalf("%q %v", body, err)
	}
	out := WithBody(req.Clone(req.Context()), body)
	b, _ := io.ReadAll(out.Body)
	again, _ := out.GetBody()
	b2, _ := io.ReadAll(again)
	if string(b) != body || string(b2) != body {
		t.Errorf("body %q, GetBody %q", b, b2)
	}
	want := errors.New("broken")
	failing := WithFailingBody(req, "par", want)
	b, err = io.ReadAll(failing.Body)
	if string(b) != "par" || err != want {
		t.Errorf("failing body %q %v", b, err)
	}
}
