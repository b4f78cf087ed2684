package webui_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/webui/uitest"
)

// chromiumPath finds a headless-capable Chromium: $AGENTLENS_CHROMIUM, or Debian's
// chromium (which .ci/run installs), or another usual name.
func chromiumPath() string {
	if p := os.Getenv("AGENTLENS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the browser tests leave their screenshots (test artefacts, not
// committed): $AGENTLENS_UI_SCREENSHOTS, or a folder in the temp dir.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("AGENTLENS_UI_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "agentlens-ui-screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// browser drives one headless Chromium tab and records what must never happen: a
// JavaScript dialog (an injected alert) or an uncaught exception.
type browser struct {
	t          *testing.T
	ctx        context.Context
	base       string
	shots      string
	mu         sync.Mutex
	dialogs    []string
	exceptions []string
}

func newBrowser(t *testing.T, base string) *browser {
	path := chromiumPath()
	if path == "" {
		t.Skip("no Chromium found (chromium, chromium-browser, google-chrome or $AGENTLENS_CHROMIUM): browser tests skipped; .ci/run installs Debian's chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base, shots: screenshotDir(t)}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(e.Type)+": "+e.Message)
			b.mu.Unlock()
			go func() { _ = chromedp.Run(ctx, page.HandleJavaScriptDialog(false)) }()
		case *runtime.EventExceptionThrown:
			b.mu.Lock()
			b.exceptions = append(b.exceptions, e.ExceptionDetails.Error())
			b.mu.Unlock()
		}
	})
	require.NoError(t, chromedp.Run(ctx), "starting %s", path)
	return b
}

// run runs actions, each step bounded: a selector that never matches fails the step
// instead of waiting for the whole test's deadline.
func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	require.NoError(b.t, chromedp.Run(ctx, actions...))
}

