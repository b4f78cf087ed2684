package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/internal/tracefields"
)

func newGetCmd(a *app) *cobra.Command {
	var fields string
	c := &cobra.Command{
		Use:   "get ID",
		Short: "Print a whole trace as MLflow's JSON",
		Long: `Print a trace as MLflow's Trace.to_dict JSON, as "mlflow traces get" does: {"info": {...,
"assessments": [...]}, "data": {"spans": [...]}}, nothing cut.

--extract-fields keeps only the given fields, comma-separated dot paths into that JSON, in
its own structure: "*" stands for every key or array element, a number for one element,
and backticks keep a key with dots whole (info.tags.` + "`mlflow.traceName`" + `). A path without
"*" that the trace lacks is an error.`,
		Example: `  agentlens traces get tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e
  agentlens traces get tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --extract-fields 'info.trace_id,info.assessments.*,data.spans.*.name'
  agentlens traces get tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --extract-fields 'info.tags.` + "`mlflow.traceName`" + `'`,
		Args: exactArgs(1, "a trace ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.get(cmd.Context(), args[0], fields)
		}),
	}
	c.Flags().StringVar(&fields, "extract-fields", "", "only these comma-separated `PATHS`, e.g. info.trace_id,data.spans.*.name")
	return c
}

func (a *app) get(ctx context.Context, id, fields string) error {
	var paths []string
	if fields != "" {
		var err error
		if paths, err = parseFieldList(fields); err != nil {
			return err
		}
	}
	st, err := a.openStore(true)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := getTrace(ctx, st, id)
	if err != nil {
		return err
	}
	var b []byte
	if paths == nil {
		b, err = json.MarshalIndent(t, "", "  ")
	} else {
		doc, derr := tracefields.Doc(t)
		if derr != nil {
			return derr
		}
		if err := checkFieldPaths(doc, paths); err != nil {
			return err
		}
		b, err = json.MarshalIndent(tracefields.Filter(doc, paths), "", "  ")
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", termtext.EscapeJSON(b))
	return err
}
