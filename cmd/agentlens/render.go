package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/internal/treeview"
	"github.com/agentlens/agentlens/spantypes"
)

// Widths, in characters, of the untrusted text the CLI prints.
const (
	nameWidth    = 40
	previewWidth = 60
	detailWidth  = 100
	errorWidth   = 120 // as sdk.FormatTree
)

const startLayout = "2006-01-02 15:04:05"

// safe makes untrusted text printable (escapes) and cuts it to n characters.
func safe(s string, n int) string {
	return termtext.Truncate(termtext.Clean(s), n)
}

// orDash returns "-" for an empty cell, so that a table's columns stay aligned.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeTraceTable prints traces as an aligned table.
func writeTraceTable(w io.Writer, traces []tracedata.TraceInfo) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TRACE ID\tNAME\tSTATE\tSTART\tDURATION\tTOKENS\tREQUEST")
	for i := range traces {
		t := &traces[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			termtext.Clean(t.TraceID),
			orDash(safe(t.Tags[spantypes.TagTraceName], nameWidth)),
			orDash(termtext.Clean(string(t.State))),
			time.UnixMilli(t.TimestampMS).UTC().Format(startLayout),
			t.ExecutionDuration(),
			totalTokens(t),
			orDash(safe(t.RequestPreview, previewWidth)))
	}
	return tw.Flush()
}

// totalTokens reads the trace's total tokens from its metadata, "-" when it has none.
func totalTokens(t *tracedata.TraceInfo) string {
	v, ok := t.Metadata[spantypes.MetaTokenUsage]
	if !ok {
		return "-"
	}
	var u tracedata.TokenUsage
	if err := json.Unmarshal([]byte(v), &u); err != nil {
		return "-"
	}
	return strconv.FormatInt(u.TotalTokens, 10)
}

// writeTree prints a trace as sdk.FormatTree does (a header line, then one line per span,
// indented under its parent), with up to two detail lines under each span: its inputs and
// outputs as JSON. The detail lines continue the tree's vertical guides, and a "│" links a
// span's details to its children.
//
//	trace tr-3f2a... "pipeline" OK 12ms tokens=42
//	└─ CHAIN pipeline OK 12ms tokens=42
//	   │  in:  "what is agentlens?"
//	   ├─ RETRIEVER retrieve OK 3ms
//	   │     in:  {"query":"agentlens"}
//	   └─ CHAT_MODEL generate OK 8ms tokens=42
//	         out: "agentlens records Go agent runs as MLflow traces"
func writeTree(w io.Writer, t *tracedata.Trace) error {
	var b strings.Builder
	b.WriteString(treeview.Header(t))
	b.WriteByte('\n')
	remote := remoteSpans(t)
	for _, r := range treeview.Rows(t) {
		b.WriteString(r.Prefix)
		b.WriteString(treeview.SpanLine(r.Span, errorWidth))
		if remote[r.Span.SpanID] {
			b.WriteString("  [from another process]")
		}
		b.WriteByte('\n')
		for _, d := range []struct {
			label string
			value json.RawMessage
		}{{"in:  ", r.Span.Inputs()}, {"out: ", r.Span.Outputs()}} {
			if d.value == nil {
				continue
			}
			b.WriteString(r.Detail)
			b.WriteString(d.label)
			b.WriteString(detailJSON(d.value))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// detailJSON renders a span's inputs or outputs on one line: compacted JSON, escaped and cut.
func detailJSON(v json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, v); err == nil {
		v = buf.Bytes()
	}
	return safe(string(v), detailWidth)
}

// remoteSpans returns the spans recorded by another process than the trace's root: those at
// or below a span whose parent was in another process (spantypes.KeyRemoteParent).
func remoteSpans(t *tracedata.Trace) map[string]bool {
	parent := make(map[string]string, len(t.Spans))
	marked := map[string]bool{}
	for i := range t.Spans {
		s := &t.Spans[i]
		parent[s.SpanID] = s.ParentID
		if s.Attributes[spantypes.KeyRemoteParent] == "true" {
			marked[s.SpanID] = true
		}
	}
	out := map[string]bool{}
	if len(marked) == 0 {
		return out
	}
	for i := range t.Spans {
		id := t.Spans[i].SpanID
		for hops, cur := 0, id; cur != "" && hops <= len(t.Spans); hops++ {
			if marked[cur] {
				out[id] = true
				break
			}
			cur = parent[cur]
		}
	}
	return out
}
