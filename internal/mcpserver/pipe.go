package mcpserver

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The SDK's stdio transport ends the session as soon as stdin ends, dropping the answers to
// requests still being handled: "printf '<initialize>\n<tools/list>\n' | agentlens mcp"
// would print nothing. PipeTransport holds the end of input back until every request read
// has been answered (or drainTimeout passed), so a piped batch of requests gets all its
// answers, as it does from an interactive client.

// drainTimeout bounds the wait for answers after the end of input.
const drainTimeout = 30 * time.Second

// PipeTransport returns a transport of newline-delimited JSON-RPC over r and w (stdin and
// stdout) that answers every request it read before it reports the end of r. Closing the
// session closes neither r nor w.
func PipeTransport(r io.Reader, w io.Writer) mcp.Transport {
	c := &counter{changed: make(chan struct{})}
	return &mcp.IOTransport{
		Reader: &drainReader{r: r, c: c},
		Writer: &countWriter{w: w, c: c},
	}
}

// counter counts the requests read and the responses written.
type counter struct {
	mu                  sync.Mutex
	requests, responses int
	changed             chan struct{} // closed and replaced on every change
}

func (c *counter) add(requests, responses int) {
	if requests == 0 && responses == 0 {
		return
	}
	c.mu.Lock()
	c.requests += requests
	c.responses += responses
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// waitAnswered returns once as many responses as requests were written, or after timeout.
func (c *counter) waitAnswered(timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		done, changed := c.responses >= c.requests, c.changed
		c.mu.Unlock()
		if done {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		}
	}
}

// lines splits the complete lines off buf, keeping a partial last line in it.
type lines struct{ buf []byte }

func (l *lines) feed(p []byte, each func([]byte)) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return
		}
		each(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

// wireMessage has the fields that tell a request (id and method) from a response (id, no
// method) and a notification (no id).
type wireMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// classify counts the requests and responses of one line: a message or a batch of them.
// A line that is not JSON counts as nothing (the SDK answers it with a parse error, which
// has no id to match, or drops it).
func classify(line []byte) (requests, responses int) {
	line = bytes.TrimSpace(line)
	var msgs []wireMessage
	if len(line) > 0 && line[0] == '[' {
		if json.Unmarshal(line, &msgs) != nil {
			return 0, 0
		}
	} else {
		var m wireMessage
		if json.Unmarshal(line, &m) != nil {
			return 0, 0
		}
		msgs = []wireMessage{m}
	}
	for _, m := range msgs {
		if len(m.ID) == 0 || string(m.ID) == "null" {
			continue
		}
		if m.Method != "" {
			requests++
		} else {
			responses++
		}
	}
	return requests, responses
}

type drainReader struct {
	r io.Reader
	c *counter
	l lines
}

func (d *drainReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.l.feed(p[:n], func(line []byte) { req, _ := classify(line); d.c.add(req, 0) })
	if err == io.EOF {
		if len(d.l.buf) > 0 { // a last line without a newline
			req, _ := classify(d.l.buf)
			d.c.add(req, 0)
			d.l.buf = nil
		}
		d.c.waitAnswered(drainTimeout)
	}
	return n, err
}

func (d *drainReader) Close() error { return nil }

type countWriter struct {
	w  io.Writer
	c  *counter
	mu sync.Mutex
	l  lines
}

func (cw *countWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.mu.Lock()
	cw.l.feed(p[:n], func(line []byte) { _, resp := classify(line); cw.c.add(0, resp) })
	cw.mu.Unlock()
	return n, err
}

func (cw *countWriter) Close() error { return nil }
