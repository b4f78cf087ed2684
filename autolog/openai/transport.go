package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/jsonenc"
	"github.com/agentlens/agentlens/internal/jsonscan"
	"github.com/agentlens/agentlens/internal/sse"
	"github.com/agentlens/agentlens/spantypes"
)

// Transport is an http.RoundTripper that traces OpenAI API requests and passes everything
// through to its base transport unchanged. It is safe for concurrent use.
type Transport struct {
	base http.RoundTripper
	cfg  config
	off  atomic.Bool // set when Autolog is undone but the transport stays wrapped by another
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport over base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper, opts ...Option) *Transport {
	return &Transport{base: base, cfg: newConfig(opts)}
}

// HTTPClient returns an *http.Client whose requests are traced, for go-openai's
// ClientConfig.HTTPClient or any client that takes one.
func HTTPClient(opts ...Option) *http.Client {
	return &http.Client{Transport: NewTransport(nil, opts...)}
}

func (t *Transport) baseTransport() http.RoundTripper {
	if t.base != nil {
		return t.base
	}
	return http.DefaultTransport
}

// RoundTrip traces req when it is an OpenAI API call and sends it on.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.off.Load() {
		return t.baseTransport().RoundTrip(req)
	}
	return roundTrip(&t.cfg, req, t.baseTransport().RoundTrip)
}

// roundTrip is the tracing shared by Transport and Middleware: next sends the request.
func roundTrip(cfg *config, req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	ep := classify(req)
	if ep == notTraced || !core.Enabled() || core.Suppressed(req.Context()) {
		return next(req)
	}
	c := call{cfg: cfg, ep: ep, started: time.Now()}
	req, ok := c.start(req)
	if !ok {
		return next(req)
	}
	resp, err := next(req)
	if err != nil {
		c.fail(err)
		return resp, err
	}
	c.response(resp)
	return resp, nil
}

// call is one traced request: its span (or the framework span it enriches). Parsing the
// request and response bodies happens in OnExport hooks, on the export goroutine, so that
// the caller's goroutine only copies bytes.
type call struct {
	cfg     *config
	ep      endpoint
	span    *core.Span
	own     bool // the span is ours to end (not a framework's model span)
	content bool // record prompts and completions
	stream  bool // the request asked for a stream (a hint, for responses without a content type)
	path    string
	started time.Time
}

// start reads the request and opens the span. It returns the request to send, which carries
// the span in its context, and false when the call cannot be traced (the request is then
// sent as it came, body included).
func (c *call) start(req *http.Request) (*http.Request, bool) {
	ctx := req.Context()
	body, err := readBody(req)
	if err != nil {
		// The body could not be read: let the base transport meet the same failure.
		req.Body = io.NopCloser(io.MultiReader(strings.NewReader(body), errReader{err}))
		return req, false
	}
	c.stream = strings.Contains(body, `"stream":true`) || strings.Contains(body, `"stream": true`)
	c.path = req.URL.Path
	c.content = core.CaptureContentEnabled() && (c.cfg.captureContent == nil || *c.cfg.captureContent)

	parent := core.SpanFromContext(ctx)
	switch parent.SpanType() {
	case spantypes.ChatModel, spantypes.LLM, spantypes.Embedding:
		// A framework adapter already opened the model span for this call.
		c.span = parent
	default:
		ctx, c.span = core.StartSpan(ctx, c.ep.spanName(), core.WithSpanType(c.ep.spanType()))
		if !c.span.IsRecording() {
			// Sampled out: nothing to record, but the context still says so to any
			// tracing below (a transport wrapped twice must not sample again).
			return withBody(req.WithContext(ctx), body), false
		}
		c.own = true
		if c.content && len(body) > 0 {
			c.span.SetInputs(core.JSONText(body)) // checked by the request hook
		}
	}
	provider := c.cfg.provider
	if provider == "" {
		provider = providerOf(req)
	}
	quoted := core.JSONText(jsonenc.String(provider))
	c.span.SetAttribute(spantypes.KeyMessageFormat, core.JSONText(`"openai"`))
	c.span.SetAttribute(spantypes.KeyLLMProvider, quoted)
	c.span.SetAttribute(spantypes.KeyGenAIProviderName, quoted)
	c.span.SetAttribute(spantypes.KeyGenAIOperationName, c.ep.operationJSON())
	c.span.OnExport(c.requestHook(body))
	// A shallow copy is enough: only its context and body change.
	return withBody(req.WithContext(ctx), body), true
}

