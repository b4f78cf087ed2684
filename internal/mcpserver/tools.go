package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/tracefields"
)

// Page sizes of search_traces: smaller than the CLI's, since every result lands in a
// model's context.
const (
	defaultSearchResults = 20
	maxSearchResults     = 500
)

// addTools registers every tool. Handlers return their failures as errors, which the SDK
// sends as tool errors (isError with the message), so a bad call never ends the server.
func (s *Server) addTools() {
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name: "search_traces",
		Description: "Search the traces of the store with MLflow's search_traces filter grammar, newest first. " +
			"Returns {traces: [TraceInfo in MLflow's JSON], next_page_token}; with extract_fields, each trace's whole JSON " +
			"({info, data: {spans}}) reduced to those fields (long span strings cut, as get_trace does).",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true},
	}, guard("search_traces", s.searchTraces))
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name: "get_trace",
		Description: "Read one trace as MLflow's JSON ({info, data: {spans}}). Span strings longer than the limit are cut " +
			"and end with a marker \"" + truncMarker + "...]\" that gives the span_id, field and offset to pass back here " +
			"to read the rest; with span_id and field this returns that piece {text, offset, total_bytes, next_offset}. " +
			"A span with more events than the limit keeps its first and last ones, with a marker event between them " +
			"that names the call reading the others (field events, from an offset; or events.N for one event).",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true},
	}, guard("get_trace", s.getTrace))
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name: "trace_stats",
		Description: "Summarize the traces that match a filter: count, errors and error rate, exact (nearest-rank) " +
			"p50/p95/p99 of their duration in ms, token sums and cost sums in US dollars, computed in the store. " +
			"Returns {group_by, groups: [{key, missing, traces, errors, error_rate, p50_ms, p95_ms, p99_ms, " +
			"traces_with_tokens, input_tokens, output_tokens, total_tokens, traces_with_cost, input_cost, output_cost, " +
			"total_cost}]}; the sums cover the traces_with_tokens / traces_with_cost that record them; the group of " +
			"traces without the key comes last (missing: true).",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true},
	}, guard("trace_stats", s.traceStats))
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name:        "set_trace_tag",
		Description: "Set (or replace) a tag of a trace. Writes to the store.",
		Annotations: &mcp.ToolAnnotations{IdempotentHint: true, DestructiveHint: ptr(false)},
	}, guard("set_trace_tag", s.setTraceTag))
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name: "log_feedback",
		Description: "Attach a feedback assessment (a named judgement such as correctness=true or relevance=0.8) to a " +
			"trace or one of its spans, as mlflow.log_feedback does. Writes to the store; returns the assessment.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false)},
	}, guard("log_feedback", s.logFeedback))
	mcp.AddTool(s.mcp, &mcp.Tool{
		Name: "delete_traces",
		Description: "Delete traces, named by trace_ids or matched by a non-empty filter (never all traces). " +
			"Without confirm: true it deletes nothing and reports how many traces it would delete.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(true)},
	}, guard("delete_traces", s.deleteTraces))
}

func ptr[T any](v T) *T { return &v }

// guard makes a handler's panic, and a result JSON cannot encode, tool errors: the SDK runs
// handlers without recovering, so a panic would end the server, and it sends an encoding
// failure as a protocol error.
func guard[In any](tool string, h mcp.ToolHandlerFor[In, any]) mcp.ToolHandlerFor[In, any] {
	return func(ctx context.Context, req *mcp.CallToolRequest, in In) (res *mcp.CallToolResult, out any, err error) {
		defer func() {
			if r := recover(); r != nil {
				res, out, err = nil, nil, fmt.Errorf("%s failed: internal error: %v", tool, r)
			}
		}()
		res, out, err = h(ctx, req, in)
		if err != nil || out == nil {
			return res, out, err
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: the result cannot be sent as JSON: %w", tool, err)
		}
		return res, json.RawMessage(b), nil
	}
}

type searchInput struct {
	Filter        string   `json:"filter,omitempty" jsonschema:"MLflow filter, comparisons joined by AND, e.g. status = 'ERROR' AND execution_time_ms > 1000; keys: status, timestamp_ms, execution_time_ms, name, tag.KEY, metadata.KEY, span.name, span.type, span.status, span.attributes.KEY, trace.text, feedback.NAME, expectation.NAME; empty matches every trace"`
	OrderBy       []string `json:"order_by,omitempty" jsonschema:"sort keys such as 'execution_time_ms DESC' or 'tag.env'; default timestamp_ms DESC"`
	MaxResults    int      `json:"max_results,omitempty" jsonschema:"traces per page, 1 to 500; default 20"`
	PageToken     string   `json:"page_token,omitempty" jsonschema:"the next_page_token of the previous page"`
	ExtractFields []string "json:\"extract_fields,omitempty\" jsonschema:\"MLflow dot paths into each trace's JSON to keep, e.g. info.trace_id, info.tags.`mlflow.traceName`, data.spans.*.name; * is every key or element, backticks keep a key with dots whole\""
}

