package webui

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// contentSecurityPolicy allows the server's own script, style and fetches and nothing else:
// no inline script or style, no plugin, no framing, no form posting elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// tokenHeader carries the page token on state-changing API requests. A custom header
// cannot be sent cross-origin without a CORS preflight, which this server never grants.
const tokenHeader = "X-Agentlens-Token"

// hostAllowed reports whether the Host header names this server: localhost, a loopback
// address, or what the options allow. A DNS rebinding attack reaches the server under
// the attacker's name, which this refuses.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return false
		}
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || s.cfg.anyIP
	}
	for _, a := range s.cfg.allowHosts {
		if host == a {
			return true
		}
	}
	return false
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// crossSite says why a state-changing request is refused, or "" to accept it. Browsers
// send Sec-Fetch-Site and Origin with every cross-origin POST; other clients (an OTLP
// exporter, curl) send neither. API requests must also carry the page token.
func (s *Server) crossSite(r *http.Request) string {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "cross-site request refused (Sec-Fetch-Site: " + quoteForText(site) + ")"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		if !strings.EqualFold(origin, scheme+r.Host) {
			return "cross-origin request refused (Origin: " + quoteForText(origin) + ")"
		}
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		got := r.Header.Get(tokenHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
			return "missing or wrong " + tokenHeader + " (reload the page)"
		}
	}
	return ""
}

// quoteForText quotes a header value for a text/plain error message.
func quoteForText(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return strconv.Quote(s)
}
