// Package httprr reads the recorded fixtures for tests: the "httprr trace v1" files of real
// HTTP exchanges that github.com/tmc/langchaingo ships in its module's testdata folders
// (read from the module cache: [LangchaingoDir]), and those under ../shared/fixtures/real
// (see the README.md there). Only tests use it.
//
// A file is the line "httprr trace v1", then for each exchange a line "N1 N2" followed by
// N1 bytes of request (as http.Request.WriteProxy writes it) and N2 bytes of response (as
// http.Response.Write writes it).
package httprr

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

const magic = "httprr trace v1\n"

// Exchange is one recorded request and its response, bodies read.
type Exchange struct {
	File         string         // path relative to the root, slash-separated
	Index        int            // position in its file, from 0
	Request      *http.Request  // Body already read into RequestBody (and replaced by a reader over it)
	RequestBody  []byte         // the request body
	Response     *http.Response // Body already read into ResponseBody (and replaced by a reader over it)
	ResponseBody []byte         // the response body, without its transfer encoding (chunked bodies joined)
}

// Read reads every exchange of the .httprr files under root, in file and exchange order.
// An error names the file (and the exchange) it is about.
func Read(root string) ([]Exchange, error) {
	var out []Exchange
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".httprr") {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		exs, err := parse(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for i := range exs {
			exs[i].File = filepath.ToSlash(rel)
		}
		out = append(out, exs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parse reads the exchanges of one file's bytes.
func parse(raw []byte) ([]Exchange, error) {
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, errors.New("not an httprr trace v1 file")
	}
	raw = raw[len(magic):]
	var out []Exchange
	for i := 0; len(raw) > 0; i++ {
		nl := bytes.IndexByte(raw, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("exchange %d: truncated size line", i)
		}
		n1, n2, ok := sizes(string(raw[:nl]))
		if !ok {
			return nil, fmt.Errorf("exchange %d: bad size line %q", i, raw[:nl])
		}
		raw = raw[nl+1:]
		if n1 > len(raw) || n2 > len(raw)-n1 {
			return nil, fmt.Errorf("exchange %d: truncated: sizes %d %d, %d bytes left", i, n1, n2, len(raw))
		}
		ex, err := exchange(raw[:n1], raw[n1:n1+n2])
		if err != nil {
			return nil, fmt.Errorf("exchange %d: %w", i, err)
		}
		ex.Index = i
		out = append(out, ex)
		raw = raw[n1+n2:]
	}
	return out, nil
}

// sizes parses a line "N1 N2" of two non-negative decimal numbers.
func sizes(line string) (n1, n2 int, ok bool) {
	f := strings.Split(line, " ")
	if len(f) != 2 {
		return 0, 0, false
	}
	n1, err1 := strconv.Atoi(f[0])
	n2, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || n1 < 0 || n2 < 0 {
		return 0, 0, false
	}
	return n1, n2, true
}

// exchange parses one recorded request and its response, reading both bodies: each must
// take up exactly its recorded bytes.
func exchange(rawReq, rawResp []byte) (Exchange, error) {
	br := bufio.NewReader(bytes.NewReader(rawReq))
	req, err := http.ReadRequest(br)
	if err != nil {
		return Exchange{}, fmt.Errorf("request: %w", err)
	}
	reqBody, err := readBody(req.Body, br)
	if err != nil {
		return Exchange{}, fmt.Errorf("request body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))

	br = bufio.NewReader(bytes.NewReader(rawResp))
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return Exchange{}, fmt.Errorf("response: %w", err)
	}
	respBody, err := readBody(resp.Body, br)
	if err != nil {
		return Exchange{}, fmt.Errorf("response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	return Exchange{Request: req, RequestBody: reqBody, Response: resp, ResponseBody: respBody}, nil
}

// readBody reads and closes body, then checks that nothing of the message's bytes is left
// in br (a size that does not match the message).
func readBody(body io.ReadCloser, br *bufio.Reader) ([]byte, error) {
	b, err := io.ReadAll(body)
	body.Close()
	if err != nil {
		return nil, err
	}
	if n, _ := io.Copy(io.Discard, br); n > 0 {
		return nil, fmt.Errorf("%d bytes after the body", n)
	}
	return b, nil
}

// Root returns the fixtures folder relative to a package directory depth levels below the
// module root ("../shared/fixtures/real" seen from the module root), or "" when it is absent.
func Root(depth int) string {
	parts := []string{".."}
	for i := 0; i < depth; i++ {
		parts = append(parts, "..")
	}
	root := filepath.Join(append(parts, "shared", "fixtures", "real")...)
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return ""
	}
	return root
}

// Langchaingo is the module whose testdata folders hold real recordings of the OpenAI,
// OpenRouter, Gemini and Anthropic APIs. It is a dependency of this module, so its files are
// in the module cache wherever the tests build.
const Langchaingo = "github.com/tmc/langchaingo"

// LangchaingoDir returns the directory of the langchaingo module in the module cache, as
// `go list -m -f {{.Dir}}` reports it (downloading the module with `go mod download` first
// when the cache lacks it). The recordings are read from there, never copied.
func LangchaingoDir() (string, error) {
	langchaingoOnce.Do(func() { langchaingoDir, langchaingoErr = moduleDir(Langchaingo) })
	return langchaingoDir, langchaingoErr
}

var (
	langchaingoOnce sync.Once
	langchaingoDir  string
	langchaingoErr  error
)

// moduleDir returns where the go command keeps module, a module of the build list.
func moduleDir(module string) (string, error) {
	list := func() (string, error) {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return "", fmt.Errorf("go list -m %s: %v: %s", module, err, ee.Stderr)
			}
			return "", fmt.Errorf("go list -m %s: %w", module, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	dir, err := list()
	if err == nil && dir == "" {
		if out, err := exec.Command("go", "mod", "download", module).CombinedOutput(); err != nil {
			return "", fmt.Errorf("go mod download %s: %v: %s", module, err, out)
		}
		dir, err = list()
	}
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("module %s: no directory at %q", module, dir)
	}
	return dir, nil
}

// ReadFile reads the exchanges of one .httprr file, in order.
func ReadFile(path string) ([]Exchange, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	exs, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range exs {
		exs[i].File = filepath.ToSlash(filepath.Base(path))
	}
	return exs, nil
}