type searchOutput struct {
	Traces        []any  `json:"traces"`
	NextPageToken string `json:"next_page_token"`
}

func (s *Server) searchTraces(ctx context.Context, _ *mcp.CallToolRequest, in searchInput) (*mcp.CallToolResult, any, error) {
	if in.MaxResults == 0 {
		in.MaxResults = defaultSearchResults
	}
	if in.MaxResults < 1 || in.MaxResults > maxSearchResults {
		return nil, nil, fmt.Errorf("max_results %d is outside 1..%d", in.MaxResults, maxSearchResults)
	}
	if err := checkPaths(in.ExtractFields); err != nil {
		return nil, nil, err
	}
	st, err := s.readStore()
	if err != nil {
		return nil, nil, err
	}
	res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: in.Filter, OrderBy: in.OrderBy, MaxResults: in.MaxResults, PageToken: in.PageToken})
	if err != nil {
		return nil, nil, err
	}
	out := searchOutput{Traces: []any{}, NextPageToken: res.NextPageToken}
	for i, info := range res.Traces {
		if in.ExtractFields == nil {
			out.Traces = append(out.Traces, info)
			continue
		}
		doc, err := s.traceDoc(ctx, st, info.TraceID, in.ExtractFields, i == 0)
		if err != nil {
			return nil, nil, err
		}
		out.Traces = append(out.Traces, doc)
	}
	return nil, out, nil
}

type statsInput struct {
	Filter  string `json:"filter,omitempty" jsonschema:"MLflow filter, as in search_traces; empty matches every trace"`
	GroupBy string `json:"group_by,omitempty" jsonschema:"one of name, tag.KEY, metadata.KEY, span_type, model, minute, hour, day (UTC); empty for one group of every matching trace"`
}

type statsOutput struct {
	GroupBy string             `json:"group_by"`
	Groups  []store.StatsGroup `json:"groups"`
}

func (s *Server) traceStats(ctx context.Context, _ *mcp.CallToolRequest, in statsInput) (*mcp.CallToolResult, any, error) {
	st, err := s.readStore()
	if err != nil {
		return nil, nil, err
	}
	res, err := st.TraceStats(ctx, store.StatsOptions{Filter: in.Filter, GroupBy: in.GroupBy})
	if err != nil {
		return nil, nil, err
	}
	out := statsOutput{GroupBy: res.GroupBy, Groups: res.Groups}
	if out.Groups == nil {
		out.Groups = []store.StatsGroup{} // "groups": [], not null
	}
	return nil, out, nil
}

type getInput struct {
	TraceID       string   `json:"trace_id" jsonschema:"the trace id (tr-...)"`
	ExtractFields []string `json:"extract_fields,omitempty" jsonschema:"MLflow dot paths to keep, as in search_traces; default the whole trace"`
	SpanID        string   `json:"span_id,omitempty" jsonschema:"with field: read one field of this span, from a truncation marker"`
	Field         string   "json:\"field,omitempty\" jsonschema:\"with span_id: the field's dot path inside the span, e.g. attributes.`mlflow.spanInputs`\""
	Offset        int      `json:"offset,omitempty" jsonschema:"with span_id and field: the byte offset to read from (a marker's offset, or the previous next_offset)"`
	MaxChars      int      `json:"max_chars,omitempty" jsonschema:"the longest string (in bytes) returned before it is cut; default the server's limit (2000)"`
	MaxEvents     int      `json:"max_events,omitempty" jsonschema:"the most events of one span returned before the middle ones are left out; default the server's limit (20)"`
}

