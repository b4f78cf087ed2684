package webui

import (
	"bytes"
	"embed"
	"net/http"
)

//go:embed assets
var assets embed.FS

// pageData is what every page template gets. The page's script reads its state from the
// body's data- attributes and the URL; templates hold no trace content, which the script
// fetches as JSON and renders as text.
type pageData struct {
	Page  string
	Title string
	Token string
	// ID is the trace or session id from the URL, and Filter, OrderBy and Experiment the
	// list's query: echoed into attributes, escaped by html/template.
	ID, Filter, OrderBy, Experiment string
	A, B                            string
}

func (s *Server) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		d := pageData{Page: name, Token: s.token, ID: r.PathValue("id"),
			Filter: q.Get("filter"), OrderBy: q.Get("order_by"), Experiment: q.Get("experiment"),
			A: q.Get("a"), B: q.Get("b")}
		switch name {
		case "list":
			d.Title = "Traces"
		case "trace":
			d.Title = "Trace " + d.ID
		case "sessions":
			d.Title = "Sessions"
		case "session":
			d.Title = "Session " + d.ID
		case "compare":
			d.Title = "Compare traces"
		}
		var buf bytes.Buffer
		if err := s.pages.ExecuteTemplate(&buf, "page.html", d); err != nil {
			s.reportError(err)
			http.Error(w, "agentlens ui: template: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}
}
