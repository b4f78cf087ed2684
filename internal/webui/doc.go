// Package webui is the web UI that `agentlens ui` serves over a local trace store: a trace
// list with MLflow's search grammar, a trace view (span tree beside a waterfall, span
// details with chat payloads shown as a conversation), tags, delete, sessions, and two
// traces side by side. It also receives OTLP/HTTP traces at /v1/traces into the store, so
// programs in any language can send their traces to one local viewer.
//
//	st, err := store.Open("agentlens.db")
//	if err != nil {
//		return err
//	}
//	srv, err := webui.New(st)
//	if err != nil {
//		return err
//	}
//	return http.ListenAndServe("127.0.0.1:5000", srv)
//
// Every asset (templates, script, style sheet) is embedded: the pages load nothing from
// elsewhere and work offline.
//
// # Security
//
// Everything a trace holds (LLM output, tool output, span names, tags) is untrusted data.
// Pages are html/template; the script builds the DOM with textContent only, never
// innerHTML, and a Content-Security-Policy allows only the server's own script and style.
// A request whose Host header is not a loopback address or localhost (or a host allowed
// with WithAllowedHosts) is refused, which defeats DNS rebinding. State-changing requests
// (tags, delete) must carry the page's token in a header and must not come from another
// site (Origin, Sec-Fetch-Site); the OTLP endpoint, which other processes call without a
// token, refuses browser cross-site requests the same way and takes only OTLP content
// types, which a cross-site form cannot send.
//
// # Routes
//
//	GET  /                            trace list
//	GET  /traces/{id}                 trace view
//	GET  /sessions, /sessions/{id}    sessions, one session as a conversation
//	GET  /compare?a=ID&b=ID           two traces side by side
//	GET  /api/...                     the JSON the pages read (see api.go)
//	POST /api/traces/{id}/tags        set a tag      {"key": "...", "value": "..."}
//	POST /api/traces/{id}/tags/delete remove a tag   {"key": "..."}
//	POST /api/traces/delete           delete traces  {"trace_ids": ["tr-..."]}
//	POST /v1/traces                   OTLP/HTTP, protobuf or JSON; x-mlflow-experiment-id
package webui
