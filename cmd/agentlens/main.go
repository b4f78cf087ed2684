package main

import (
	"context"
	"os"
)

// main leaves SIGINT at its default: a Ctrl-C at the delete prompt must end the program, and
// the store (SQLite in WAL mode) keeps every committed change when a process is killed.
func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
