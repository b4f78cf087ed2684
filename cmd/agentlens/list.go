package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

type listOptions struct {
	filter     string
	orderBy    []string
	max        int
	experiment string
	pageToken  string
	json       bool
	output     string
	fields     string
}

const listLong = `List the traces of the store, newest first, one line each: trace id, name, state, start
(UTC), duration, total tokens and the request preview.

--filter takes MLflow's search_traces filter grammar: comparisons joined by AND.

  keys       status, timestamp_ms, execution_time_ms, end_time_ms, name (the trace name),
             request_id, client_request_id, run_id (metadata mlflow.sourceRun),
             trace.text (the inputs and outputs of the trace's spans, LIKE/ILIKE/RLIKE),
             tag.KEY, metadata.KEY, and of any span of the trace: span.name, span.type,
             span.status (OK, ERROR, UNSET), span.attributes.KEY, span.content (its
             inputs, outputs and attributes, LIKE/ILIKE/RLIKE);
             feedback.NAME, expectation.NAME (the value of a valid assessment of
             that name: = != LIKE ILIKE RLIKE; a string matches a string value or a
             value's JSON text ('true', '4'); feedback also < <= > >= with a number);
             a key is everything after the first dot (tags.mlflow.traceName); quote
             other keys with backticks or double quotes: tag.` + "`my key`" + `, tag."a=b"
  operators  numbers (timestamp_ms, execution_time_ms, end_time_ms): = != < <= > >=
             (and feedback.NAME with a number)
             strings: = != LIKE ILIKE (% matches any run, _ one character),
             RLIKE (a regular expression in Go's RE2 syntax, matched anywhere)
             both: IN (...) and NOT IN (...)
  values     'string' or "string"; numbers, with a decimal point or not; status is one of
             OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED

--order-by takes an attribute (status, timestamp_ms, execution_time_ms, end_time_ms, name,
request_id, client_request_id, run_id), tag.KEY or metadata.KEY, and optionally ASC or
DESC; repeat it for several keys. Traces without the tag or metadata key sort last; ties
break newest first, then by id. The default is timestamp_ms DESC.

When more traces match than --max, the command prints the --page-token for the next page
on stderr. --json (or --output json) prints {"traces": [TraceInfo...], "next_page_token":
"..."} with each TraceInfo in MLflow's JSON shape.

--extract-fields selects fields of each whole trace ({"info": ..., "data": {"spans": ...}},
as traces get prints it) with MLflow's dot paths: comma-separated, "*" for every key or
element, backticks for a key with dots (info.tags.` + "`mlflow.traceName`" + `). With --output table
(the default) the paths are the columns: several values are joined with ", " (three at
most), a missing one is N/A; with --output json each trace keeps only those fields.`

// The filters below are run by the tests against a real store: keep them valid.
const listExample = `  # filter cheat sheet
  agentlens traces list --filter 'tags.mlflow.traceName = "answer question"'
  agentlens traces list --filter "status = 'ERROR'"
  agentlens traces list --filter 'execution_time_ms > 1000' --order-by 'execution_time_ms DESC'
  agentlens traces list --filter "span.type = 'TOOL'"
  agentlens traces list --filter 'metadata.mlflow.trace.session = "session-42"'
  agentlens traces list --filter "name RLIKE '^(chat|answer)'"
  agentlens traces list --filter 'execution_time_ms > 99.5'
  agentlens traces list --filter "name LIKE 'chat%'"
  agentlens traces list --filter 'timestamp_ms >= 1735689600000'
  agentlens traces list --filter "tag.env IN ('prod', 'staging') AND status = 'OK'"
  agentlens traces list --filter "span.name ILIKE '%weather%'"
  agentlens traces list --filter "span.status = 'ERROR' AND span.type = 'TOOL'"
  agentlens traces list --filter "span.attributes.mlflow.spanType = 'TOOL'"
  agentlens traces list --filter "trace.text ILIKE '%agentlens%'"
  agentlens traces list --filter "feedback.correctness = 'true'"
  agentlens traces list --filter 'feedback.relevance >= 0.5 AND expectation.expected_answer LIKE "%Paris%"'

  # fields of the whole trace, MLflow's dot paths
  agentlens traces list --extract-fields 'info.trace_id,info.tags.` + "`mlflow.traceName`" + `,data.spans.*.name'
  agentlens traces list --extract-fields 'info.trace_id,info.assessments.*' --output json

  # paging, experiments, JSON
  agentlens traces list --max 20 --order-by 'execution_time_ms DESC' --order-by 'timestamp_ms'
  agentlens traces list --order-by 'tags.env' --order-by 'execution_time_ms DESC'
  agentlens traces list --experiment Default --json`

