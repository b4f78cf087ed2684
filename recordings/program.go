package recordings

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// ForProgram prepares a program (an example, a demo) to run offline. Unless it is to call the
// real API (the provider key set and AGENTLENS_RECORD unset), it installs the recorder of
// cassette name as http.DefaultTransport: replaying, or recording when asked. Install it
// before an autolog one-liner, which then wraps it and traces replayed calls as real ones.
// It writes one line to status saying which it does (nil: nothing). stop puts the previous
// transport back and, when recording, saves the cassette unless the run failed, so a broken
// run never replaces a good recording.
func ForProgram(status io.Writer, name string, opts Options) (stop func(failed bool) error, err error) {
	if status == nil {
		status = io.Discard
	}
	keyEnv := opts.KeyEnv
	if keyEnv == "" {
		keyEnv = defaultKeyEnv
	}
	record, _ := strconv.ParseBool(os.Getenv(envRecord))
	if os.Getenv(keyEnv) != "" && !record {
		fmt.Fprintln(status, "(calling the API)")
		return func(bool) error { return nil }, nil
	}
	rec, err := Open(name, opts)
	if err != nil {
		return nil, err
	}
	if rec.Recording() {
		fmt.Fprintf(status, "(calling the API and recording %s)\n", Path(name))
	} else {
		fmt.Fprintf(status, "(offline: replaying recordings/cassettes/%s.yaml; set %s to call the API)\n", name, keyEnv)
	}
	prev := http.DefaultTransport
	http.DefaultTransport = rec
	return func(failed bool) error {
		http.DefaultTransport = prev
		if failed && rec.Recording() {
			fmt.Fprintf(status, "(the run failed: %s was not saved)\n", Path(name))
			return nil
		}
		return rec.Stop()
	}, nil
}
