package webui

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/agentlens/agentlens/core/store"
)

// Server serves the UI, its JSON API and the OTLP receiver. It is safe for concurrent use.
type Server struct {
	st    *store.Store
	cfg   config
	token string
	pages *template.Template
	mux   *http.ServeMux
}

type config struct {
	allowHosts []string
	anyIP      bool
	maxBody    int64
	onError    func(error)
}

// Option configures a Server.
type Option func(*config)

// WithAllowedHosts accepts these host names (without port) in the Host header besides
// localhost and loopback addresses: the names a remote user types to reach the server.
func WithAllowedHosts(hosts ...string) Option {
	return func(c *config) {
		for _, h := range hosts {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				c.allowHosts = append(c.allowHosts, h)
			}
		}
	}
}

// WithAnyIPHost accepts any IP address literal in the Host header, for a server bound to a
// non-loopback address. IP literals cannot be rebound by DNS; names still have to be
// allowed with WithAllowedHosts.
func WithAnyIPHost() Option { return func(c *config) { c.anyIP = true } }

// WithMaxBodyBytes caps the size of a request body (an OTLP export); default 64 MiB.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithErrorHandler receives internal failures (store errors) that the client only sees as
// a 500; nil ignores them.
func WithErrorHandler(fn func(error)) Option { return func(c *config) { c.onError = fn } }

// New returns a Server over st.
func New(st *store.Store, opts ...Option) (*Server, error) {
	if st == nil {
		return nil, errors.New("webui: nil store")
	}
	cfg := config{maxBody: 64 << 20}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	pages, err := template.New("").Funcs(template.FuncMap{}).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{st: st, cfg: cfg, token: base64.RawURLEncoding.EncodeToString(tok), pages: pages, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// Token returns the token state-changing API requests must carry in the X-Agentlens-Token
// header (the pages hold it in a meta element).
func (s *Server) Token() string { return s.token }

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "assets/static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	s.mux.HandleFunc("GET /{$}", s.page("list"))
	s.mux.HandleFunc("GET /traces/{id}", s.page("trace"))
	s.mux.HandleFunc("GET /sessions", s.page("sessions"))
	s.mux.HandleFunc("GET /sessions/{id}", s.page("session"))
	s.mux.HandleFunc("GET /compare", s.page("compare"))

	s.mux.HandleFunc("GET /api/experiments", s.apiExperiments)
	s.mux.HandleFunc("GET /api/traces", s.apiTraces)
	s.mux.HandleFunc("GET /api/traces/{id}", s.apiTrace)
	s.mux.HandleFunc("GET /api/traces/{id}/spans/{span}", s.apiSpan)
	s.mux.HandleFunc("GET /api/traces/{id}/mlflow.json", s.apiDownload)
	s.mux.HandleFunc("POST /api/traces/{id}/tags", s.apiSetTag)
	s.mux.HandleFunc("POST /api/traces/{id}/tags/delete", s.apiDeleteTag)
	s.mux.HandleFunc("POST /api/traces/delete", s.apiDeleteTraces)
	s.mux.HandleFunc("GET /api/sessions", s.apiSessions)
	s.mux.HandleFunc("GET /api/sessions/{id}", s.apiSession)

	s.mux.HandleFunc("POST /v1/traces", s.otlpTraces)
}

// ServeHTTP checks the Host header and, for state-changing requests, where the request
// comes from, then serves it with the security headers every answer carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.hostAllowed(r.Host) {
		http.Error(w, "agentlens ui: Host header "+quoteForText(r.Host)+" is not allowed (DNS rebinding protection); see --allow-host", http.StatusForbidden)
		return
	}
	if !safeMethod(r.Method) {
		if msg := s.crossSite(r); msg != "" {
			http.Error(w, "agentlens ui: "+msg, http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) reportError(err error) {
	if s.cfg.onError != nil && err != nil {
		s.cfg.onError(err)
	}
}
