package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUIRefusesANonLoopbackAddressWithoutTheFlag(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "192.0.2.1:0", "example.com:0"} {
		r := agentlens(t, "", nil, "ui", "--store", filepath.Join(t.TempDir(), "x.db"), "--addr", addr)
		if r.code != exitUsage || !strings.Contains(r.stderr, "not a loopback address") || !strings.Contains(r.stderr, "--allow-remote") {
			t.Errorf("--addr %s: exit %d, stderr %q; want a usage error naming --allow-remote", addr, r.code, r.stderr)
		}
	}
	r := agentlens(t, "", nil, "ui", "--addr", "nonsense")
	if r.code != exitUsage || !strings.Contains(r.stderr, "want HOST:PORT") {
		t.Errorf("--addr nonsense: exit %d, stderr %q", r.code, r.stderr)
	}
}

// startUI runs agentlens ui in-process on a free port until the test ends.
func startUI(t *testing.T, args ...string) (addr string, stdout, stderr *syncBuffer) {
	t.Helper()
	ready := make(chan string, 1)
	uiReady = func(a string) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"ui"}, args...), strings.NewReader(""), stdout, stderr, func(string) string { return "" })
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("agentlens ui exited %d: %s", code, stderr.String())
		}
		uiReady = nil
	})
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("agentlens ui exited %d before listening: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("agentlens ui did not start")
	}
	return addr, stdout, stderr
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestUIServesTheStoreOnLoopback(t *testing.T) {
	f := newFixture(t)
	var opened []string
	openBrowser = func(u string) error { opened = append(opened, u); return nil }
	addr, stdout, stderr := startUI(t, "--store", f.path, "--addr", "127.0.0.1:0", "--open")
	if !strings.Contains(stdout.String(), "serving "+f.path+" at http://"+addr) {
		t.Errorf("stdout %q does not say where it serves", stdout.String())
	}
	if stderr.String() != "" {
		t.Errorf("stderr %q: no warning expected on loopback", stderr.String())
	}
	if len(opened) != 1 || opened[0] != "http://"+addr {
		t.Errorf("--open opened %q", opened)
	}
	code, body := get(t, "http://"+addr+"/api/traces", "")
	if code != http.StatusOK || !strings.Contains(body, f.ids["answer"]) {
		t.Errorf("GET /api/traces: %d %s", code, body)
	}
	if code, _ := get(t, "http://"+addr+"/", "rebound.example:80"); code != http.StatusForbidden {
		t.Errorf("a foreign Host header got %d, want 403", code)
	}
}

func TestUIWarnsWhenAllowedRemote(t *testing.T) {
	store := filepath.Join(t.TempDir(), "new.db")
	addr, stdout, stderr := startUI(t, "--store", store, "--addr", "0.0.0.0:0", "--allow-remote", "--allow-host", "devbox.internal")
	if !strings.Contains(stderr.String(), "WARNING: listening on 0.0.0.0:0, beyond this machine") {
		t.Errorf("stderr %q: want the remote warning", stderr.String())
	}
	if !strings.Contains(stdout.String(), "http://127.0.0.1:") {
		t.Errorf("stdout %q: want a URL a browser can open", stdout.String())
	}
	_, port, _ := strings.Cut(addr, "]:")
	if port == "" {
		_, port, _ = strings.Cut(addr, ":")
	}
	for host, want := range map[string]int{"devbox.internal:" + port: 200, "192.0.2.7:" + port: 200, "rebound.example:" + port: 403} {
		if code, _ := get(t, "http://127.0.0.1:"+port+"/", host); code != want {
			t.Errorf("Host %s: %d, want %d", host, code, want)
		}
	}
}
