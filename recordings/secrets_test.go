package recordings

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// TestNoSecretsInCassettes fails on any checked-in cassette that holds something that looks
// like a real key or account id, or a credential header whose value is not REDACTED.
func TestNoSecretsInCassettes(t *testing.T) {
	dir := filepath.Dir(Path("selftest"))
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		for _, p := range findSecrets(path, data) {
			t.Error(p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no cassettes found in %s", dir)
	}
}

// TestFindSecrets checks the checker on a cassette full of leaks.
func TestFindSecrets(t *testing.T) {
	leaky := `---
version: 2
interactions:
    - id: 0
      request:
        body: '{"note":"sk-proj-abc"}'
        headers:
            Authorization:
                - Bearer sk-abcdefghijklmnopqrstuvwxyz012345
            X-Goog-Api-Key:
                - AIzaSyABCDEFGHIJKLMNOPQRSTUVWXYZ0123456
            Openai-Organization:
                - org-ABCDEFGHIJKLMNOPQRSTUVWX
            openai-project:
                - proj_ABCDEFGHIJKLMNOPQRSTUVWX
            Cookie:
                - session=abc
        url: https://example.invalid/v1/x?key=plain-key-value
        method: POST
      response:
        body: ok
        headers:
            Set-Cookie:
                - a=b
            X-Echo:
                - Bearer something-else
        status: 200 OK
        code: 200
`
	file := filepath.Join(t.TempDir(), "leaky.yaml")
	if err := os.WriteFile(file, []byte(leaky), 0o644); err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(findSecrets(file, []byte(leaky)), "\n")
	for _, want := range []string{
		`"sk-proj-"`, "OpenAI key", "Google API key", "organization id", "project id", "bearer token",
		"request header Authorization", "request header X-Goog-Api-Key", "request header Openai-Organization",
		"request header Openai-Project", "request header Cookie", "response header Set-Cookie", "key= query",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("findSecrets misses %s; it reports:\n%s", want, problems)
		}
	}

	clean := strings.NewReplacer(
		"sk-proj-abc", "hello",
		"Bearer sk-abcdefghijklmnopqrstuvwxyz012345", "REDACTED",
		"AIzaSyABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "REDACTED",
		"org-ABCDEFGHIJKLMNOPQRSTUVWX", "REDACTED",
		"proj_ABCDEFGHIJKLMNOPQRSTUVWX", "REDACTED",
		"session=abc", "REDACTED",
		"key=plain-key-value", "key=REDACTED",
		"a=b", "REDACTED",
		"Bearer something-else", "Bearer REDACTED",
	).Replace(leaky)
	if err := os.WriteFile(file, []byte(clean), 0o644); err != nil {
		t.Fatal(err)
	}
	if problems := findSecrets(file, []byte(clean)); len(problems) > 0 {
		t.Errorf("findSecrets rejects a clean cassette:\n%s", strings.Join(problems, "\n"))
	}
}

var secretPatterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{`"sk-proj-" (OpenAI project key)`, regexp.MustCompile(`sk-proj-`)},
	{"OpenAI key", regexp.MustCompile(`\bsk-[A-Za-z0-9_\-]{20,}`)},
	{"OpenAI organization id", regexp.MustCompile(`\borg-[A-Za-z0-9]{20,}`)},
	{"OpenAI project id", regexp.MustCompile(`\bproj_[A-Za-z0-9]{20,}`)},
	{"Google API key", regexp.MustCompile(`AIza[0-9A-Za-z_\-]{35}`)},
}

var bearerToken = regexp.MustCompile(`Bearer\s+(\S*)`)

// credentialHeaders must be absent or REDACTED in every recorded request and response.
var credentialHeaders = []string{
	"Authorization", "Api-Key", "X-Goog-Api-Key", "Cookie", "Set-Cookie",
	"Openai-Organization", "Openai-Project", "Anthropic-Organization-Id", "Anthropic-Workspace-Id", "X-Api-Key",
}

// findSecrets returns a description of every secret-looking thing in a cassette file.
func findSecrets(path string, data []byte) []string {
	var problems []string
	for ln, line := range strings.Split(string(data), "\n") {
		for _, p := range secretPatterns {
			if m := p.re.FindString(line); m != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", path, ln+1, p.what, abbreviate(m)))
			}
		}
		for _, m := range bearerToken.FindAllStringSubmatch(line, -1) {
			if strings.Trim(m[1], `"',`) != redacted {
				problems = append(problems, fmt.Sprintf("%s:%d: bearer token that is not REDACTED: %s", path, ln+1, abbreviate(m[0])))
			}
		}
	}
	if !strings.HasSuffix(path, ".yaml") {
		return problems
	}
	c, err := cassette.Load(strings.TrimSuffix(path, ".yaml"))
	if err != nil {
		return append(problems, fmt.Sprintf("%s: not a go-vcr cassette: %v", path, err))
	}
	for _, i := range c.Interactions {
		where := fmt.Sprintf("%s: interaction %d", path, i.ID)
		problems = append(problems, checkHeaders(where+": request header", i.Request.Headers)...)
		problems = append(problems, checkHeaders(where+": response header", i.Response.Headers)...)
		if u, err := url.Parse(i.Request.URL); err == nil {
			for k, vs := range u.Query() {
				for _, v := range vs {
					if secretName(k) && v != redacted {
						problems = append(problems, fmt.Sprintf("%s: %s= query parameter is not REDACTED", where, k))
					}
				}
			}
			if p, ok := u.User.Password(); ok && p != redacted {
				problems = append(problems, fmt.Sprintf("%s: URL password is not REDACTED", where))
			}
		}
	}
	return problems
}

func checkHeaders(where string, h http.Header) []string {
	var problems []string
	for k, vs := range h {
		if !hasHeader(credentialHeaders, k) && !secretName(k) {
			continue
		}
		for _, v := range vs {
			if v != redacted && v != "Bearer "+redacted {
				problems = append(problems, fmt.Sprintf("%s %s is not REDACTED", where, http.CanonicalHeaderKey(k)))
			}
		}
	}
	return problems
}

func abbreviate(s string) string {
	if len(s) > 12 {
		return s[:12] + "..."
	}
	return s
}