// withBody gives out, a copy of a request whose body was read into body, that body again.
func withBody(out *http.Request, body string) *http.Request {
	if out.Body != nil && out.Body != http.NoBody {
		out.Body = io.NopCloser(strings.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	}
	return out
}

// requestHook reads the request body on the export goroutine: the model and the tools, and
// a body that is not JSON is recorded as text instead.
func (c *call) requestHook(body string) func(*tracedata.Span) {
	return func(s *tracedata.Span) {
		var model, tools string
		err := jsonscan.Object(body, func(key, v string) bool {
			switch key {
			case "model":
				if jsonscan.KindOf(v) == jsonscan.KindString {
					model, _ = jsonscan.Unquote(v)
				}
			case "tools":
				tools = v
			}
			return true
		})
		if err != nil && c.own && c.content && len(body) > 0 && !jsonscan.Valid(body) {
			s.SetAttribute(spantypes.KeySpanInputs, body)
		}
		if model == "" {
			model = azureDeployment(c.path)
		}
		if model != "" {
			s.SetAttribute(spantypes.KeyGenAIRequestModel, model)
			if _, set := s.Attributes[spantypes.KeyLLMModel]; !set {
				s.SetAttribute(spantypes.KeyLLMModel, model)
			}
		}
		if tools != "" && tools != "null" && c.ep != embeddings {
			if b, err := jsonscan.AppendCompact(nil, tools); err == nil {
				s.Attributes[spantypes.KeyChatTools] = string(b)
			}
		}
	}
}

// readBody reads and closes the request body, returning what was read.
func readBody(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return "", nil
	}
	defer req.Body.Close()
	var b strings.Builder
	if n := req.ContentLength; n > 0 && n <= maxBufferedBody {
		b.Grow(int(n))
	}
	// Bodies made from a bytes or strings reader (as go-openai's are) copy themselves in
	// whole; others go through a pooled buffer.
	bp := copyBuffers.Get().(*[]byte)
	_, err := io.CopyBuffer(&b, req.Body, *bp)
	copyBuffers.Put(bp)
	return b.String(), err
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// fail ends the span of a request that got no response.
func (c *call) fail(err error) {
	c.recordError(err)
	c.end()
}

// recordError marks our span failed. A framework's span is left alone: one HTTP attempt of
// its call failing (a retried 429, say) does not make the call fail; the framework records
// the outcome it sees.
func (c *call) recordError(err error) {
	if c.own {
		c.span.RecordError(err)
	}
}

func (c *call) recordException(typ, msg string) {
	if c.own {
		c.span.RecordException(typ, msg)
	}
}

func (c *call) end() {
	if c.own {
		c.span.End()
	}
}

// maxBufferedBody bounds how much of a non-streamed response is kept for the span.
const maxBufferedBody = 32 << 20

// response wraps the response body so that the span ends with it: the caller reads the
// body as before, and the span learns from the bytes as they pass.
func (c *call) response(resp *http.Response) {
	if resp.StatusCode >= 400 {
		c.span.SetAttribute(spantypes.KeyHTTPStatusCode, resp.StatusCode)
		c.wrap(resp, newBufferSink(resp, c.endWithError(resp)))
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/event-stream" || (c.stream && mt == "") {
		c.wrap(resp, c.newStreamSink())
		return
	}
	c.wrap(resp, newBufferSink(resp, c.endWithJSON))
}

// sink receives the bytes of a response body as the caller reads them.
type sink interface {
	data(p []byte)
	// end is called once: err is nil at the end of the body, the read error otherwise;
	// closed is true when the caller closed the body before its end.
	end(err error, closed bool)
}

func (c *call) wrap(resp *http.Response, s sink) {
	if resp.Body == nil || resp.Body == http.NoBody {
		safely(func() { s.end(nil, false) })
		return
	}
	resp.Body = &tracedBody{rc: resp.Body, sink: s}
}

// tracedBody passes a response body through, feeding its bytes to a sink and ending the
// sink once: at EOF, on a read error, or when closed.
type tracedBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex // serialises the sink: Read and Close may race
	sink sink
	done atomic.Bool
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 && !b.done.Load() {
		b.mu.Lock()
		if !b.done.Load() {
			safely(func() { b.sink.data(p[:n]) })
		}
		b.mu.Unlock()
	}
	switch {
	case err == io.EOF:
		b.finish(nil, false)
	case err != nil:
		b.finish(err, false)
	}
	return n, err
}

func (b *tracedBody) Close() error {
	err := b.rc.Close()
	b.finish(nil, true)
	return err
}

