package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/internal/termtext"
	"github.com/agentlens/agentlens/internal/treeview"
)

type statsOptions struct {
	filter     string
	groupBy    string
	output     string
	experiment string
}

const statsLong = `Summarize the traces that match --filter (the grammar of traces list --filter): the
number of traces, of failed ones (state ERROR) and their rate, the p50, p95 and p99 of
their duration, their input, output and total tokens, and their input, output and total
cost in US dollars. The store computes them in one SQL query; no trace is loaded.

--group-by splits the traces into groups, one row each, ordered by key (the traces
without the key last, as "(none)"):

  name          the trace name
  tag.KEY       the value of a tag; metadata.KEY the value of a metadata entry
  span_type     the types of the trace's spans: a trace counts once in the group of
                each span type it contains
  model         the models its spans called (span attribute mlflow.llm.model): a trace
                counts once, with all its tokens and cost, in the group of each; this
                reads every matching trace's spans
  minute, hour, day
                the time bucket the trace started in, UTC

Percentiles are exact, by the nearest-rank method: the p-th percentile of a group of n
traces is the duration at position ceil(p*n/100) of the group sorted by duration, a
duration some trace of the group took. Tokens are read from each trace's token usage
(metadata mlflow.trace.tokenUsage); WITH TOKENS counts the traces that have one, and the
others add nothing to the sums. Cost is read from each trace's cost (metadata
mlflow.trace.cost, US dollars) the same way, counted by WITH COST; the table rounds it to
a millionth of a dollar. A trace has a cost when its program records one: a span's
SetCost, or the SDK's price table (sdk.WithModelPrices), which prices model calls from
their tokens. No matching trace prints "no traces".

--output json prints {"group_by": "...", "groups": [...]} with durations in
milliseconds and costs unrounded; --output csv prints the same columns as the table,
durations in milliseconds, the error rate as a fraction and costs unrounded.`

// The commands below are run by the tests against a real store: keep them valid.
const statsExample = `  agentlens traces stats
  agentlens traces stats --group-by name
  agentlens traces stats --group-by span_type --filter "status = 'ERROR'"
  agentlens traces stats --group-by tag.env --filter 'timestamp_ms >= 1735689600000'
  agentlens traces stats --group-by metadata.mlflow.trace.session --output json
  agentlens traces stats --group-by model --filter "span.type = 'CHAT_MODEL'"
  agentlens traces stats --group-by hour --output csv`

func newStatsCmd(a *app) *cobra.Command {
	var o statsOptions
	c := &cobra.Command{
		Use:     "stats",
		Short:   "Count traces and errors, latency percentiles, tokens and cost, by group",
		Long:    statsLong,
		Example: statsExample,
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.stats(cmd, &o)
		}),
	}
	f := c.Flags()
	f.StringVar(&o.filter, "filter", "", "MLflow `FILTER` string, e.g. \"tag.env = 'prod'\"")
	f.StringVar(&o.groupBy, "group-by", "", "group by `KEY`: name, tag.KEY, metadata.KEY, span_type, model, minute, hour or day")
	f.StringVar(&o.output, "output", "table", "output `FORMAT`: table, json or csv")
	f.StringVar(&o.experiment, "experiment", "", "only traces of this `EXPERIMENT` (id or name)")
	return c
}

func (a *app) stats(cmd *cobra.Command, o *statsOptions) error {
	// Check the arguments before touching the store, so that a usage error is reported as
	// one whatever the state of the store.
	if _, err := store.ParseFilter(o.filter); err != nil {
		return &usageError{err}
	}
	kind, _, err := store.ParseGroupBy(o.groupBy)
	if err != nil {
		return &usageError{err}
	}
	if o.output != "table" && o.output != "json" && o.output != "csv" {
		return usagef("--output %q is not table, json or csv", o.output)
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
	res, err := st.TraceStats(ctx, store.StatsOptions{ExperimentIDs: exps, Filter: o.filter, GroupBy: o.groupBy})
	var fe *store.FilterError
	if errors.As(err, &fe) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}
	switch o.output {
	case "json":
		return writeStatsJSON(a.stdout, res)
	case "csv":
		return writeStatsCSV(a.stdout, kind, res)
	}
	if len(res.Groups) == 0 {
		_, err := fmt.Fprintln(a.stdout, "no traces")
		return err
	}
	return writeStatsTable(a.stdout, kind, o.groupBy, res)
}

