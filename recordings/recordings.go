package recordings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

const (
	// envRecord is the environment variable that asks for recording.
	envRecord = "AGENTLENS_RECORD"
	// defaultKeyEnv is the provider key variable used when Options.KeyEnv is empty.
	defaultKeyEnv = "OPENAI_API_KEY"
	// minSecretLen is the shortest provider key value that is also scrubbed verbatim from
	// everything recorded; shorter values would redact innocent text.
	minSecretLen = 8
)

// Options for Open.
type Options struct {
	// KeyEnv names the environment variable holding the provider key (default "OPENAI_API_KEY").
	// Recording needs it to be set; replay never reads it.
	KeyEnv string
	// RealTransport is used when recording (default http.DefaultTransport).
	RealTransport http.RoundTripper

	// dir replaces the cassettes directory (the tests of this package record into t.TempDir()).
	dir string
}

// Recorder is an http.RoundTripper that replays the interactions of one cassette or, when
// recording, forwards requests to the real provider and records them. It is safe for
// concurrent use.
type Recorder struct {
	vcr       *recorder.Recorder
	name      string
	file      string
	keyEnv    string
	recording bool
	testName  string

	mu      sync.Mutex
	used    map[int]bool // interaction ids replayed so far
	unused  int          // interactions never replayed, counted by Stop
	stopped bool
	stopErr error
}

// Open returns a recorder for cassettes/<name>.yaml (name may contain '/'), in replay mode unless recording was asked for.
//
// Recording is asked for with AGENTLENS_RECORD=1 (any true value of strconv.ParseBool); it
// then needs the provider key in the variable named by opts.KeyEnv, and Open fails with a
// message saying so when it is missing. In replay mode the cassette must exist; requests
// never reach the network.
func Open(name string, opts Options) (*Recorder, error) {
	return open(name, opts, "")
}

func open(name string, opts Options, testName string) (*Recorder, error) {
	keyEnv := opts.KeyEnv
	if keyEnv == "" {
		keyEnv = defaultKeyEnv
	}
	name = strings.TrimSuffix(filepath.ToSlash(name), ".yaml")
	if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return nil, fmt.Errorf("recordings: invalid cassette name %q: want a relative path inside the cassettes directory", name)
	}
	dir := opts.dir
	if dir == "" {
		dir = cassettesDir()
	}
	file := filepath.Join(dir, filepath.FromSlash(name)+".yaml")

	record, err := recordRequested()
	if err != nil {
		return nil, err
	}
	r := &Recorder{
		name:      name,
		file:      file,
		keyEnv:    keyEnv,
		recording: record,
		testName:  testName,
		used:      make(map[int]bool),
	}
	s := &scrubber{}
	mode := recorder.ModeReplayOnly
	if record {
		key := strings.TrimSpace(os.Getenv(keyEnv))
		if key == "" {
			return nil, fmt.Errorf("recordings: %s=%s asks to record cassette %q, but %s is not set; "+
				"set %s to a real key to record, or unset %s to replay %s",
				envRecord, os.Getenv(envRecord), name, keyEnv, keyEnv, envRecord, file)
		}
		if len(key) >= minSecretLen {
			s.secret = key
		}
		mode = recorder.ModeRecordOnly
	}
	rt := opts.RealTransport
	if rt == nil {
		rt = http.DefaultTransport
	}
	vcr, err := recorder.New(strings.TrimSuffix(file, ".yaml"),
		recorder.WithMode(mode),
		recorder.WithRealTransport(rt),
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(matchRequest),
		recorder.WithReplayableInteractions(false),
		recorder.WithHook(s.scrub, recorder.AfterCaptureHook),
		recorder.WithHook(s.scrub, recorder.BeforeSaveHook),
		recorder.WithHook(r.markUsed, recorder.BeforeResponseReplayHook),
		recorder.WithHook(r.countUnused, recorder.OnRecorderStopHook),
	)
	if err != nil {
		if errors.Is(err, cassette.ErrCassetteNotFound) {
			return nil, fmt.Errorf("recordings: cassette %q not found at %s; record it with %s=1 and %s set (%s)",
				name, file, envRecord, keyEnv, r.rerunHint())
		}
		return nil, fmt.Errorf("recordings: open cassette %s: %w", file, err)
	}
	r.vcr = vcr
	return r, nil
}

