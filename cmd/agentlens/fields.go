package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/tracefields"
)

// --extract-fields takes MLflow's dot paths (mlflow/utils/jsonpath_utils.py): segments split
// on dots, a backticked segment taken whole (info.tags.`mlflow.traceName`), "*" for every
// key of an object or element of an array, and a number for an array element.

// parseFieldList splits a comma-separated --extract-fields value into paths.
func parseFieldList(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, usagef("--extract-fields %q has an empty field; want comma-separated paths such as info.trace_id,data.spans.*.name", s)
		}
		if strings.Count(f, "`")%2 != 0 {
			return nil, usagef("--extract-fields: %q has an unclosed backtick", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// checkFieldPaths reports the paths without wildcards that doc does not have, as MLflow
// does before printing anything.
func checkFieldPaths(doc map[string]any, paths []string) error {
	bad := tracefields.Missing(doc, paths)
	if len(bad) == 0 {
		return nil
	}
	return usagef("invalid field path(s): %s; use dot paths such as info.trace_id, info.tags.`mlflow.traceName`, info.assessments.*, data.spans.*.name (top-level keys: %s)",
		strings.Join(bad, ", "), strings.Join(tracefields.SortedKeys(doc), ", "))
}

// cellText renders the values of one field for a table cell as MLflow does: "N/A" when
// absent, the first three joined with ", " and a count of the rest; strings as they are,
// anything else as compact JSON.
func cellText(values []any) string {
	if len(values) == 0 {
		return "N/A"
	}
	parts := make([]string, 0, min(3, len(values)))
	for _, v := range values[:min(3, len(values))] {
		if s, ok := v.(string); ok {
			parts = append(parts, s)
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprint(v))
		}
		parts = append(parts, string(b))
	}
	s := strings.Join(parts, ", ")
	if len(values) > 3 {
		s += fmt.Sprintf(", ... (+%d more)", len(values)-3)
	}
	return s
}

func cmdChanged(cmd *cobra.Command, flag string) bool { return cmd.Flags().Changed(flag) }

// writeFields prints the --extract-fields of each listed trace, read whole from the store.
func (a *app) writeFields(ctx context.Context, st *store.Store, infos []tracedata.TraceInfo, paths []string, output, next string) error {
	docs := make([]map[string]any, 0, len(infos))
	for i := range infos {
		t, err := getTrace(ctx, st, infos[i].TraceID)
		if err != nil {
			return err
		}
		doc, err := tracefields.Doc(t)
		if err != nil {
			return err
		}
		if i == 0 { // as MLflow, check the paths against the first trace
			if err := checkFieldPaths(doc, paths); err != nil {
				return err
			}
		}
		docs = append(docs, doc)
	}
	if output == "json" {
		out := make([]map[string]any, len(docs))
		for i, d := range docs {
			out[i] = tracefields.Filter(d, paths)
		}
		return printJSON(a.stdout, map[string]any{"traces": out, "next_page_token": next})
	}
	if len(docs) == 0 {
		_, err := fmt.Fprintln(a.stdout, "no traces")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(paths, "\t"))
	for _, d := range docs {
		cells := make([]string, len(paths))
		for i, p := range paths {
			cells[i] = safe(cellText(tracefields.Extract(d, p)), detailWidth)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
