package httptap

import (
	"errors"
	"io"
	"net/http"
	"strconv"
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
	started := time.Now()
	s := NewStream(7, started, false)
	s.Data([]byte("a\n"))
	time.Sleep(2 * markGranularity)
	s.Data([]byte("b")) // no line break: goes with the next mark
	s.Data([]byte("c\n"))
	s.Data([]byte("d\n")) // within the same millisecond window, most likely: merged
	s.Data([]byte("ef"))  // past the limit
	s.MarkEnd()
	var pieces []string
	var times []time.Time
	s.Pieces(func(p []byte, at time.Time) { pieces = append(pieces, string(p)); times = append(times, at) })
	if !s.Overflow() || string(s.Bytes()) != "a\nbc\nd\n" || pieces[0] != "a\n" || !strings.HasPrefix(pieces[1], "bc\n") {
		t.Fatalf("overflow %v bytes %q pieces %q", s.Overflow(), s.Bytes(), pieces)
	}
	if !times[1].After(times[0]) || times[0].Before(started) {
		t.Errorf("times %v, started %v", times, started)
	}
	if last := pieces[len(pieces)-1]; last != "" || len(pieces) > 4 {
		t.Errorf("pieces %q: the tail after the last mark is empty here", pieces)
	}
	s.Release()
}

// Tiny reads without a line break add no marks; those that hold one add at most one mark
// per millisecond window.
func TestStreamMarksBounded(t *testing.T) {
	s := NewStream(1<<20, time.Now(), false)
	for i := 0; i < 10000; i++ {
		s.Data([]byte("x"))
	}
	if len(s.reads) != 0 {
		t.Fatalf("%d marks for reads without a line break", len(s.reads))
	}
	begin := time.Now()
	for i := 0; i < 10000; i++ {
		s.Data([]byte("\n"))
	}
	if limit := int(time.Since(begin)/markGranularity) + 1; len(s.reads) > limit {
		t.Errorf("%d marks in %v, want at most %d", len(s.reads), time.Since(begin), limit)
	}
	if s.Events() != 10000/2+1 {
		t.Errorf("Events() = %d", s.Events())
	}
	every := NewStream(10, time.Now(), true)
	every.Data([]byte("x"))
	if len(every.reads) != 1 {
		t.Errorf("anyRead: %d marks", len(every.reads))
	}
	s.Release()
	every.Release()
}

func TestRequestBodyKeptAndFailure(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://x/", strings.NewReader(`{"a":1}`))
	body, err := ReadRequestBody(req, 100)
	if err != nil || body.Text != `{"a":1}` || body.Truncated {
		t.Fatalf("%+v %v", body, err)
	}
	out := WithBody(req.Clone(req.Context()), req, body)
	b, _ := io.ReadAll(out.Body)
	again, _ := out.GetBody()
	b2, _ := io.ReadAll(again)
	if string(b) != body.Text || string(b2) != body.Text {
		t.Errorf("body %q, GetBody %q", b, b2)
	}
	want := errors.New("broken")
	orig := req.Body
	failing := WithFailingBody(req, "par", want)
	b, err = io.ReadAll(failing.Body)
	if string(b) != "par" || err != want {
		t.Errorf("failing body %q %v", b, err)
	}
	if req.Body != orig || failing == req {
		t.Error("WithFailingBody changed the caller's request")
	}
}

// A body longer than the limit is read up to it (and one byte); the request sent gets the
// bytes read and then the rest, and the caller's request keeps its own body.
func TestRequestBodyBounded(t *testing.T) {
	full := `{"model":"m","contents":"` + strings.Repeat("x", 300) + `"}`
	req, _ := http.NewRequest(http.MethodPost, "http://x/", strings.NewReader(full))
	orig := req.Body
	body, err := ReadRequestBody(req, 100)
	if err != nil || !body.Truncated || len(body.Text) != 101 {
		t.Fatalf("truncated %v, %d bytes read, %v", body.Truncated, len(body.Text), err)
	}
	out := WithBody(req.WithContext(req.Context()), req, body)
	sent, _ := io.ReadAll(out.Body)
	if string(sent) != full {
		t.Errorf("sent %d bytes, want the whole %d", len(sent), len(full))
	}
	if req.Body != orig {
		t.Error("the caller's request got another body")
	}
	in := TruncatedInputs(body.Text, 100, req.ContentLength)
	if !strings.HasSuffix(in, "[truncated, "+strconv.Itoa(len(full))+` bytes total]"`) || len(in) > 100 {
		t.Errorf("inputs %q (%d bytes)", in, len(in))
	}
}
