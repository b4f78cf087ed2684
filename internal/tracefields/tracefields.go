// Package tracefields selects fields of a trace's MLflow JSON with MLflow's dot paths
// (mlflow/utils/jsonpath_utils.py), as "mlflow traces get --extract-fields" does: segments
// split on dots, a backticked segment taken whole (info.tags.`mlflow.traceName`), "*" for
// every key of an object or element of an array, and a number for an array element.
//
// The CLI (agentlens traces list/get --extract-fields) and the MCP server share it.
//
//	doc, _ := tracefields.Doc(trace)
//	names := tracefields.Extract(doc, "data.spans.*.name")
//	kept := tracefields.Filter(doc, []string{"info.trace_id", "data.spans.*.name"})
//
// # Missing paths
//
// [Missing] lists the paths without wildcards a document lacks; MLflow checks them against
// the first trace before printing anything, and so do the callers.
package tracefields

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/agentlens/agentlens/core/tracedata"
)

// SplitPath splits a path on dots outside backticks.
func SplitPath(path string) []string {
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

// Doc is a trace's JSON as generic values (numbers kept as written).
func Doc(t *tracedata.Trace) (map[string]any, error) {
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
			for _, k := range SortedKeys(v) {
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

// SortedKeys returns the keys of m in order.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Extract returns the values at path, in document order; none when it is absent.
func Extract(doc any, path string) []any {
	var out []any
	for _, p := range fieldPathsOf(doc, SplitPath(path)) {
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

// Filter keeps only the fields at paths, in the document's own structure: an array keeps
// the positions of the elements it holds, as MLflow's filter_json_by_fields does.
func Filter(doc map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	for _, path := range paths {
		for _, p := range fieldPathsOf(doc, SplitPath(path)) {
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

// Missing returns the paths without wildcards that doc does not have, in the order given.
func Missing(doc map[string]any, paths []string) []string {
	var bad []string
	for _, p := range paths {
		if strings.Contains(p, "*") {
			continue
		}
		if len(Extract(doc, p)) == 0 {
			bad = append(bad, p)
		}
	}
	return bad
}