// groupHeader names the key column of a grouping; "" for no grouping.
func groupHeader(kind, groupBy string) string {
	switch kind {
	case store.GroupNone:
		return ""
	case store.GroupName:
		return "NAME"
	case store.GroupSpanType:
		return "SPAN TYPE"
	case store.GroupModel:
		return "MODEL"
	case store.GroupMinute, store.GroupHour, store.GroupDay:
		return strings.ToUpper(kind) + " (UTC)"
	}
	return termtext.Clean(strings.TrimSpace(groupBy)) // tag.KEY, metadata.KEY: the key as given
}

func groupKey(g *store.StatsGroup) string {
	if g.Missing {
		return "(none)"
	}
	return orDash(safe(g.Key, nameWidth))
}

func writeStatsTable(w io.Writer, kind, groupBy string, res store.StatsResult) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	header := "TRACES\tERRORS\tERROR RATE\tP50\tP95\tP99\tWITH TOKENS\tINPUT\tOUTPUT\tTOTAL\tWITH COST\tINPUT $\tOUTPUT $\tTOTAL $"
	if h := groupHeader(kind, groupBy); h != "" {
		header = h + "\t" + header
	}
	fmt.Fprintln(tw, header)
	ms := func(v int64) time.Duration { return time.Duration(v) * time.Millisecond }
	for i := range res.Groups {
		g := &res.Groups[i]
		if kind != store.GroupNone {
			fmt.Fprintf(tw, "%s\t", groupKey(g))
		}
		fmt.Fprintf(tw, "%d\t%d\t%.1f%%\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n",
			g.Traces, g.Errors, 100*g.ErrorRate, ms(g.P50MS), ms(g.P95MS), ms(g.P99MS),
			g.TracesWithTokens, g.InputTokens, g.OutputTokens, g.TotalTokens,
			g.TracesWithCost, treeview.Dollars(g.InputCost), treeview.Dollars(g.OutputCost), treeview.Dollars(g.TotalCost))
	}
	return tw.Flush()
}

// fullDollars renders a cost as stored, in decimal notation.
func fullDollars(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// statsGroupJSON is a group as --output json prints it: the store's JSON form, but with a
// key that is null for the traces without one and absent without grouping.
type statsGroupJSON struct {
	Key *string `json:"key,omitempty"`
	store.StatsGroup
}

func writeStatsJSON(w io.Writer, res store.StatsResult) error {
	out := struct {
		GroupBy string           `json:"group_by"`
		Groups  []statsGroupJSON `json:"groups"`
	}{GroupBy: res.GroupBy, Groups: []statsGroupJSON{}}
	for _, g := range res.Groups {
		j := statsGroupJSON{StatsGroup: g}
		if res.GroupBy != "" && !g.Missing {
			j.Key = &g.Key
		}
		out.Groups = append(out.Groups, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", termtext.EscapeJSON(b))
	return err
}

// writeStatsCSV writes one header row and a row per group; the key column (absent without
// grouping) is empty for the traces without the key, and a "missing" column tells them apart
// from an empty value. Keys are escaped as in the table (control characters shown as \x1b),
// so that printing the CSV cannot drive the terminal.
func writeStatsCSV(w io.Writer, kind string, res store.StatsResult) error {
	cw := csv.NewWriter(w)
	header := []string{"traces", "errors", "error_rate", "p50_ms", "p95_ms", "p99_ms",
		"traces_with_tokens", "input_tokens", "output_tokens", "total_tokens",
		"traces_with_cost", "input_cost", "output_cost", "total_cost"}
	grouped := kind != store.GroupNone
	if grouped {
		header = append([]string{"key", "missing"}, header...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	for _, g := range res.Groups {
		row := []string{itoa(g.Traces), itoa(g.Errors), strconv.FormatFloat(g.ErrorRate, 'g', -1, 64),
			itoa(g.P50MS), itoa(g.P95MS), itoa(g.P99MS),
			itoa(g.TracesWithTokens), itoa(g.InputTokens), itoa(g.OutputTokens), itoa(g.TotalTokens),
			itoa(g.TracesWithCost), fullDollars(g.InputCost), fullDollars(g.OutputCost), fullDollars(g.TotalCost)}
		if grouped {
			row = append([]string{termtext.Clean(g.Key), strconv.FormatBool(g.Missing)}, row...)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