func (b *tracedBody) finish(err error, closed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done.CompareAndSwap(false, true) {
		safely(func() { b.sink.end(err, closed) })
	}
}

// safely runs fn, reporting a panic instead of passing it to the caller.
func safely(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			core.ReportError("autolog/openai", fmt.Errorf("panic while tracing a response: %v", r))
		}
	}()
	fn()
}

// bufferSink keeps a non-streamed body (up to maxBufferedBody) for onEnd, in a
// strings.Builder so that the span records it without another copy.
type bufferSink struct {
	buf      strings.Builder
	overflow bool
	onEnd    func(body string, complete bool, err error)
}

func newBufferSink(resp *http.Response, onEnd func(body string, complete bool, err error)) *bufferSink {
	s := &bufferSink{onEnd: onEnd}
	// Sized for the body when its length is known and ordinary: a wrong or huge
	// Content-Length must not make a caller that reads little pay for a big buffer.
	if n := resp.ContentLength; n > 0 && n <= 1<<20 {
		s.buf.Grow(int(n))
	}
	return s
}

func (s *bufferSink) data(p []byte) {
	if s.overflow || s.buf.Len()+len(p) > maxBufferedBody {
		s.overflow = true
		return
	}
	s.buf.Write(p)
}

func (s *bufferSink) end(err error, closed bool) {
	complete := err == nil && !closed && !s.overflow
	if closed && err == nil && !s.overflow {
		// Closed without reading to EOF: what was read may still be the whole body.
		complete = jsonscan.Valid(s.buf.String())
	}
	s.onEnd(s.buf.String(), complete, err)
}

// endWithJSON records a successful non-streamed response; it is parsed on export.
func (c *call) endWithJSON(text string, complete bool, err error) {
	defer c.end()
	if err != nil {
		c.recordError(err)
		return
	}
	if !complete {
		return
	}
	if c.own && c.content {
		c.span.SetOutputs(core.JSONText(text)) // checked by the hook
	}
	c.span.OnExport(func(s *tracedata.Span) {
		head, err := readResponseHead(text)
		if err != nil {
			core.ReportError("autolog/openai", errors.New("a successful response body is not a JSON object; recorded as text"))
			if c.own && c.content {
				s.SetAttribute(spantypes.KeySpanOutputs, text)
			}
			return
		}
		reasons := head.reasons
		if head.object == "response" && head.status != "" {
			reasons = append(reasons, head.status)
		}
		setResponse(s, head.model, head.id, reasons)
		if in, out, total, ok := rawUsageCounts(head.usage); ok {
			s.SetTokenUsage(tracedata.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
		}
	})
}

// responseHead is the part of a response object a span records.
type responseHead struct {
	id, object, model, status string
	usage                     string   // raw JSON
	reasons                   []string // the choices' finish reasons
}

// readResponseHead reads a response object in place. Fields of an unexpected type are
// ignored; only text that is not a JSON object is an error.
func readResponseHead(body string) (responseHead, error) {
	var h responseHead
	str := func(v string, s *string) {
		if jsonscan.KindOf(v) == jsonscan.KindString {
			*s, _ = jsonscan.Unquote(v)
		}
	}
	err := jsonscan.Object(body, func(key, v string) bool {
		switch key {
		case "id":
			str(v, &h.id)
		case "object":
			str(v, &h.object)
		case "model":
			str(v, &h.model)
		case "status":
			str(v, &h.status)
		case "usage":
			h.usage = v
		case "choices":
			h.reasons = h.reasons[:0]
			_ = jsonscan.Array(v, func(ch string) bool {
				_ = jsonscan.Object(ch, func(key, v string) bool {
					if key == "finish_reason" {
						var r string
						if str(v, &r); r != "" {
							h.reasons = append(h.reasons, r)
						}
					}
					return true
				})
				return true
			})
		}
		return true
	})
	if err == nil && jsonscan.KindOf(strings.TrimLeft(body, " \t\r\n")) != jsonscan.KindObject {
		err = errors.New("not a JSON object")
	}
	return h, err
}

// setResponse records what a response tells besides its usage: model, id, finish reasons.
func setResponse(s *tracedata.Span, model, id string, reasons []string) {
	if model != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseModel, model)
		if _, set := s.Attributes[spantypes.KeyLLMModel]; !set {
			s.SetAttribute(spantypes.KeyLLMModel, model)
		}
	}
	if id != "" {
		s.SetAttribute(spantypes.KeyGenAIResponseID, id)
	}
	if len(reasons) > 0 {
		s.SetAttribute(spantypes.KeyGenAIResponseFinishReasons, reasons)
	}
}