// recordRequested reports whether AGENTLENS_RECORD asks for recording.
func recordRequested() (bool, error) {
	v := strings.TrimSpace(os.Getenv(envRecord))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("recordings: %s=%q is not a boolean; use %s=1 to record or leave it unset to replay", envRecord, v, envRecord)
	}
	return b, nil
}

// ForTest opens the cassette named after the test (or the given name), stops it at cleanup, and fails the test on errors.
//
// An empty name uses t.Name(), so subtests get cassettes in subdirectories
// (cassettes/TestX/case.yaml). When recording and the test failed, the cassette is not
// saved, so a broken run never replaces a good recording. In replay mode, interactions the
// test did not use are reported with t.Log.
func ForTest(t testing.TB, name string, opts Options) *Recorder {
	t.Helper()
	if name == "" {
		name = t.Name()
	}
	r, err := open(name, opts, t.Name())
	if err != nil {
		t.Fatal(err)
		return nil
	}
	t.Cleanup(func() {
		if r.recording && t.Failed() {
			r.mu.Lock()
			r.stopped = true
			r.mu.Unlock()
			t.Logf("recordings: test failed, cassette %s was not saved", r.file)
			return
		}
		if err := r.Stop(); err != nil {
			t.Error(err)
			return
		}
		if r.recording {
			t.Logf("recordings: recorded %s", r.file)
		} else if n := r.unusedCount(); n > 0 {
			t.Logf("recordings: %d recorded interaction(s) of %s were not used", n, r.file)
		}
	})
	return r
}

// RoundTrip replays the first unused recorded interaction matching req or, when recording,
// sends req with Options.RealTransport and records the exchange. A request that matches
// nothing fails with an error naming its method, URL and body and telling how to re-record.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("recordings: read request body: %w", err)
	}
	// go-vcr sets and reads the body of the request it is given; hand it a copy so the
	// caller's request is left as it was.
	out := req.Clone(req.Context())
	setBody(out, body)
	resp, err := r.vcr.RoundTrip(out)
	if err != nil {
		if errors.Is(err, cassette.ErrInteractionNotFound) {
			return nil, r.missError(req, body)
		}
		return nil, err
	}
	resp.Request = req
	resp.Header = resp.Header.Clone()
	resp.Trailer = resp.Trailer.Clone()
	return resp, nil
}

// HTTPClient returns an *http.Client that uses r as its transport.
func (r *Recorder) HTTPClient() *http.Client {
	return &http.Client{Transport: r}
}

// Recording reports whether r records (AGENTLENS_RECORD=1 and the key is set) instead of
// replaying.
func (r *Recorder) Recording() bool {
	return r.recording
}

// Stop ends the recorder. When recording it writes the scrubbed cassette, creating its
// directory if needed. Calling Stop again returns the first result.
func (r *Recorder) Stop() error {
	r.mu.Lock()
	if r.stopped {
		err := r.stopErr
		r.mu.Unlock()
		return err
	}
	r.stopped = true
	r.unused = 0
	r.mu.Unlock()

	err := r.vcr.Stop()
	if err != nil {
		err = fmt.Errorf("recordings: stop cassette %s: %w", r.file, err)
	}
	r.mu.Lock()
	r.stopErr = err
	r.mu.Unlock()
	return err
}

func (r *Recorder) markUsed(i *cassette.Interaction) error {
	r.mu.Lock()
	r.used[i.ID] = true
	r.mu.Unlock()
	return nil
}

func (r *Recorder) countUnused(i *cassette.Interaction) error {
	if !i.WasReplayed() {
		r.mu.Lock()
		r.unused++
		r.mu.Unlock()
	}
	return nil
}

func (r *Recorder) unusedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unused
}

// Path returns the absolute path of a cassette (cassettes are found relative to this package's source dir, via runtime.Caller, so tests in any package and `go run ./examples/...` from the repo root find them).
//
// The name may contain '/' and may end in ".yaml".
func Path(name string) string {
	name = strings.TrimSuffix(filepath.ToSlash(name), ".yaml")
	return filepath.Join(cassettesDir(), filepath.FromSlash(name)+".yaml")
}

var (
	dirOnce sync.Once
	dirPath string
)

