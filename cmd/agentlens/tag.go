package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

func newTagCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "tag ID KEY=VALUE...",
		Short: "Set tags on a trace",
		Long: `Set (or replace) tags on a trace. Each argument after the id is KEY=VALUE; the value is
everything after the first "=", and may be empty. Tags are what --filter 'tag.KEY = "VALUE"'
searches.`,
		Example: `  agentlens traces tag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed=yes
  agentlens traces tag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e env=prod 'note=wrong tool chosen'
  agentlens traces list --filter "tag.reviewed = 'yes'"`,
		Args: minArgs(2, "a trace ID and at least one KEY=VALUE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.tag(cmd.Context(), args[0], args[1:])
		}),
	}
}

func newUntagCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "untag ID KEY...",
		Short: "Remove tags from a trace",
		Long: `Remove tags from a trace. A key the trace does not have is an error, and then no tag is
removed.`,
		Example: `  agentlens traces untag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed
  agentlens traces untag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e env note`,
		Args: minArgs(2, "a trace ID and at least one tag KEY"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.untag(cmd.Context(), args[0], args[1:])
		}),
	}
}

type tagPair struct{ key, value string }

// parseTagPairs checks every KEY=VALUE before anything is written.
func parseTagPairs(args []string) ([]tagPair, error) {
	pairs := make([]tagPair, 0, len(args))
	index := make(map[string]int, len(args))
	for _, arg := range args {
		k, v, ok := strings.Cut(arg, "=")
		switch {
		case !ok:
			return nil, usagef("%q is not KEY=VALUE", arg)
		case k == "":
			return nil, usagef("%q has an empty key; want KEY=VALUE", arg)
		}
		if i, dup := index[k]; dup {
			pairs[i].value = v // the last value of a repeated key wins
			continue
		}
		index[k] = len(pairs)
		pairs = append(pairs, tagPair{k, v})
	}
	return pairs, nil
}

func (a *app) tag(ctx context.Context, id string, args []string) error {
	pairs, err := parseTagPairs(args)
	if err != nil {
		return err
	}
	st, err := a.openStore(false)
	if err != nil {
		return err
	}
	defer st.Close()
	tags := make(map[string]string, len(pairs))
	for _, p := range pairs {
		tags[p.key] = p.value
	}
	if err := st.SetTraceTags(ctx, id, tags); err != nil { // all or none
		if errors.Is(err, tracedata.ErrTraceNotFound) {
			return fmt.Errorf("no trace %q in %s", id, st.Path())
		}
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "set %s on %s\n", plural(len(pairs), "tag"), termtext.Clean(id))
	return err
}

func (a *app) untag(ctx context.Context, id string, keys []string) error {
	st, err := a.openStore(false)
	if err != nil {
		return err
	}
	defer st.Close()
	seen := make(map[string]bool, len(keys))
	var unique []string
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			unique = append(unique, k)
		}
	}
	// All or none: a key the trace lacks is an error naming it, and nothing is removed.
	if err := st.DeleteTraceTags(ctx, id, unique...); err != nil {
		if errors.Is(err, tracedata.ErrTraceNotFound) {
			return fmt.Errorf("no trace %q in %s", id, st.Path())
		}
		return fmt.Errorf("%w; no tag removed", err)
	}
	_, err = fmt.Fprintf(a.stdout, "removed %s from %s\n", plural(len(unique), "tag"), termtext.Clean(id))
	return err
}

// plural renders "1 trace", "3 traces".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
