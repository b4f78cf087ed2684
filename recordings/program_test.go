package recordings

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestForProgram(t *testing.T) {
	orig := http.DefaultTransport
	t.Run("replay", func(t *testing.T) {
		t.Setenv("OPENAI_API_KEY", "")
		t.Setenv(envRecord, "")
		var status bytes.Buffer
		stop, err := ForProgram(&status, "selftest", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := http.DefaultTransport.(*Recorder); !ok {
			t.Error("the recorder is not http.DefaultTransport")
		}
		if err := stop(false); err != nil {
			t.Fatal(err)
		}
		if http.DefaultTransport != orig {
			t.Error("stop did not restore http.DefaultTransport")
		}
		if want := "(offline: replaying recordings/cassettes/selftest.yaml; set OPENAI_API_KEY to call the API)\n"; status.String() != want {
			t.Errorf("status %q", status.String())
		}
	})
	t.Run("live", func(t *testing.T) {
		t.Setenv("OPENAI_API_KEY", "sk-live-FAKE")
		t.Setenv(envRecord, "")
		var status bytes.Buffer
		stop, err := ForProgram(&status, "selftest", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if http.DefaultTransport != orig || !strings.Contains(status.String(), "calling the API") {
			t.Errorf("live mode changed the transport or said %q", status.String())
		}
		_ = stop(false)
	})
	t.Run("missing cassette", func(t *testing.T) {
		t.Setenv("OPENAI_API_KEY", "")
		if _, err := ForProgram(nil, "no/such/cassette", Options{}); err == nil {
			t.Error("a missing cassette was accepted")
		}
		if http.DefaultTransport != orig {
			t.Error("a failed ForProgram changed the transport")
		}
	})
}
