package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
)

// Exit codes.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

const defaultStorePath = "./agentlens.db"

// app holds what every command shares: the store flag and the standard streams.
type app struct {
	storePath string
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

// usageError is a mistake in how the command was called; it exits 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// runtimeError is an error a command's RunE returned that is not a usage error; it exits 1.
// Errors cobra returns itself (unknown flags, commands, argument counts) are neither and
// count as usage errors.
type runtimeError struct{ err error }

func (e *runtimeError) Error() string { return e.err.Error() }
func (e *runtimeError) Unwrap() error { return e.err }

// runE marks the errors of fn as runtime errors unless they are usage errors.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		if err == nil {
			return nil
		}
		var ue *usageError
		if errors.As(err, &ue) {
			return err
		}
		return &runtimeError{err}
	}
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(a, getenv)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "agentlens: %s\n", errorText(err))
	var rt *runtimeError
	if errors.As(err, &rt) {
		return exitRuntime
	}
	// A usage error, or an error cobra found while parsing the command line.
	if cmd == nil {
		cmd = root
	}
	fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	return exitUsage
}

func newRootCmd(a *app, getenv func(string) string) *cobra.Command {
	def := defaultStorePath
	if env := strings.TrimSpace(getenv("AGENTLENS_STORE")); env != "" && env != "off" { // as core reads it
		def = env
	}
	root := &cobra.Command{
		Use:   "agentlens",
		Short: "Read, search, tag and delete the traces in an agentlens store",
		Long: `agentlens reads the traces that agentlens-instrumented Go programs write to their local
store, an SQLite file (AGENTLENS_STORE, default ./agentlens.db). It lists and searches them
with MLflow's filter grammar, prints one as a tree of spans, tags them and deletes them.

The traces commands never create a store: point --store (or AGENTLENS_STORE) at an existing
file. agentlens ui serves a web UI over the store (and creates it, to receive OTLP traces).`,
		Example: `  agentlens traces list
  agentlens traces list --store /var/lib/myagent/agentlens.db --filter "status = 'ERROR'"
  AGENTLENS_STORE=./runs.db agentlens traces show tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.storePath, "store", def,
		"the trace store, an existing `PATH`; $AGENTLENS_STORE when set (and not \"off\")")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(newTracesCmd(a), newUICmd(a))
	root.AddCommand(newMCPCmd(a))
	return root
}

func newTracesCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "traces",
		Short: "List, show, get, tag, assess and delete traces",
		Example: `  agentlens traces list --filter "status = 'ERROR'"
  agentlens traces show tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e
  agentlens traces tag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed=yes
  agentlens traces untag tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e reviewed
  agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e correctness true
  agentlens traces get tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --extract-fields 'info.assessments.*'
  agentlens traces delete --older-than 30d --yes`,
		// Without RunE cobra would print the help and exit 0 for "traces bogus".
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	c.AddCommand(newListCmd(a), newShowCmd(a), newTagCmd(a), newUntagCmd(a), newDeleteCmd(a))
	c.AddCommand(newGetCmd(a), newFeedbackCmd(a), newExpectationCmd(a), newAssessmentsCmd(a),
		newAssessmentUpdateCmd(a), newAssessmentDeleteCmd(a))
	c.AddCommand(newStatsCmd(a))
	return c
}

// openStore opens the store named by --store, which must exist: the CLI does not create
// stores. Commands that only read open it read-only, so they change nothing in the file and
// work on a store the user may not write.
func (a *app) openStore(readOnly bool) (*store.Store, error) {
	if a.storePath == "" {
		return nil, usagef("--store must not be empty")
	}
	open := store.OpenExisting
	if readOnly {
		open = store.OpenReadOnly
	}
	st, err := open(a.storePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no store at %s (set --store or AGENTLENS_STORE)", a.storePath)
	}
	return st, err
}

// lookupExperiment resolves --experiment (an id or a name) to experiment ids for the store
// API; empty means all experiments.
func lookupExperiment(ctx context.Context, st *store.Store, idOrName string) ([]string, error) {
	if idOrName == "" {
		return nil, nil
	}
	e, err := st.LookupExperiment(ctx, idOrName)
	if errors.Is(err, store.ErrExperimentNotFound) {
		return nil, fmt.Errorf("no experiment with id or name %q in %s", idOrName, st.Path())
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: experiment %q: %w", st.Path(), idOrName, err)
	}
	return []string{e.ID}, nil
}

// errorText renders err for "agentlens: <text>", dropping the "agentlens: " prefixes the
// library's errors carry.
func errorText(err error) string {
	msg := err.Error()
	for strings.HasPrefix(msg, "agentlens: ") {
		msg = strings.TrimPrefix(msg, "agentlens: ")
	}
	return msg
}

// exactArgs, minArgs validate positional arguments with usage errors that say what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return usagef("%s needs %s", subcommand(cmd), what)
		case len(args) > n:
			return usagef("%s takes %s; unexpected argument %q", subcommand(cmd), what, args[n])
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s needs %s", subcommand(cmd), what)
		}
		return nil
	}
}

// subcommand names cmd without the program name ("traces show"), for messages that
// already start with "agentlens: ".
func subcommand(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}
