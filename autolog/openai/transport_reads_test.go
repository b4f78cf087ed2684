package openai_test

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/agentlens/agentlens/autolog/openai"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// tinyReadsStream is a chat stream of n content chunks, [DONE] last.
func tinyReadsStream(n int) string {
	var b strings.Builder
	b.WriteString(chatStreamChunks[0])
	for i := 0; i < n; i++ {
		b.WriteString(chatStreamChunks[1+i%(len(chatStreamChunks)-4)])
	}
	b.WriteString(chatStreamChunks[len(chatStreamChunks)-3]) // finish
	b.WriteString(chatStreamChunks[len(chatStreamChunks)-2]) // usage
	b.WriteString("data: [DONE]\n\n")
	return b.String()
}

// TestTinyReadsBoundedBookkeeping (issue 15, point 4): a caller that reads a stream one byte
// per Read makes the tracing allocate in proportion to the stream's bytes, not to its reads
// (the bookkeeping was about 60 bytes a Read, so a 1 MB stream cost over 30 MB).
func TestTinyReadsBoundedBookkeeping(t *testing.T) {
	body := tinyReadsStream(3500) // about 1 MB
	traces := tracetest.Capture(t)
	req, err := http.NewRequest(http.MethodPost, apiBaseURL+"/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := openai.NewTransport(sseResponder(body)).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	one := make([]byte, 1)
	var got strings.Builder
	got.Grow(len(body))
	for got.Len() < len(body) { // every byte, but not yet the end (whose export allocates)
		n, err := resp.Body.Read(one)
		got.Write(one[:n])
		if err != nil {
			t.Fatalf("read %d bytes: %v", got.Len(), err)
		}
	}
	runtime.ReadMemStats(&after)
	if n, err := resp.Body.Read(one); n != 0 || err != io.EOF {
		t.Fatalf("after the body: %d, %v", n, err)
	}
	resp.Body.Close()
	if got.String() != body {
		t.Fatal("the caller read other bytes than the server sent")
	}
	allocated := after.TotalAlloc - before.TotalAlloc - uint64(got.Cap()) // the caller's own buffer is sized up front
	t.Logf("%d bytes read one per Read; the tracing allocated %d bytes meanwhile", len(body), allocated)
	// The kept bytes, grown by append, take a few times their size; per-Read bookkeeping
	// would take dozens.
	if limit := 10 * uint64(len(body)); allocated > limit {
		t.Errorf("reading %d bytes one per Read allocated %d bytes, want under %d", len(body), allocated, limit)
	}
	span := traces.LastTrace().RootSpan()
	if span.Status.Code != "OK" {
		t.Errorf("status %+v", span.Status)
	}
	if n := len(chunkEvents(t, span)); n != 3500+3 {
		t.Errorf("%d chunk events, want %d", n, 3500+3)
	}
}

// pausingBody hands out its pieces one per Read, pausing before each but the first.
type pausingBody struct {
	pieces []string
	pause  time.Duration
	n      int
}

func (b *pausingBody) Read(p []byte) (int, error) {
	if b.n == len(b.pieces) {
		return 0, io.EOF
	}
	if b.n > 0 {
		time.Sleep(b.pause)
	}
	n := copy(p, b.pieces[b.n])
	b.pieces[b.n] = b.pieces[b.n][n:]
	if b.pieces[b.n] == "" {
		b.n++
	}
	return n, nil
}

func (b *pausingBody) Close() error { return nil }

// TestChunkTimesFollowArrival: a chunk event is stamped when the last byte of its event
// arrived, also when the event comes in several reads, so the gaps between chunk events are
// the gaps of the stream.
func TestChunkTimesFollowArrival(t *testing.T) {
	const pause = 30 * time.Millisecond
	c0, c1, c2 := chatStreamChunks[0], chatStreamChunks[1], chatStreamChunks[len(chatStreamChunks)-3]
	pieces := []string{c0, c1[:20], c1[20:], c2, "data: [DONE]\n\n"} // c1 ends one pause after it starts
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body: &pausingBody{pieces: pieces, pause: pause}, Request: r, ContentLength: -1,
		}, nil
	})
	traces := tracetest.Capture(t)
	req, _ := http.NewRequest(http.MethodPost, apiBaseURL+"/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}`))
	resp, err := openai.NewTransport(rt).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	span := traces.LastTrace().RootSpan()
	events := chunkEvents(t, span)
	if len(events) != 3 {
		t.Fatalf("%d chunk events", len(events))
	}
	// c0 arrives at once, c1 two pauses later (its second half), c2 one pause after that.
	for i, wantGap := range []time.Duration{2 * pause, pause} {
		gap := time.Duration(events[i+1].TimeUnixNano - events[i].TimeUnixNano)
		if gap < wantGap-2*time.Millisecond || gap > wantGap+25*time.Millisecond {
			t.Errorf("chunk %d came %v after chunk %d, want about %v", i+1, gap, i, wantGap)
		}
	}
	if start := span.StartTimeUnixNano; events[0].TimeUnixNano < start || time.Duration(events[0].TimeUnixNano-start) > 20*time.Millisecond {
		t.Errorf("first chunk at %d, span start %d", events[0].TimeUnixNano, start)
	}
	if v, _ := span.Attributes[spantypes.KeyTimeToFirstTokenMS]; v == "" {
		t.Error("no time to first token")
	}
}
