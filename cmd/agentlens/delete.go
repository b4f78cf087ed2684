package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
)

type deleteOptions struct {
	olderThan  string
	max        int
	ids        []string
	experiment string
	yes        bool
}

func newDeleteCmd(a *app) *cobra.Command {
	var o deleteOptions
	c := &cobra.Command{
		Use:   "delete (--older-than DURATION [--max N] | --id ID...)",
		Short: "Delete traces by age or by id",
		Long: `Delete traces, either those that started more than DURATION ago (the oldest first, at most
--max of them) or the ones named with --id (repeat it, or separate ids with commas).
DURATION is a Go duration (90m, 36h) or a number of days (7d).

Unless --yes is given, the command asks on stderr and reads the answer from stdin: only "y"
or "yes" deletes; anything else, or no answer, aborts with exit status 1.`,
		Example: `  agentlens traces delete --older-than 7d
  agentlens traces delete --older-than 36h --max 1000 --yes
  agentlens traces delete --older-than 30d --experiment Default --yes
  agentlens traces delete --id tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --id tr-0c9d2e4f6a8b4c1d9e3f5a7b2c4d6e8f`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q: name traces with --id ID (repeatable), or select them with --older-than", args[0])
			}
			return nil
		},
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.delete(cmd, &o)
		}),
	}
	f := c.Flags()
	f.StringVar(&o.olderThan, "older-than", "", "delete traces that started more than `DURATION` ago (e.g. 7d, 36h)")
	f.IntVar(&o.max, "max", 0, "with --older-than: delete at most `N` traces, the oldest first (0: no limit)")
	f.StringSliceVar(&o.ids, "id", nil, "delete the trace `ID` (repeatable, or comma-separated)")
	f.StringVar(&o.experiment, "experiment", "", "only traces of this `EXPERIMENT` (id or name)")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	return c
}

// parseAge parses a Go duration or Nd (N days).
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n > math.MaxInt64/int64(24*time.Hour) {
			return 0, usagef("--older-than %q: want a Go duration (36h, 90m) or a number of days (7d)", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, usagef("--older-than %q: want a Go duration (36h, 90m) or a number of days (7d)", s)
		}
	}
	if d <= 0 {
		return 0, usagef("--older-than %q: the duration must be positive", s)
	}
	return d, nil
}

func (a *app) delete(cmd *cobra.Command, o *deleteOptions) error {
	byAge := cmd.Flags().Changed("older-than")
	byID := cmd.Flags().Changed("id")
	switch {
	case byAge && byID:
		return usagef("use either --older-than or --id, not both")
	case !byAge && !byID:
		return usagef("select the traces to delete with --older-than DURATION or --id ID")
	case o.max < 0:
		return usagef("--max %d is negative", o.max)
	case byID && cmd.Flags().Changed("max"):
		return usagef("--max applies to --older-than only")
	}
	opts := store.DeleteOptions{MaxTraces: o.max}
	if byAge {
		age, err := parseAge(o.olderThan)
		if err != nil {
			return err
		}
		cutoff := time.Now().Add(-age)
		// DeleteOptions takes 0 for "no cutoff", so the cutoff must be after the epoch.
		if cutoff.UnixMilli() <= 0 {
			return usagef("--older-than %s reaches back before 1970", o.olderThan)
		}
		opts.MaxTimestampMillis = cutoff.UnixMilli()
	} else {
		seen := make(map[string]bool, len(o.ids))
		for _, id := range o.ids {
			if id == "" {
				return usagef("--id: empty trace id")
			}
			if !seen[id] {
				seen[id] = true
				opts.TraceIDs = append(opts.TraceIDs, id)
			}
		}
	}

	ctx := cmd.Context()
	st, err := a.openStore(false)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.ExperimentIDs, err = lookupExperiment(ctx, st, o.experiment); err != nil {
		return err
	}

	if !o.yes {
		var q strings.Builder
		if byAge {
			fmt.Fprintf(&q, "Delete traces older than %s", o.olderThan)
			if o.max > 0 {
				fmt.Fprintf(&q, " (at most %d)", o.max)
			}
		} else {
			fmt.Fprintf(&q, "Delete %s", plural(len(opts.TraceIDs), "trace"))
		}
		if o.experiment != "" {
			fmt.Fprintf(&q, " in experiment %q", o.experiment)
		}
		fmt.Fprintf(&q, " from %s? [y/N] ", st.Path())
		ok, err := a.confirm(q.String())
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("aborted")
		}
	}

	n, err := st.DeleteTraces(ctx, opts)
	if err != nil {
		return err
	}
	msg := "deleted " + plural(n, "trace")
	if byID && n < len(opts.TraceIDs) {
		missing := len(opts.TraceIDs) - n
		where := ""
		if o.experiment != "" {
			where = fmt.Sprintf(" in experiment %q", o.experiment)
		}
		msg += fmt.Sprintf(" (%s matched no trace%s)", plural(missing, "id"), where)
	}
	_, err = fmt.Fprintln(a.stdout, msg)
	return err
}

// confirm asks question on stderr and reads one line from stdin: only "y" or "yes" (any
// case) confirms; anything else, including end of input, does not.
func (a *app) confirm(question string) (bool, error) {
	fmt.Fprint(a.stderr, question)
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	if !strings.HasSuffix(line, "\n") {
		// No newline came from the terminal: end the question's line before anything else.
		fmt.Fprintln(a.stderr)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