// finishReasons lists why each choice stopped (chat, completions) or the status of a
// Responses API response.
func finishReasons(resp map[string]any) []string {
	var out []string
	if choices, ok := resp["choices"].([]any); ok {
		for _, ch := range choices {
			if m, ok := ch.(map[string]any); ok {
				if r, ok := m["finish_reason"].(string); ok && r != "" {
					out = append(out, r)
				}
			}
		}
	}
	if s, ok := resp["status"].(string); ok && s != "" && resp["object"] == "response" {
		out = append(out, s)
	}
	return out
}

// endWithError records an HTTP error response: the API's error type and message when the
// body is OpenAI's error JSON, the HTTP status otherwise.
func (c *call) endWithError(resp *http.Response) func(body string, complete bool, err error) {
	status := resp.Status
	return func(body string, complete bool, err error) {
		defer c.end()
		typ, msg := apiError(body)
		if typ == "" && msg == "" {
			typ, msg = "HTTPError", "HTTP "+status
		}
		if c.own && c.content && len(body) > 0 {
			if jsonscan.Valid(body) {
				c.span.SetOutputs(json.RawMessage(body)) // compacted as it is recorded
			} else {
				c.span.SetOutputs(body)
			}
		}
		c.recordException(typ, msg)
		if err != nil {
			c.recordError(err)
		}
	}
}

