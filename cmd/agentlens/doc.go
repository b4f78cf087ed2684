// Command agentlens reads the traces that agentlens-instrumented Go programs write to their
// local store (an SQLite file; AGENTLENS_STORE, default ./agentlens.db): it lists and
// searches them with MLflow's filter grammar, prints one as a tree of spans or as MLflow's
// JSON, tags and untags them, logs and manages assessments (feedback and expectations) on
// them, and deletes old or chosen ones.
//
// Usage:
//
//	agentlens traces list [--filter F] [--order-by O]... [--max N] [--experiment E] [--page-token T]
//	                      [--json | --output table|json] [--extract-fields PATHS]
//	agentlens traces show ID [--json]
//	agentlens traces get ID [--extract-fields PATHS]
//	agentlens traces feedback ID NAME VALUE [--rationale R] [--source-type T] [--source-id S] [--span SPAN]
//	agentlens traces expectation ID NAME VALUE [--source-type T] [--source-id S] [--span SPAN]
//	agentlens traces assessments ID [--json]
//	agentlens traces assessment-update ID ASSESSMENT_ID VALUE [--rationale R]
//	agentlens traces assessment-delete ID ASSESSMENT_ID
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
//	agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e correctness true --rationale 'cites the docs'
//	agentlens traces list --filter "feedback.correctness = 'true'"
//	agentlens traces get tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --extract-fields 'info.trace_id,info.assessments.*,data.spans.*.name'
//	agentlens traces delete --older-than 7d --max 1000 --yes
//
// Span names, previews, inputs and outputs are model and tool output: they are printed with
// control characters and escape sequences escaped, so a trace cannot drive the terminal.
//
// Exit status: 0 on success, 1 on a runtime error (unknown trace, store error, deletion not
// confirmed), 2 on a usage error (unknown flag, missing or malformed argument, malformed
// filter).
package main