// cassettesDir is recordings/cassettes next to this source file. Binaries built with
// -trimpath have no absolute source path; they look for recordings/cassettes in the
// working directory and its parents instead.
func cassettesDir() string {
	dirOnce.Do(func() {
		if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
			dirPath = filepath.Join(filepath.Dir(file), "cassettes")
			return
		}
		wd, err := os.Getwd()
		if err != nil {
			dirPath = filepath.Join("recordings", "cassettes")
			return
		}
		for d := wd; ; d = filepath.Dir(d) {
			c := filepath.Join(d, "recordings", "cassettes")
			if fi, err := os.Stat(c); err == nil && fi.IsDir() {
				dirPath = c
				return
			}
			if filepath.Dir(d) == d {
				break
			}
		}
		dirPath = filepath.Join(wd, "recordings", "cassettes")
	})
	return dirPath
}

// readBody reads and closes the body of req.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// setBody gives req a body that can be read again through GetBody.
func setBody(req *http.Request, body []byte) {
	if len(body) == 0 {
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		req.ContentLength = 0
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
}

// maxErrorBody is how much of a request body a miss error shows.
const maxErrorBody = 4096

// missError is returned, wrapped by http.Client in a *url.Error, when no recorded
// interaction matches a request in replay mode. It wraps cassette.ErrInteractionNotFound.
type missError struct {
	msg string
}

func (e *missError) Error() string { return e.msg }
func (e *missError) Unwrap() error { return cassette.ErrInteractionNotFound }

func (r *Recorder) missError(req *http.Request, body []byte) error {
	var b strings.Builder
	// The request's credentials stay out of the message, as they stay out of cassettes.
	u := (&scrubber{}).scrubURL(req.URL.String())
	fmt.Fprintf(&b, "recordings: cassette %q: no recorded interaction matches %s %s\n", r.name, req.Method, u)
	switch {
	case len(body) == 0:
		b.WriteString("request body: (empty)\n")
	case len(body) > maxErrorBody:
		fmt.Fprintf(&b, "request body (first %d of %d bytes): %s\n", maxErrorBody, len(body), body[:maxErrorBody])
	default:
		fmt.Fprintf(&b, "request body: %s\n", body)
	}
	b.WriteString(r.describeCassette())
	fmt.Fprintf(&b, "no recorded interaction matches; re-record with %s=1 and %s set (%s)", envRecord, r.keyEnv, r.rerunHint())
	return &missError{msg: b.String()}
}

// describeCassette lists the interactions of the cassette file for a miss error.
func (r *Recorder) describeCassette() string {
	if r.recording {
		return ""
	}
	c, err := cassette.Load(strings.TrimSuffix(r.file, ".yaml"))
	if err != nil {
		return fmt.Sprintf("cassette %s: %v\n", r.file, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cassette %s has %d interaction(s) (matched on method, URL path, query without credentials and JSON body):\n", r.file, len(c.Interactions))
	r.mu.Lock()
	defer r.mu.Unlock()
	const maxListed = 20
	for n, i := range c.Interactions {
		if n == maxListed {
			fmt.Fprintf(&b, "  ... %d more\n", len(c.Interactions)-maxListed)
			break
		}
		target := i.Request.URL
		if pu, err := url.Parse(i.Request.URL); err == nil {
			target = pu.RequestURI()
		}
		state := ""
		if r.used[i.ID] {
			state = " (already used)"
		}
		fmt.Fprintf(&b, "  #%d %s %s%s%s\n", i.ID, i.Request.Method, target, state, bodyPreview(i.Request.Body))
	}
	return b.String()
}

// bodyPreview is the start of a recorded request body on one line, for a miss error.
func bodyPreview(body string) string {
	if body == "" {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(body)) == nil {
		body = buf.String()
	}
	body = strings.Join(strings.Fields(body), " ")
	const limit = 160
	if len(body) > limit {
		n := limit
		for n > 0 && !utf8.RuneStart(body[n]) {
			n--
		}
		body = body[:n] + "..."
	}
	return " " + body
}

var plainRunPattern = regexp.MustCompile(`^[A-Za-z0-9_/.-]+$`)

// rerunHint is the command that re-records the cassette.
func (r *Recorder) rerunHint() string {
	name := r.testName
	if name == "" {
		name = "TestName"
	}
	if !plainRunPattern.MatchString(name) {
		name = "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
	}
	return "go test ./... -run " + name
}
