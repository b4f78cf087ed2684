package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/internal/webui"
)

// uiFlags are the flags of agentlens ui.
type uiFlags struct {
	addr        string
	open        bool
	allowRemote bool
	allowHosts  []string
}

// openBrowser opens url in the desktop's browser; tests replace it.
var openBrowser = func(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}

// uiReady, when set, receives the address the server listens on (tests use port 0).
var uiReady func(addr string)

func newUICmd(a *app) *cobra.Command {
	var f uiFlags
	c := &cobra.Command{
		Use:   "ui",
		Short: "Serve a web UI for the store, and receive OTLP traces into it",
		Long: `Serve a local web UI over the store: the trace list with MLflow's filter grammar, each
trace as a span tree beside a timeline, span inputs and outputs (chat payloads as a
conversation), tags, delete, sessions, and two traces side by side. Everything it needs is
in the binary: it works offline.

It also receives OTLP/HTTP traces (protobuf or JSON) at /v1/traces into the store, the
experiment taken from the x-mlflow-experiment-id header, so that programs in any language
can send their traces to it: set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:5000/v1/traces.
Unlike the other commands, ui creates the store when it does not exist yet.

It listens on the loopback address only, unless --allow-remote is given: the UI has no
login, and anyone who can reach it can read, tag and delete traces.`,
		Example: `  agentlens ui
  agentlens ui --store ./runs.db --addr 127.0.0.1:8080 --open
  agentlens ui --addr 0.0.0.0:5000 --allow-remote --allow-host devbox.internal`,
		Args: exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.ui(cmd.Context(), f)
		}),
	}
	c.Flags().StringVar(&f.addr, "addr", "127.0.0.1:5000", "listen on `HOST:PORT`")
	c.Flags().BoolVar(&f.open, "open", false, "open the UI in the browser once it listens")
	c.Flags().BoolVar(&f.allowRemote, "allow-remote", false, "allow --addr to be a non-loopback address (the UI has no login)")
	c.Flags().StringSliceVar(&f.allowHosts, "allow-host", nil, "also accept this `NAME` in the Host header (repeatable), for remote use")
	return c
}

// loopbackHost reports whether host (from --addr) can only be reached from this machine.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *app) ui(ctx context.Context, f uiFlags) error {
	host, _, err := net.SplitHostPort(f.addr)
	if err != nil {
		return usagef("--addr %q: want HOST:PORT, such as 127.0.0.1:5000", f.addr)
	}
	remote := !loopbackHost(host)
	if remote && !f.allowRemote {
		return usagef("--addr %s is not a loopback address: anyone who can reach it could read and delete your traces; add --allow-remote to do it anyway", f.addr)
	}
	if a.storePath == "" {
		return usagef("--store must not be empty")
	}
	st, err := store.Open(a.storePath)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := []webui.Option{
		webui.WithAllowedHosts(f.allowHosts...),
		webui.WithErrorHandler(func(err error) { fmt.Fprintf(a.stderr, "agentlens ui: %s\n", errorText(err)) }),
	}
	if remote {
		opts = append(opts, webui.WithAnyIPHost())
		if host != "" && net.ParseIP(host) == nil {
			opts = append(opts, webui.WithAllowedHosts(host))
		}
		fmt.Fprintf(a.stderr, "agentlens ui: WARNING: listening on %s, beyond this machine. The UI has no login: anyone who can reach it can read, tag and delete the traces in %s.\n", f.addr, st.Path())
	}
	srv, err := webui.New(st, opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	url := "http://" + browserHost(ln.Addr().String())
	fmt.Fprintf(a.stdout, "agentlens ui: serving %s at %s (OTLP/HTTP traces: %s/v1/traces); Ctrl-C stops\n", st.Path(), url, url)
	if f.open {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(a.stderr, "agentlens ui: could not open a browser (%v); open %s\n", err, url)
		}
	}
	if uiReady != nil {
		uiReady(ln.Addr().String())
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// browserHost turns a listen address into one a browser can open: an unspecified address
// (0.0.0.0, ::) becomes 127.0.0.1.
func browserHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