func (s *Server) getTrace(ctx context.Context, _ *mcp.CallToolRequest, in getInput) (*mcp.CallToolResult, any, error) {
	if strings.TrimSpace(in.TraceID) == "" {
		return nil, nil, errors.New("trace_id is empty")
	}
	if (in.SpanID == "") != (in.Field == "") {
		return nil, nil, errors.New("span_id and field go together: pass both to read one span field, or neither")
	}
	if in.Offset != 0 && in.SpanID == "" {
		return nil, nil, errors.New("offset needs span_id and field")
	}
	if in.MaxChars < 0 {
		return nil, nil, fmt.Errorf("max_chars %d is negative", in.MaxChars)
	}
	if in.MaxEvents < 0 {
		return nil, nil, fmt.Errorf("max_events %d is negative", in.MaxEvents)
	}
	if err := checkPaths(in.ExtractFields); err != nil {
		return nil, nil, err
	}
	maxBytes, maxEvents := s.opts.MaxChars, s.opts.MaxEvents
	if in.MaxChars > 0 {
		maxBytes = in.MaxChars
	}
	if in.MaxEvents > 0 {
		maxEvents = in.MaxEvents
	}
	st, err := s.readStore()
	if err != nil {
		return nil, nil, err
	}
	if in.SpanID != "" {
		t, err := st.GetTrace(ctx, in.TraceID)
		if err != nil {
			return nil, nil, err
		}
		doc, err := tracefields.Doc(t)
		if err != nil {
			return nil, nil, err
		}
		piece, err := readSpanField(doc, in.TraceID, in.SpanID, in.Field, in.Offset, maxBytes)
		if err != nil {
			return nil, nil, err
		}
		return nil, piece, nil
	}
	doc, err := s.traceDocMax(ctx, st, in.TraceID, in.ExtractFields, true, maxBytes, maxEvents)
	if err != nil {
		return nil, nil, err
	}
	return nil, doc, nil
}

func (s *Server) traceDoc(ctx context.Context, st *store.Store, id string, paths []string, check bool) (map[string]any, error) {
	return s.traceDocMax(ctx, st, id, paths, check, s.opts.MaxChars, s.opts.MaxEvents)
}

// traceDocMax reads a trace's JSON, cuts its long span strings and event lists and keeps
// paths (all when nil); check reports paths without "*" the trace lacks, as MLflow does for
// the first trace.
func (s *Server) traceDocMax(ctx context.Context, st *store.Store, id string, paths []string, check bool, maxBytes, maxEvents int) (map[string]any, error) {
	t, err := st.GetTrace(ctx, id)
	if err != nil {
		return nil, err
	}
	doc, err := tracefields.Doc(t)
	if err != nil {
		return nil, err
	}
	if check && paths != nil {
		if bad := tracefields.Missing(doc, paths); len(bad) > 0 {
			return nil, fmt.Errorf("invalid field path(s): %s; use dot paths such as info.trace_id, info.tags.`mlflow.traceName`, info.assessments.*, data.spans.*.name (top-level keys: %s)",
				strings.Join(bad, ", "), strings.Join(tracefields.SortedKeys(doc), ", "))
		}
	}
	// Cut before filtering, so that every marker can name its span's id.
	truncateSpans(doc, id, maxBytes, maxEvents)
	if paths != nil {
		doc = tracefields.Filter(doc, paths)
	}
	return doc, nil
}

// checkPaths rejects empty paths and unclosed backticks, as the CLI's --extract-fields does.
func checkPaths(paths []string) error {
	for _, p := range paths {
		if strings.TrimSpace(p) == "" {
			return errors.New("extract_fields has an empty path; want paths such as info.trace_id, data.spans.*.name")
		}
		if strings.Count(p, "`")%2 != 0 {
			return fmt.Errorf("extract_fields: %q has an unclosed backtick", p)
		}
	}
	return nil
}

type tagInput struct {
	TraceID string `json:"trace_id" jsonschema:"the trace id (tr-...)"`
	Key     string `json:"key" jsonschema:"the tag key, not empty"`
	Value   string `json:"value" jsonschema:"the tag value"`
}

func (s *Server) setTraceTag(ctx context.Context, _ *mcp.CallToolRequest, in tagInput) (*mcp.CallToolResult, any, error) {
	st, err := s.writeStore("set_trace_tag")
	if err != nil {
		return nil, nil, err
	}
	if err := st.SetTraceTag(ctx, in.TraceID, in.Key, in.Value); err != nil {
		return nil, nil, err
	}
	return nil, in, nil
}

type feedbackInput struct {
	TraceID    string `json:"trace_id" jsonschema:"the trace id (tr-...)"`
	Name       string `json:"name" jsonschema:"the feedback name, e.g. correctness; no dots"`
	Value      any    `json:"value" jsonschema:"the feedback value: a boolean, number, string, or a JSON object or array"`
	Rationale  string `json:"rationale,omitempty" jsonschema:"why this feedback was given"`
	SourceType string `json:"source_type,omitempty" jsonschema:"who gave it: HUMAN, LLM_JUDGE or CODE; default CODE, as MLflow"`
	SourceID   string `json:"source_id,omitempty" jsonschema:"an id of the source, e.g. a user or judge name; default 'default'"`
	SpanID     string `json:"span_id,omitempty" jsonschema:"attach the feedback to this span of the trace"`
}

