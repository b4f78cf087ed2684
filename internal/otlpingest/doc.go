// Package otlpingest turns OTLP trace exports (protobuf or JSON, as OTLP/HTTP carries them)
// into agentlens traces for the local store: what `agentlens ui` does with the traces other
// processes send to its /v1/traces endpoint.
//
//	traces, err := otlpingest.Decode(body, r.Header.Get("Content-Type"), "0")
//	if err != nil {
//		return err // malformed body: answer 400
//	}
//	err = st.ExportBatch(ctx, traces) // the store merges spans of one trace sent apart
//
// # Mapping
//
// Span ids are hex; trace ids become "tr-" and the 32-hex OpenTelemetry id, as MLflow names
// them. mlflow.* attributes hold JSON text (as MLflow's SDKs and agentlens's exporter send
// them) and are kept as such; other attributes keep their OTLP type, encoded as JSON. On
// the root span, user.id and session.id become the trace's user and session metadata and
// mlflow.traceTag.KEY its tags, the inverse of what agentlens's OTLP exporter writes.
//
// A request carrying only some spans of a trace (no root span, or spans sent in several
// batches) gives a partial trace; the store merges it with the parts it already holds. A
// trace without its root span is IN_PROGRESS until the root arrives.
package otlpingest
