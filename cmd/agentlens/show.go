package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

func newShowCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Print a trace as a tree of spans",
		Long: `Print a trace as a tree of spans: a header line (id, name, state, duration, total tokens),
then one line per span (type, name, status, duration, tokens, error message) indented under
its parent, each followed by its inputs ("in:") and outputs ("out:") as JSON, cut to 100
characters. Durations are rounded to the microsecond. The trace's assessments (feedback and
expectations) follow the tree, one line each.

--json prints the whole trace in MLflow's Trace.to_dict shape ({"info": ..., "data": {"spans": [...]}}),
nothing cut.`,
		Example: `  agentlens traces show tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e
  agentlens traces show tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --json | jq '.data.spans[].name'
  agentlens traces show "$(agentlens traces list --max 1 --json | jq -r '.traces[0].trace_id')"`,
		Args: exactArgs(1, "a trace ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.show(cmd.Context(), args[0], asJSON)
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the full trace as JSON")
	return c
}

func (a *app) show(ctx context.Context, id string, asJSON bool) error {
	st, err := a.openStore(true)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := getTrace(ctx, st, id)
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "%s\n", termtext.EscapeJSON(b))
		return err
	}
	if err := writeTree(a.stdout, t); err != nil {
		return err
	}
	return writeAssessmentLines(a.stdout, t.Info.Assessments)
}

// getTrace reads a trace, with an error naming the id and the store when it is unknown.
func getTrace(ctx context.Context, st *store.Store, id string) (*tracedata.Trace, error) {
	t, err := st.GetTrace(ctx, id)
	if errors.Is(err, tracedata.ErrTraceNotFound) {
		return nil, fmt.Errorf("no trace %q in %s", id, st.Path())
	}
	return t, err
}
