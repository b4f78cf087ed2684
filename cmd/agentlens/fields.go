package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
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

// splitFieldPath splits a path on dots outside backticks.
func splitFieldPath(path string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '`':
			j := strings.IndexByte(path[i+1:], '`')
			if j < 0 {
				cur.WriteString(path[i+1:])
				i = len(path)
				continue
			}
			cur.WriteString(path[i+1 : i+1+j])
			i += j + 1
		case '.':
			if cur.Len() > 0 {
				parts = append(parts, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		parts = append(parts, cur.String())
	}
	return parts
}

// traceDoc is a trace's JSON as generic values (numbers kept as written).
func traceDoc(t *tracedata.Trace) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(t.AppendJSON(nil)))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// fieldPathsOf expands path against doc into concrete paths (segment lists): wildcards
// become every key or index present.
func fieldPathsOf(doc any, parts []string) [][]string {
	if len(parts) == 0 {
		return [][]string{nil}
	}
	var out [][]string
	prepend := func(seg string, rest [][]string) {
		for _, r := range rest {
			out = append(out, append([]string{seg}, r...))
		}
	}
	part, rest := parts[0], parts[1:]
	switch v := doc.(type) {
	case map[string]any:
		if part == "*" {
			for _, k := range sortedKeys(v) {
				prepend(k, fieldPathsOf(v[k], rest))
			}
		} else if c, ok := v[part]; ok {
			prepend(part, fieldPathsOf(c, rest))
		}
	case []any:
		if part == "*" {
			for i, c := range v {
				prepend(strconv.Itoa(i), fieldPathsOf(c, rest))
			}
		} else if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(v) {
			prepend(part, fieldPathsOf(v[i], rest))
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// extractValues returns the values at path, in document order; none when it is absent.
func extractValues(doc any, path string) []any {
	var out []any
	for _, p := range fieldPathsOf(doc, splitFieldPath(path)) {
		out = append(out, valueAt(doc, p))
	}
	return out
}

func valueAt(doc any, parts []string) any {
	cur := doc
	for _, p := range parts {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[p]
		case []any:
			i, _ := strconv.Atoi(p)
			cur = v[i]
		}
	}
	return cur
}

// filterDoc keeps only the fields at paths, in the document's own structure: an array keeps
// the positions of the elements it holds, as MLflow's filter_json_by_fields does.
func filterDoc(doc map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	for _, path := range paths {
		for _, p := range fieldPathsOf(doc, splitFieldPath(path)) {
			setAt(out, doc, p)
		}
	}
	return out
}

// setAt copies the value at parts of src into dst, creating the objects and arrays between.
func setAt(dst map[string]any, src any, parts []string) {
	var cur any = dst
	srcCur := src
	for i, p := range parts {
		last := i == len(parts)-1
		var srcNext any
		switch v := srcCur.(type) {
		case map[string]any:
			srcNext = v[p]
		case []any:
			n, _ := strconv.Atoi(p)
			srcNext = v[n]
		}
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = srcNext
				return
			}
			if _, ok := c[p]; !ok {
				c[p] = emptyLike(srcNext)
			}
			if arr, ok := c[p].([]any); ok { // arrays are reallocated as they grow
				n, _ := strconv.Atoi(parts[i+1])
				c[p] = grow(arr, n+1)
			}
			cur = c[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				c[n] = srcNext
				return
			}
			if c[n] == nil {
				c[n] = emptyLike(srcNext)
			}
			if arr, ok := c[n].([]any); ok {
				m, _ := strconv.Atoi(parts[i+1])
				c[n] = grow(arr, m+1)
			}
			cur = c[n]
		}
		srcCur = srcNext
	}
}

func emptyLike(v any) any {
	if _, ok := v.([]any); ok {
		return []any{}
	}
	return map[string]any{}
}

// grow lengthens arr to n elements; new elements are empty objects, as MLflow pads them.
func grow(arr []any, n int) []any {
	for len(arr) < n {
		arr = append(arr, map[string]any{})
	}
	return arr
}

// checkFieldPaths reports the paths without wildcards that doc does not have, as MLflow
// does before printing anything.
func checkFieldPaths(doc map[string]any, paths []string) error {
	var bad []string
	for _, p := range paths {
		if strings.Contains(p, "*") {
			continue
		}
		if len(extractValues(doc, p)) == 0 {
			bad = append(bad, p)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return usagef("invalid field path(s): %s; use dot paths such as info.trace_id, info.tags.`mlflow.traceName`, info.assessments.*, data.spans.*.name (top-level keys: %s)",
		strings.Join(bad, ", "), strings.Join(sortedKeys(doc), ", "))
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
		doc, err := traceDoc(t)
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
			out[i] = filterDoc(d, paths)
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
			cells[i] = safe(cellText(extractValues(d, p)), detailWidth)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