// apiError reads OpenAI's {"error": {"type", "code", "message"}} body.
func apiError(body string) (typ, msg string) {
	var e struct {
		Error struct {
			Type    string `json:"type"`
			Code    any    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) != nil {
		return "", ""
	}
	typ = e.Error.Type
	if typ == "" && e.Error.Code != nil {
		typ = fmt.Sprint(e.Error.Code)
	}
	return typ, e.Error.Message
}

// streamSink keeps the bytes of a streamed response as the caller reads them, with the time
// each piece arrived, and leaves everything else to the export goroutine: there the bytes are
// split into server-sent events, each event becomes a chunk event at the time its last byte
// arrived, and the chunks are assembled into the response a non-streamed call returns.
type streamSink struct {
	c *call
	*streamBuffer
	limit    int  // how many bytes to keep: maxStreamBytes when the stream began
	overflow bool // the stream outgrew limit; the rest was not kept
}

// streamBuffer holds the bytes of a stream and when each piece arrived.
type streamBuffer struct {
	buf   []byte
	reads []streamRead
}

// streamRead marks one read: the offset in buf where it ended, and when it happened.
type streamRead struct {
	end int
	at  time.Time
}

// streamBuffers recycles stream buffers once their stream is exported.
var streamBuffers = sync.Pool{New: func() any { return new(streamBuffer) }}

// maxStreamBytes bounds how much of a stream is kept for its span (a variable for tests).
var maxStreamBytes = 64 << 20

// maxEventBytes bounds one server-sent event.
const maxEventBytes = 8 << 20

func (c *call) newStreamSink() *streamSink {
	return &streamSink{c: c, streamBuffer: streamBuffers.Get().(*streamBuffer), limit: maxStreamBytes}
}

func (s *streamSink) data(p []byte) {
	if s.overflow {
		return
	}
	if len(s.buf)+len(p) > s.limit {
		s.overflow = true
		return
	}
	s.buf = append(s.buf, p...)
	s.reads = append(s.reads, streamRead{end: len(s.buf), at: time.Now()})
}

func (s *streamSink) end(err error, closed bool) {
	c := s.c
	defer c.end()
	if err != nil && !s.sentAPIError() {
		// A read error ends the stream; an error the server sent in it, recorded on
		// export, tells more (and comes first).
		c.recordError(err)
	}
	c.span.OnExport(func(sp *tracedata.Span) { s.export(sp, err, closed) })
}

// export splits the stream into events, records them and assembles the response, on the
// export goroutine. err and closed tell how the stream ended (see sink.end).
func (s *streamSink) export(sp *tracedata.Span, err error, closed bool) {
	defer s.release()
	c := s.c
	var (
		asm      streamAssembler
		chunks   []tracedata.Event
		at       time.Time // when the piece being split arrived
		firstAt  time.Time
		sawDone  bool
		terminal bool // the Responses API's terminal event came
		// apiErr holds an error the server sent inside the stream ({"error": {...}}).
		apiErrType, apiErrMsg string
	)
	switch c.ep {
	case chatCompletions:
		asm = new(chatStream)
	case completions:
		asm = new(completionStream)
	default:
		asm = new(responsesStream)
	}
	parser := sse.NewParser(maxEventBytes, func(ev sse.Event) {
		if firstAt.IsZero() {
			firstAt = at
		}
		if ev.Data == "[DONE]" {
			sawDone = true
			return
		}
		if c.ep == responses {
			switch ev.Event {
			case "response.completed", "response.incomplete", "response.failed", "error":
				terminal = true
			}
		} else if typ, msg := streamAPIError(ev.Data); typ != "" || msg != "" {
			if apiErrType == "" && apiErrMsg == "" {
				apiErrType, apiErrMsg = typ, msg
			}
			return
		}
		var value core.JSONText
		if c.content {
			value = core.JSONText(ev.Data)
		}
		if err := asm.add(ev.Event, ev.Data); err != nil {
			core.ReportError("autolog/openai", fmt.Errorf("parsing a stream chunk: %w", err))
			if c.content && !jsonscan.Valid(ev.Data) {
				value = core.JSONText(jsonenc.String(ev.Data)) // recorded as a JSON string
			}
		}
		chunks = append(chunks, c.span.ChunkEvent(len(chunks), at, value))
	})
	start := 0
	for _, r := range s.reads {
		at = r.at
		parser.Write(s.buf[start:r.end])
		start = r.end
	}
	if err == nil && !closed && !s.overflow {
		// A clean end of the body: an event the server did not finish with a blank line
		// still counts. After a read error or an early close, a partial event does not.
		parser.Close()
	}
	sp.InsertEvents(chunks)

	if !firstAt.IsZero() {
		sp.SetAttribute(spantypes.KeyTimeToFirstTokenMS, firstAt.Sub(c.started).Milliseconds())
	}
	complete := sawDone
	if c.ep == responses {
		complete = terminal
	}
	switch {
	case apiErrType != "" || apiErrMsg != "":
		if c.own {
			sp.RecordException(apiErrType, apiErrMsg, sp.EndTimeUnixNano)
		}
	case err != nil:
		// Recorded as the caller met it.
	case s.overflow:
		core.ReportError("autolog/openai", fmt.Errorf("a stream outgrew %d bytes: chunks after that are not recorded", s.limit))
	case closed && !complete:
		sp.SetAttribute(spantypes.KeyStreamCancelled, true)
	case !complete && c.own:
		sp.RecordException("IncompleteStream", "the stream ended before the model finished ("+strconv.Itoa(len(chunks))+" chunks)", sp.EndTimeUnixNano)
	}

	assembled := asm.response()
	if r, ok := asm.(*responsesStream); ok {
		if typ, msg, failed := r.failed(); failed && c.own {
			sp.RecordException(typ, msg, sp.EndTimeUnixNano)
		}
	}
	if c.own && c.content && len(chunks) > 0 {
		sp.SetAttribute(spantypes.KeySpanOutputs, assembled)
	}
	model, _ := assembled["model"].(string)
	id, _ := assembled["id"].(string)
	setResponse(sp, model, id, finishReasons(assembled))
	usage, _ := assembled["usage"].(map[string]any)
	if in, out, total, ok := usageCounts(usage); ok {
		sp.SetTokenUsage(tracedata.TokenUsage{InputTokens: in, OutputTokens: out, TotalTokens: total})
	}
}

// sentAPIError reports whether the stream so far holds an error the server sent in it. It
// splits the events on the caller's goroutine, so it is only for the path of a failed read.
func (s *streamSink) sentAPIError() bool {
	if s.c.ep == responses {
		return false
	}
	found := false
	parser := sse.NewParser(maxEventBytes, func(ev sse.Event) {
		if typ, msg := streamAPIError(ev.Data); typ != "" || msg != "" {
			found = true
		}
	})
	_, _ = parser.Write(s.buf)
	return found
}

// streamAPIError reads an error the server sent as a stream event ({"error": {...}}).
func streamAPIError(data string) (typ, msg string) {
	if !strings.HasPrefix(data, `{"error"`) {
		return "", ""
	}
	return apiError(data)
}

// release hands the stream's buffer back for reuse, unless it grew too big to keep.
func (s *streamSink) release() {
	b := s.streamBuffer
	s.streamBuffer = nil
	if cap(b.buf) > 1<<20 || cap(b.reads) > 1<<14 {
		return
	}
	b.buf, b.reads = b.buf[:0], b.reads[:0]
	streamBuffers.Put(b)
}
