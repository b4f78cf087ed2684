// Command agentlens reads the traces that agentlens-instrumented Go programs write to their
// local store (an SQLite file; AGENTLENS_STORE, default ./agentlens.db): it lists and
// searches them with MLflow's filter grammar, prints one as a tree of spans, tags and untags
// them, and deletes old or chosen ones.
//
// Usage:
//
//	agentlens traces list [--filter F] [--order-by O]... [--max N] [--experiment E] [--page-token T] [--json]
//	agentlens traces show ID [--json]
//	agentlens traces tag ID KEY=VALUE...
//	agentlens traces untag ID KEY...
//	agentlens traces delete (--older-than DURATION [--max N] | --id ID...) [--experiment E] [--yes]
//
// Every command takes --store PATH; the default is $AGENTLENS_STORE when it is set (and not
// "off"), else ./agentlens.db. The traces commands never create a store: a missing file is an
// error. agentlens ui serves the web UI (package internal/webui) and creates the store if needed.
//
// Examples:
//
//	agentlens traces list --filter "status = 'ERROR'" --order-by 'execution_time_ms DESC'
//	agentlens traces list --filter 'tag.`mlflow.traceName` = "answer question"' --json
//	agentlens traces show tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e
//	agentlens traces tag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed=yes env=prod
//	agentlens traces untag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed
//	agentlens traces delete --older-than 7d --max 1000 --yes
//
// Span names, previews, inputs and outputs are model and tool output: they are printed with
// control characters and escape sequences escaped, so a trace cannot drive the terminal.
//
// Exit status: 0 on success, 1 on a runtime error (unknown trace, store error, deletion not
// confirmed), 2 on a usage error (unknown flag, missing or malformed argument, malformed
// filter).
package main
