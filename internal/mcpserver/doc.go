// Package mcpserver serves an agentlens trace store over the Model Context Protocol, with
// the official Go SDK (github.com/modelcontextprotocol/go-sdk), so that a coding agent can
// investigate traces: "agentlens mcp --store PATH" runs it on stdin/stdout.
//
//	srv := mcpserver.New(mcpserver.Options{StorePath: "./agentlens.db"})
//	err := srv.Run(ctx, &mcp.StdioTransport{})
//
// # Tools
//
//   - search_traces: filter (MLflow's grammar), order_by, max_results, page_token,
//     extract_fields (MLflow's dot paths, as "agentlens traces list --extract-fields").
//   - get_trace: one trace as MLflow's JSON, optionally reduced to extract_fields; with
//     span_id and field, one piece of a span's field from offset.
//   - trace_stats: count, errors, exact p50/p95/p99, token sums and cost sums (US dollars)
//     over a filter, grouped by name, tag.KEY, metadata.KEY, span_type, model or a time
//     bucket (store.TraceStats).
//   - set_trace_tag, log_feedback: write a tag or a feedback assessment.
//   - delete_traces: by trace_ids or a non-empty filter, and only with confirm: true;
//     without it the tool deletes nothing and reports how many traces match.
//
// Results are compact JSON (the text content and the structured content of the result).
// A failed call (a malformed filter, an unknown trace, a missing argument, a write under
// ReadOnly) is a tool error: isError with the message, never the end of the server. So is a
// panic in a tool, and a result JSON cannot hold (a cost sum past float64's range).
//
// # Long payloads
//
// Every string of a span longer than Options.MaxChars bytes (DefaultMaxChars) is cut on a
// character boundary and ends with a marker beginning "…[truncated by agentlens: " that
// names the get_trace arguments (trace_id, span_id, field, offset) returning the rest;
// each piece carries next_offset until the last. A span with more than Options.MaxEvents
// events (DefaultMaxEvents; a streamed call has one per chunk) keeps the first and the last
// half of them, so that an exception recorded at its end stays in view; a marker event
// between them names the get_trace call that reads the events' JSON from the first one left
// out (field "events" and its byte offset), and field "events.N" reads event N alone.
//
// # Store access
//
// The store is opened read-only on the first reading call and for writing only when a
// writing tool is first called; a server that only reads never changes the file. With
// Options.ReadOnly every writing tool is refused.
package mcpserver