func newListCmd(a *app) *cobra.Command {
	var o listOptions
	c := &cobra.Command{
		Use:     "list",
		Short:   "List and search traces",
		Long:    listLong,
		Example: listExample,
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.list(cmd, &o)
		}),
	}
	f := c.Flags()
	f.StringVar(&o.filter, "filter", "", "MLflow `FILTER` string, e.g. \"status = 'ERROR' AND execution_time_ms > 1000\"")
	f.StringArrayVar(&o.orderBy, "order-by", nil, "sort `KEY` such as 'execution_time_ms DESC' (repeatable; default 'timestamp_ms DESC')")
	f.IntVar(&o.max, "max", store.DefaultMaxResults, fmt.Sprintf("`N` traces per page (1-%d)", store.MaxMaxResults))
	f.StringVar(&o.experiment, "experiment", "", "only traces of this `EXPERIMENT` (id or name)")
	f.StringVar(&o.pageToken, "page-token", "", "continue a listing from the `TOKEN` the previous page printed")
	f.BoolVar(&o.json, "json", false, "print JSON instead of a table (as --output json)")
	f.StringVar(&o.output, "output", "table", "output `FORMAT`: table or json")
	f.StringVar(&o.fields, "extract-fields", "", "only these comma-separated `PATHS` of each trace, e.g. info.trace_id,data.spans.*.name")
	return c
}

type listJSON struct {
	Traces        []tracedata.TraceInfo `json:"traces"`
	NextPageToken string                `json:"next_page_token"`
}

func (a *app) list(cmd *cobra.Command, o *listOptions) error {
	if o.max < 1 || o.max > store.MaxMaxResults {
		return usagef("--max %d is outside 1..%d", o.max, store.MaxMaxResults)
	}
	// Check the filter and order-by before touching the store, so that a usage error is
	// reported as one whatever the state of the store.
	if _, err := store.ParseFilter(o.filter); err != nil {
		return &usageError{err}
	}
	if _, err := store.ParseOrderBy(o.orderBy); err != nil {
		return &usageError{err}
	}
	switch {
	case o.output != "table" && o.output != "json":
		return usagef("--output %q is not table or json", o.output)
	case o.json && o.output == "table" && cmdChanged(cmd, "output"):
		return usagef("--json and --output table contradict each other")
	case o.json:
		o.output = "json"
	}
	var paths []string
	if o.fields != "" {
		var err error
		if paths, err = parseFieldList(o.fields); err != nil {
			return err
		}
	}
	ctx := cmd.Context()
	st, err := a.openStore(true)
	if err != nil {
		return err
	}
	defer st.Close()
	exps, err := lookupExperiment(ctx, st, o.experiment)
	if err != nil {
		return err
	}
	res, err := st.SearchTraces(ctx, store.SearchOptions{
		ExperimentIDs: exps,
		Filter:        o.filter,
		OrderBy:       o.orderBy,
		MaxResults:    o.max,
		PageToken:     o.pageToken,
	})
	var fe *store.FilterError
	if errors.As(err, &fe) || errors.Is(err, store.ErrInvalidPageToken) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}
	if paths != nil {
		if err := a.writeFields(ctx, st, res.Traces, paths, o.output, res.NextPageToken); err != nil {
			return err
		}
	} else if o.output == "json" {
		out := listJSON{Traces: res.Traces, NextPageToken: res.NextPageToken}
		if out.Traces == nil {
			out.Traces = []tracedata.TraceInfo{}
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(a.stdout, "%s\n", termtext.EscapeJSON(b)); err != nil {
			return err
		}
	} else if len(res.Traces) == 0 {
		if _, err := fmt.Fprintln(a.stdout, "no traces"); err != nil {
			return err
		}
	} else if err := writeTraceTable(a.stdout, res.Traces); err != nil {
		return err
	}
	if res.NextPageToken != "" {
		fmt.Fprintf(a.stderr, "more traces: --page-token %s\n", res.NextPageToken)
	}
	return nil
}
