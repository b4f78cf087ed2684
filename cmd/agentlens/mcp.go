package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/internal/mcpserver"
)

func newMCPCmd(a *app) *cobra.Command {
	var readOnly bool
	c := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the store to coding agents over the Model Context Protocol (stdio)",
		Long: `Serve the trace store over the Model Context Protocol on stdin/stdout, for a coding agent
(an MCP client) to search, read, summarize, tag, assess and delete traces. Tools:
search_traces, get_trace, trace_stats, set_trace_tag, log_feedback, delete_traces (which
needs confirm: true and never deletes on an empty filter).

The store is opened read-only until a writing tool is called; --read-only refuses every
writing tool. Configure the client with the command "agentlens mcp --store PATH".`,
		Example: `  agentlens mcp --store ./agentlens.db
  agentlens mcp --store ./agentlens.db --read-only`,
		Args: exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if a.storePath == "" {
				return usagef("--store must not be empty")
			}
			// Fail at start rather than on every call: an MCP client shows this in its log.
			if _, err := os.Stat(a.storePath); errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("no store at %s (set --store or AGENTLENS_STORE)", a.storePath)
			}
			srv := mcpserver.New(mcpserver.Options{StorePath: a.storePath, ReadOnly: readOnly})
			return srv.Run(cmd.Context(), mcpserver.PipeTransport(a.stdin, a.stdout))
		}),
	}
	c.Flags().BoolVar(&readOnly, "read-only", false, "refuse every tool that writes to the store")
	return c
}
