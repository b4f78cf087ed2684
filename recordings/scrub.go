package recordings

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// redacted replaces every scrubbed value.
const redacted = "REDACTED"

// secretWords are the words that make a header or query parameter name a credential's:
// X-Custom-Token, Ocp-Apim-Subscription-Key, X-Client-Secret, api_key, access_token, ...
var secretWords = []string{"token", "key", "secret", "password", "passwd"}

// secretName reports whether a header or query parameter name says it holds a credential:
// one of its words (split at '-', '_' and '.') is, or ends in, a secret word ("apikey",
// "accesstoken"). Plurals are not: X-Ratelimit-Remaining-Tokens counts tokens.
func secretName(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		for _, sw := range secretWords {
			if strings.HasSuffix(w, sw) {
				return true
			}
		}
	}
	return false
}

// secretRequestHeaders have their values replaced by REDACTED in recorded requests.
var secretRequestHeaders = []string{
	"Authorization",
	"Proxy-Authorization",
	"Api-Key",
	"X-Api-Key",
	"X-Goog-Api-Key",
	"Openai-Organization",
	"Openai-Project",
	"Anthropic-Organization-Id",
	"Anthropic-Workspace-Id",
	"Cookie",
}

// secretResponseHeaders have their values replaced by REDACTED in recorded responses.
var secretResponseHeaders = []string{
	"Set-Cookie",
	"Openai-Organization",
	"Openai-Project",
	"Anthropic-Organization-Id",
	"Anthropic-Workspace-Id",
}

// noisyResponseHeaders are dropped from recorded responses: CDN and transport details that
// change on every call and mean nothing to a client. Rate-limit, processing-time, version
// and request-id headers are kept, as SDKs may read them.
var noisyResponseHeaders = []string{
	"Alt-Svc",
	"Cf-Cache-Status",
	"Cf-Ray",
	"Nel",
	"Report-To",
	"Server-Timing",
	"Strict-Transport-Security",
	"X-Envoy-Upstream-Service-Time",
}

// keyPattern finds provider keys and account ids: OpenAI keys (including the masked form
// in "Incorrect API key" errors), Google API keys, OpenAI organization and project ids.
var keyPattern = regexp.MustCompile(`\bsk-proj-[A-Za-z0-9_*\-]*|\bsk-[A-Za-z0-9_*\-]{20,}|\bAIza[0-9A-Za-z_\-]{35}|\borg-[A-Za-z0-9]{20,}|\bproj_[A-Za-z0-9]{20,}`)

// bearerPattern finds a bearer credential in a header value.
var bearerPattern = regexp.MustCompile(`(?i)\bbearer\s+\S`)

// scrubber removes credentials from an interaction before it is kept in memory (and so
// before it is returned to the caller) and again before it is saved.
type scrubber struct {
	// secret is the provider key in use when recording; it is replaced wherever it appears.
	secret string
}

func (s *scrubber) scrub(i *cassette.Interaction) error {
	req := &i.Request
	req.URL = s.scrubURL(req.URL)
	req.RequestURI = s.scrubURL(req.RequestURI)
	req.Headers = s.scrubHeaders(req.Headers, secretRequestHeaders, nil)
	req.Trailer = s.scrubHeaders(req.Trailer, secretRequestHeaders, nil)
	req.Form = s.scrubForm(req.Form)
	if body := s.scrubText(req.Body); body != req.Body {
		req.Body = body
		if req.ContentLength >= 0 {
			req.ContentLength = int64(len(body))
		}
	}

	resp := &i.Response
	resp.Headers = s.scrubHeaders(resp.Headers, secretResponseHeaders, noisyResponseHeaders)
	resp.Trailer = s.scrubHeaders(resp.Trailer, secretResponseHeaders, noisyResponseHeaders)
	if body := s.scrubText(resp.Body); body != resp.Body {
		resp.Body = body
		if resp.ContentLength >= 0 {
			resp.ContentLength = int64(len(body))
		}
		if resp.Headers.Get("Content-Length") != "" {
			resp.Headers.Set("Content-Length", strconv.Itoa(len(body)))
		}
	}
	return nil
}

// scrubText replaces the provider key and anything shaped like a key or account id.
func (s *scrubber) scrubText(v string) string {
	if s.secret != "" {
		v = strings.ReplaceAll(v, s.secret, redacted)
	}
	return keyPattern.ReplaceAllString(v, redacted)
}

// scrubURL redacts the credentials of a URL: the user info (the password, or a user name
// that stands alone, as a token often does), the query parameters whose names say key,
// token, secret or password, and any key-like text.
func (s *scrubber) scrubURL(raw string) string {
	if raw == "" {
		return raw
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			if _, hasPassword := u.User.Password(); hasPassword {
				u.User = url.UserPassword(u.User.Username(), redacted)
			} else {
				u.User = url.User(redacted)
			}
		}
		u.RawQuery = scrubQuery(u.RawQuery)
		raw = u.String()
	}
	return s.scrubText(raw)
}

// scrubQuery replaces the value of every credential parameter (key=, api-key=, api_key=,
// access_token=, ...: see secretName) with REDACTED, leaving the other parameters as they
// were written.
func scrubQuery(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for n, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if un, err := url.QueryUnescape(name); err == nil {
			name = un
		}
		if secretName(name) {
			parts[n] = url.QueryEscape(name) + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// scrubHeaders returns a copy of h with secret headers (those listed, and any whose name
// says key, token, secret or password) and values that look like keys replaced by REDACTED,
// and the drop headers removed.
func (s *scrubber) scrubHeaders(h http.Header, secret, drop []string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		switch {
		case hasHeader(drop, k):
			continue
		case hasHeader(secret, k) || secretName(k):
			out[k] = []string{redacted}
			continue
		}
		nv := make([]string, len(vs))
		for n, v := range vs {
			if s.looksSecret(v) {
				v = redacted
			}
			nv[n] = v
		}
		out[k] = nv
	}
	return out
}

func (s *scrubber) looksSecret(v string) bool {
	return (s.secret != "" && strings.Contains(v, s.secret)) ||
		keyPattern.MatchString(v) || bearerPattern.MatchString(v)
}

func (s *scrubber) scrubForm(f url.Values) url.Values {
	if f == nil {
		return nil
	}
	out := make(url.Values, len(f))
	for k, vs := range f {
		nv := make([]string, len(vs))
		for n, v := range vs {
			if secretName(k) {
				v = redacted
			} else {
				v = s.scrubText(v)
			}
			nv[n] = v
		}
		out[k] = nv
	}
	return out
}

func hasHeader(list []string, name string) bool {
	for _, h := range list {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}