// set sets an input's value as typing would, firing input and change.
func (b *browser) set(selector, value string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`(() => { const e = document.querySelector(`+q(selector)+`); e.value = `+q(value)+
		`; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, nil))
}

// eval returns the value of a JavaScript expression.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	var v T
	b.run(chromedp.Evaluate(js, &v))
	return v
}

// until waits for a JavaScript expression to be true.
// until waits for a JavaScript expression to be true, across page loads (a click on a link
// navigates while the wait runs).
func (b *browser) until(js string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		var ok bool
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		lastErr = chromedp.Run(ctx, chromedp.Evaluate(`!!(()=>{ try { return `+js+` } catch (e) { return false } })()`, &ok))
		cancel()
		if lastErr == nil && ok {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	b.t.Fatalf("waiting for %s: timed out (last error: %v)", js, lastErr)
}

func (b *browser) shot(name string) string {
	b.t.Helper()
	var png []byte
	b.run(chromedp.CaptureScreenshot(&png))
	p := filepath.Join(b.shots, name+".png")
	require.NoError(b.t, os.WriteFile(p, png, 0o644))
	return p
}

func (b *browser) open(path string) { b.run(chromedp.Navigate(b.base + path)) }

func (b *browser) clean() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(b.t, b.dialogs, "no dialog may open")
	require.Empty(b.t, b.exceptions, "no uncaught JavaScript exception")
}

func q(s string) string { return fmt.Sprintf("%q", s) }

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	f := newFixture(t)
	wide := uitest.WideTrace(99, 10000)
	require.NoError(t, f.st.Export(context.Background(), wide))
	hs := httptest.NewServer(f.srv)
	defer hs.Close()
	b := newBrowser(t, hs.URL)
	start := time.Now()
	agent, agent2 := f.ids["agent"], f.ids["agent2"]
	// The steps share one page and one store: after a failed step the others would only
	// fail confusingly, so they are skipped.
	step := func(name string, fn func(t *testing.T)) {
		if t.Failed() {
			t.Run(name, func(t *testing.T) { t.Skip("an earlier step failed") })
			return
		}
		t.Run(name, func(t *testing.T) { b.t = t; fn(t) })
	}

	step("list", func(t *testing.T) {
		b.open("/")
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 7`)
		require.Equal(t, "What's the weather in Paris?", eval[string](b, `document.querySelector('#traces tr[data-id=`+q(agent)+`] td.preview').textContent`))
		require.Equal(t, "178", eval[string](b, `document.querySelector('#traces tr[data-id=`+q(agent)+`] td.num:nth-of-type(7)').textContent`))
		b.shot("list")
		b.clean()
	})

	step("filter valid and invalid", func(t *testing.T) {
		b.set("#filter", "tag.env = 'prod'")
		b.run(chromedp.Click("#search-button", chromedp.ByQuery))
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 1`)
		require.Equal(t, agent2, eval[string](b, `document.querySelector('#traces tbody tr[data-id]').dataset.id`))
		require.Contains(t, eval[string](b, `location.search`), "filter=tag.env")

		b.set("#filter", "tag.env = 'prod' AND bogus = 1")
		b.run(chromedp.Click("#search-button", chromedp.ByQuery))
		b.until(`!document.getElementById('filter-error').hidden`)
		msg := eval[string](b, `document.getElementById('filter-error').textContent`)
		require.Contains(t, msg, `unknown attribute "bogus"`)
		require.Contains(t, msg, "^ position 21")
		require.Equal(t, 0, eval[int](b, `document.querySelectorAll('#traces tbody tr[data-id]').length`))
		require.Equal(t, 21, eval[int](b, `document.getElementById('filter').selectionStart`), "the caret sits where the parser stopped")
		b.shot("filter-error")

		b.set("#filter", "")
		b.run(chromedp.Click("#search-button", chromedp.ByQuery))
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 7`)
		// Sort by duration, longest first.
		b.run(chromedp.Click(`th[data-order="execution_time_ms"]`, chromedp.ByQuery))
		b.until(`document.querySelector('#traces tbody tr[data-id]').dataset.id === ` + q(wide.Info.TraceID))
		b.clean()
	})

	step("new traces appear without a reload", func(t *testing.T) {
		extra := uitest.AgentTrace(40, 500000, "Arriving later")
		require.NoError(t, f.st.Export(context.Background(), extra))
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 8`)
		require.NoError(t, deleteTrace(f, extra.Info.TraceID))
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 7`)
	})

	step("compare two", func(t *testing.T) {
		b.open("/")
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 7`)
		b.run(chromedp.Click(`tr[data-id=`+q(agent)+`] input[type=checkbox]`, chromedp.ByQuery),
			chromedp.Click(`tr[data-id=`+q(agent2)+`] input[type=checkbox]`, chromedp.ByQuery))
		b.until(`!document.getElementById('compare-selected').disabled`)
		b.run(chromedp.Click("#compare-selected", chromedp.ByQuery))
		b.until(`document.querySelectorAll('#compare-left .compare-row').length === 5 && document.querySelectorAll('#compare-right .compare-row').length === 5`)
		require.Contains(t, eval[string](b, `document.querySelector('#compare-left .compare-tokens').textContent`), "178")
		require.Contains(t, eval[string](b, `document.querySelector('#compare-left').textContent`), "1.84 s")
		require.Contains(t, eval[string](b, `document.querySelector('#compare-right').textContent`), "2.74 s", "the slower run")
		b.shot("compare")
		b.clean()
	})

	step("trace view, span, tags, delete", func(t *testing.T) {
		b.open("/")
		b.until(`document.querySelector('tr[data-id=` + q(agent) + `] a.trace-link') !== null`)
		b.run(chromedp.Click(`tr[data-id=`+q(agent)+`] a.trace-link`, chromedp.ByQuery))
		b.until(`document.querySelectorAll('#tree .row').length === 5 && document.getElementById('span-name') !== null`)
		require.Equal(t, "weather-agent", eval[string](b, `document.getElementById('trace-name').textContent`))
		require.Contains(t, eval[string](b, `document.getElementById('trace-tokens').textContent`), "178 (148 in, 30 out)")

		// Select the first model call: its inputs, and the chat as a conversation.
		b.run(chromedp.Click(`#tree .row[data-span-id="0000000000000002"]`, chromedp.ByQuery))
		b.until(`document.querySelector('#span-conversation') !== null && document.getElementById('span-name').textContent === 'chat gpt-4o-mini'`)
		inputs := eval[string](b, `document.getElementById('span-inputs').textContent`)
		require.Contains(t, inputs, `"What's the weather in Paris?"`)
		require.Contains(t, inputs, `"gpt-4o-mini"`)
		conv := eval[[]string](b, `[...document.querySelectorAll('#span-conversation .msg-role')].map(e => e.textContent)`)
		require.Equal(t, []string{"system", "user", "assistant"}, conv)
		require.Contains(t, eval[string](b, `document.querySelector('#span-conversation .tool-call').textContent`), "get_weather")
		require.Contains(t, eval[string](b, `document.getElementById('span-tokens').textContent`), "70 (52 in, 18 out)")
		if p := os.Getenv("AGENTLENS_UI_DOC_SCREENSHOT"); p != "" {
			png := b.shot("trace-view")
			data, err := os.ReadFile(png)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, data, 0o644))
		} else {
			b.shot("trace-view")
		}

		// The failed retriever: its exception with the stack trace.
		b.run(chromedp.Click(`#tree .row[data-span-id="0000000000000004"]`, chromedp.ByQuery))
		b.until(`document.getElementById('span-name') && document.getElementById('span-name').textContent === 'lookup-docs'`)
		require.Contains(t, eval[string](b, `document.getElementById('span-events').textContent`), "*net.OpError: dial tcp: connection refused")
		// The streamed call: its chunks collapsed into one group.
		b.run(chromedp.Click(`#tree .row[data-span-id="0000000000000005"]`, chromedp.ByQuery))
		b.until(`document.querySelector('#span-events .chunks') !== null`)
		require.Equal(t, "3 stream chunks", eval[string](b, `document.querySelector('#span-events .chunks summary').textContent`))

		// Edit tags: add one, remove one.
		b.set("#tag-key", "reviewed")
		b.set("#tag-value", "yes")
		b.run(chromedp.Click("#tag-add", chromedp.ByQuery))
		b.until(`document.querySelector('#tags .chip[data-key="reviewed"]') !== null`)
		require.Equal(t, "yes", tagsOf(t, f, agent)["reviewed"])
		b.run(chromedp.Click(`#tags .chip[data-key="env"] .chip-x`, chromedp.ByQuery))
		b.until(`document.querySelector('#tags .chip[data-key="env"]') === null`)
		require.NotContains(t, tagsOf(t, f, agent), "env")

		// Delete, confirmed in the page.
		b.run(chromedp.Click("#delete-trace", chromedp.ByQuery))
		b.until(`document.getElementById('confirm-delete') !== null`)
		b.run(chromedp.Click("#confirm-delete", chromedp.ByQuery))
		b.until(`location.pathname === '/' && document.querySelectorAll('#traces tbody tr[data-id]').length === 6`)
		_, err := f.st.GetTrace(context.Background(), agent)
		require.ErrorIs(t, err, tracedata.ErrTraceNotFound)
		b.clean()
	})

	step("delete selected from the list", func(t *testing.T) {
		b.run(chromedp.Click(`tr[data-id=`+q(agent2)+`] input[type=checkbox]`, chromedp.ByQuery), chromedp.Click("#delete-selected", chromedp.ByQuery))
		b.until(`document.getElementById('confirm-cancel') !== null`)
		b.run(chromedp.Click("#confirm-cancel", chromedp.ByQuery))
		_, err := f.st.GetTrace(context.Background(), agent2)
		require.NoError(t, err, "cancel keeps the trace")
		b.run(chromedp.Click("#delete-selected", chromedp.ByQuery))
		b.until(`document.getElementById('confirm-delete') !== null && !document.getElementById('confirm').hidden`)
		b.run(chromedp.Click("#confirm-delete", chromedp.ByQuery))
		b.until(`document.querySelectorAll('#traces tbody tr[data-id]').length === 5`)
		_, err = f.st.GetTrace(context.Background(), agent2)
		require.ErrorIs(t, err, tracedata.ErrTraceNotFound)
	})

	step("session", func(t *testing.T) {
		b.open("/sessions")
		b.until(`document.querySelector('tr[data-session="chat-42"] a.session-link') !== null`)
		b.run(chromedp.Click(`tr[data-session="chat-42"] a.session-link`, chromedp.ByQuery))
		b.until(`document.querySelectorAll('#conversation .turn').length === 3`)
		turns := eval[[]string](b, `[...document.querySelectorAll('#conversation .turn .msg-content')].map(e => e.textContent)`)
		require.Equal(t, []string{
			"Hi! Can you plan a trip to Lisbon?", "Sure: when do you want to go?",
			"In May, for four days.", "May is lovely. Day 1: Alfama and the castle...",
			"And a budget?", "Around 600 EUR without flights.",
		}, turns)
		b.shot("session")
		b.clean()
	})

	step("xss payloads render as text", func(t *testing.T) {
		xss := f.ids["xss"]
		injected := `document.querySelectorAll('#xss-img, #xss-a, #xss-svg, img, svg, iframe, object, embed').length + ` +
			`document.querySelectorAll('script').length - 1 + ` +
			`document.querySelectorAll('a[href^="javascript:" i], [onerror], [onload], [onclick]').length`
		b.open("/traces/" + xss)
		b.until(`document.querySelectorAll('#tree .row').length === 2 && document.getElementById('span-name') !== null`)
		require.Equal(t, uitest.XSS[0], eval[string](b, `document.getElementById('trace-name').textContent`))
		require.Equal(t, uitest.XSS[1], eval[string](b, `document.querySelectorAll('#tree .row .label-name')[1].textContent`))
		require.Contains(t, eval[string](b, `document.getElementById('span-conversation').textContent`), uitest.XSS[3])
		require.Contains(t, eval[string](b, `document.getElementById('span-attributes').textContent`), uitest.XSS[4])
		b.run(chromedp.Click(`#tree .row[data-span-id="0000000000000002"]`, chromedp.ByQuery))
		b.until(`document.getElementById('span-name').textContent === ` + q(uitest.XSS[1]))
		require.Contains(t, eval[string](b, `document.getElementById('span-outputs').textContent`), `"</script>"`)
		require.Equal(t, 0, eval[int](b, injected), "no element was injected")
		b.shot("xss-trace")

		for _, path := range []string{"/", "/sessions", "/sessions/" + urlPath(uitest.XSS[1]), "/compare?a=" + xss + "&b=" + xss} {
			b.open(path)
			b.until(`document.querySelector('#traces tbody tr, #sessions tbody tr, .turn, .compare-row') !== null`)
			require.Equal(t, 0, eval[int](b, injected), "no element was injected on %s", path)
		}
		time.Sleep(300 * time.Millisecond) // let any handler that would fire, fire
		b.clean()
	})

	step("a trace of 10,000 spans", func(t *testing.T) {
		t0 := time.Now()
		b.open("/traces/" + wide.Info.TraceID)
		b.until(`document.querySelectorAll('#tree .row').length === 10000 && document.getElementById('span-name') !== null`)
		opened := time.Since(t0)
		t1 := time.Now()
		b.run(chromedp.Evaluate(`(() => { const t = document.getElementById('tree'); t.scrollTop = t.scrollHeight; return t.scrollTop; })()`, nil))
		b.run(chromedp.Click(`#tree .row[data-i="9999"]`, chromedp.ByQuery))
		b.until(`document.getElementById('span-name').textContent === ` + q(wide.Spans[len(wide.Spans)-1].Name) + ` && document.querySelector('#tree .row.selected').dataset.i === '9999'`)
		scrolled := time.Since(t1)
		t.Logf("10,000-span trace: opened in %v, scrolled to the last span and selected it in %v", opened.Round(time.Millisecond), scrolled.Round(time.Millisecond))
		require.Less(t, opened, 15*time.Second)
		b.shot("wide-trace")
		b.clean()
	})
	t.Logf("browser tests took %v; screenshots in %s", time.Since(start).Round(time.Millisecond), b.shots)
}

func deleteTrace(f *fixture, id string) error {
	_, err := f.st.DeleteTraces(context.Background(), storeDelete(id))
	return err
}