func (s *Server) logFeedback(ctx context.Context, _ *mcp.CallToolRequest, in feedbackInput) (*mcp.CallToolResult, any, error) {
	st, err := s.writeStore("log_feedback")
	if err != nil {
		return nil, nil, err
	}
	if in.Value == nil {
		return nil, nil, errors.New("value is null; give a boolean, number, string, object or array")
	}
	var opts []store.AssessmentOption
	if in.Rationale != "" {
		opts = append(opts, store.WithRationale(in.Rationale))
	}
	if in.SourceType != "" || in.SourceID != "" {
		typ := tracedata.AssessmentSourceType(in.SourceType)
		switch typ {
		case "":
			typ = tracedata.SourceCode
		case tracedata.SourceHuman, tracedata.SourceLLMJudge, tracedata.SourceCode:
		default:
			return nil, nil, fmt.Errorf("source_type %q is not HUMAN, LLM_JUDGE or CODE", in.SourceType)
		}
		opts = append(opts, store.WithSource(typ, in.SourceID))
	}
	if in.SpanID != "" {
		opts = append(opts, store.WithSpan(in.SpanID))
	}
	a, err := st.LogFeedback(ctx, in.TraceID, in.Name, in.Value, opts...)
	if err != nil {
		return nil, nil, err
	}
	return nil, a, nil
}

type deleteInput struct {
	TraceIDs []string `json:"trace_ids,omitempty" jsonschema:"delete these traces; or give filter instead"`
	Filter   string   `json:"filter,omitempty" jsonschema:"delete the traces this MLflow filter matches (as search_traces); must not be empty"`
	Confirm  bool     `json:"confirm,omitempty" jsonschema:"must be true to delete; otherwise nothing is deleted and the count is reported"`
}

type deleteOutput struct {
	Deleted  int      `json:"deleted"`
	TraceIDs []string `json:"trace_ids"`
}

// deleteBatch bounds the ids of one DELETE (SQLite caps the parameters of a statement).
const deleteBatch = 500

func (s *Server) deleteTraces(ctx context.Context, _ *mcp.CallToolRequest, in deleteInput) (*mcp.CallToolResult, any, error) {
	if s.opts.ReadOnly {
		return nil, nil, errors.New("delete_traces writes to the store; this server was started with --read-only")
	}
	filter := strings.TrimSpace(in.Filter)
	switch {
	case filter == "" && len(in.TraceIDs) == 0:
		return nil, nil, errors.New("delete_traces needs trace_ids or a non-empty filter; it never deletes every trace")
	case filter != "" && len(in.TraceIDs) > 0:
		return nil, nil, errors.New("delete_traces takes trace_ids or a filter, not both")
	}
	for _, id := range in.TraceIDs {
		if strings.TrimSpace(id) == "" {
			return nil, nil, errors.New("trace_ids has an empty id")
		}
	}
	st, err := s.readStore()
	if err != nil {
		return nil, nil, err
	}
	ids, err := matchingIDs(ctx, st, filter, in.TraceIDs)
	if err != nil {
		return nil, nil, err
	}
	if !in.Confirm {
		return nil, nil, fmt.Errorf("nothing deleted: %d trace(s) match; call delete_traces again with confirm: true to delete them", len(ids))
	}
	w, err := s.writeStore("delete_traces")
	if err != nil {
		return nil, nil, err
	}
	out := deleteOutput{TraceIDs: []string{}}
	for start := 0; start < len(ids); start += deleteBatch {
		batch := ids[start:min(start+deleteBatch, len(ids))]
		n, err := w.DeleteTraces(ctx, store.DeleteOptions{TraceIDs: batch})
		out.Deleted += n
		if err != nil {
			return nil, nil, fmt.Errorf("deleted %d trace(s), then: %w", out.Deleted, err)
		}
	}
	out.TraceIDs = append(out.TraceIDs, ids...)
	return nil, out, nil
}

// matchingIDs returns the stored traces among ids, or every trace filter matches.
func matchingIDs(ctx context.Context, st *store.Store, filter string, ids []string) ([]string, error) {
	var out []string
	if filter == "" {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			_, err := st.GetTrace(ctx, id)
			if errors.Is(err, tracedata.ErrTraceNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, nil
	}
	o := store.SearchOptions{Filter: filter, MaxResults: store.MaxMaxResults}
	for {
		res, err := st.SearchTraces(ctx, o)
		if err != nil {
			return nil, err
		}
		for _, t := range res.Traces {
			out = append(out, t.TraceID)
		}
		if res.NextPageToken == "" {
			return out, nil
		}
		o.PageToken = res.NextPageToken
	}
}
