package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/webui"
	"github.com/agentlens/agentlens/internal/webui/uitest"
)

const host = "127.0.0.1:5000"

type fixture struct {
	st  *store.Store
	srv *webui.Server
	ids map[string]string
}

func newFixture(t testing.TB, opts ...webui.Option) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ui.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ids, err := uitest.SeedDemo(context.Background(), st, true)
	require.NoError(t, err)
	srv, err := webui.New(st, opts...)
	require.NoError(t, err)
	return &fixture{st: st, srv: srv, ids: ids}
}

// do sends a request as the UI's own page would: loopback Host, same-origin, with the token
// on state-changing requests. hdr overrides or adds headers ("" deletes one).
func (f *fixture) do(t testing.TB, method, target string, body any, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(js)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Host = host
	if method == http.MethodPost && strings.HasPrefix(target, "/api/") {
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Agentlens-Token", f.srv.Token())
		r.Header.Set("Origin", "http://"+host)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range hdr {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	if h, ok := hdr["Host"]; ok {
		r.Host = h
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

func decode[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v), "body: %s", w.Body.String())
	return v
}

const wantCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func TestPagesAreShellsWithStrictHeaders(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ path, page string }{
		{"/", "list"},
		{"/traces/" + f.ids["agent"], "trace"},
		{"/sessions", "sessions"},
		{"/sessions/chat-42", "session"},
		{"/compare?a=" + f.ids["agent"] + "&b=" + f.ids["agent2"], "compare"},
	} {
		t.Run(tc.page, func(t *testing.T) {
			w := f.do(t, http.MethodGet, tc.path, nil, nil)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, wantCSP, w.Header().Get("Content-Security-Policy"))
			assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			assert.Equal(t, "DENY", w.Header().Get("X-Frame-Options"))
			assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
			html := w.Body.String()
			assert.Contains(t, html, `<meta name="agentlens-token" content="`+f.srv.Token()+`">`)
			assert.Contains(t, html, `data-page="`+tc.page+`"`)
			assert.Contains(t, html, `<script src="/static/app.js" defer></script>`)
			// No inline script anywhere: the CSP would block it, and it would be a place for
			// data to become code.
			assert.Equal(t, 1, strings.Count(html, "<script"), "only the external script")
		})
	}
	assert.Equal(t, http.StatusNotFound, f.do(t, http.MethodGet, "/nope", nil, nil).Code)
}

func TestStaticAssetsAreEmbedded(t *testing.T) {
	f := newFixture(t)
	js := f.do(t, http.MethodGet, "/static/app.js", nil, nil)
	require.Equal(t, http.StatusOK, js.Code)
	assert.Contains(t, js.Header().Get("Content-Type"), "javascript")
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser", "createContextualFragment"} {
		assert.False(t, strings.Contains(js.Body.String(), sink), "the script never turns strings into markup or code: found %s", sink)
	}
	css := f.do(t, http.MethodGet, "/static/style.css", nil, nil)
	require.Equal(t, http.StatusOK, css.Code)
	assert.Contains(t, css.Header().Get("Content-Type"), "text/css")
	for _, body := range []string{js.Body.String(), css.Body.String()} {
		assert.False(t, strings.Contains(body, "https://") || strings.Contains(body, "http://"), "nothing is loaded from elsewhere")
		assert.False(t, strings.Contains(body, "@import"))
	}
}

func TestTemplatesEscapeWhatTheURLCarries(t *testing.T) {
	f := newFixture(t)
	payload := `"><script>alert(1)</script>`
	w := f.do(t, http.MethodGet, "/?filter="+urlQuery(payload), nil, nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.NotContains(t, w.Body.String(), "<script>alert(1)")
	assert.Contains(t, w.Body.String(), `value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`)

	w = f.do(t, http.MethodGet, "/traces/tr-"+urlPath(`<img src=x onerror=alert(1)>`), nil, nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.NotContains(t, w.Body.String(), "<img src=x")
	assert.Contains(t, w.Body.String(), `data-id="tr-&lt;img src=x onerror=alert(1)&gt;"`)

	w = f.do(t, http.MethodGet, "/compare?a="+urlQuery(`javascript:alert(1)`)+"&b="+urlQuery(payload), nil, nil)
	assert.NotContains(t, w.Body.String(), "<script>alert(1)")
}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "+", `"`, "%22", "<", "%3C", ">", "%3E", "&", "%26", "=", "%3D", "#", "%23").Replace(s)
}
func urlPath(s string) string {
	return strings.NewReplacer(" ", "%20", `"`, "%22", "<", "%3C", ">", "%3E", "#", "%23", "?", "%3F").Replace(s)
}

func TestHostHeaderMustNameThisServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []webui.Option
		host string
		ok   bool
	}{
		{"ipv4 loopback", nil, "127.0.0.1:5000", true},
		{"other loopback", nil, "127.8.9.1:5000", true},
		{"localhost", nil, "localhost:5000", true},
		{"localhost no port", nil, "LOCALHOST", true},
		{"ipv6 loopback", nil, "[::1]:5000", true},
		{"rebinding name", nil, "evil.example:5000", false},
		{"rebinding name no port", nil, "evil.example", false},
		{"localhost suffix", nil, "localhost.evil.example:5000", false},
		{"private ip", nil, "192.168.1.5:5000", false},
		{"bad port", nil, "127.0.0.1:99999", false},
		{"empty", nil, "", false},
		{"any ip allowed", []webui.Option{webui.WithAnyIPHost()}, "192.168.1.5:5000", true},
		{"any ip still no names", []webui.Option{webui.WithAnyIPHost()}, "evil.example:5000", false},
		{"allowed name", []webui.Option{webui.WithAllowedHosts("DevBox.internal")}, "devbox.internal:5000", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts...)
			for _, path := range []string{"/", "/api/traces", "/static/app.js"} {
				w := f.do(t, http.MethodGet, path, nil, map[string]string{"Host": tc.host})
				if tc.ok {
					assert.Equal(t, http.StatusOK, w.Code, path)
				} else {
					assert.Equal(t, http.StatusForbidden, w.Code, path)
					assert.Contains(t, w.Body.String(), "DNS rebinding", path)
					assert.NotContains(t, w.Body.String(), "weather", path)
				}
			}
			// A foreign Host cannot change anything either, token or not.
			w := f.do(t, http.MethodPost, "/api/traces/"+f.ids["agent"]+"/tags", map[string]string{"key": "k", "value": "v"}, map[string]string{"Host": tc.host, "Origin": "http://" + tc.host})
			if !tc.ok {
				assert.Equal(t, http.StatusForbidden, w.Code)
				assert.NotContains(t, tagsOf(t, f, f.ids["agent"]), "k")
			}
		})
	}
}

func tagsOf(t testing.TB, f *fixture, id string) map[string]string {
	t.Helper()
	tr, err := f.st.GetTrace(context.Background(), id)
	require.NoError(t, err)
	return tr.Info.Tags
}

func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	f := newFixture(t)
	id := f.ids["agent"]
	set := map[string]string{"key": "reviewed", "value": "yes"}
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want string
	}{
		{"no token", map[string]string{"X-Agentlens-Token": ""}, "X-Agentlens-Token"},
		{"wrong token", map[string]string{"X-Agentlens-Token": "guess"}, "X-Agentlens-Token"},
		{"foreign origin", map[string]string{"Origin": "http://evil.example"}, "cross-origin"},
		{"other port", map[string]string{"Origin": "http://127.0.0.1:6000"}, "cross-origin"},
		{"null origin", map[string]string{"Origin": "null"}, "cross-origin"},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, "cross-site"},
		{"same-site fetch", map[string]string{"Sec-Fetch-Site": "same-site"}, "cross-site"},
		{"form post without token", map[string]string{"X-Agentlens-Token": "", "Content-Type": "application/x-www-form-urlencoded", "Origin": "", "Sec-Fetch-Site": ""}, "X-Agentlens-Token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/traces/" + id + "/tags", "/api/traces/" + id + "/tags/delete", "/api/traces/delete"} {
				body := any(set)
				if strings.HasSuffix(path, "/traces/delete") {
					body = map[string]any{"trace_ids": []string{id}}
				} else if strings.HasSuffix(path, "/tags/delete") {
					body = map[string]string{"key": "env"}
				}
				w := f.do(t, http.MethodPost, path, body, tc.hdr)
				assert.Equal(t, http.StatusForbidden, w.Code, path)
				assert.Contains(t, w.Body.String(), tc.want, path)
			}
			tags := tagsOf(t, f, id) // the trace is still there, unchanged
			assert.NotContains(t, tags, "reviewed")
			assert.Equal(t, "dev", tags["env"])
		})
	}
	// The page's own request goes through.
	w := f.do(t, http.MethodPost, "/api/traces/"+id+"/tags", set, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "yes", tagsOf(t, f, id)["reviewed"])
	// So does a client that is not a browser (no Origin, no Sec-Fetch-Site) with the token.
	w = f.do(t, http.MethodPost, "/api/traces/"+id+"/tags", map[string]string{"key": "by", "value": "curl"}, map[string]string{"Origin": "", "Sec-Fetch-Site": ""})
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	// And GETs cannot change state: the write routes answer only POST.
	w = f.do(t, http.MethodGet, "/api/traces/delete?trace_ids="+id, nil, nil)
	assert.NotEqual(t, http.StatusOK, w.Code)
	_, err := f.st.GetTrace(context.Background(), id)
	require.NoError(t, err)
}

type listBody struct {
	Traces []struct {
		TraceID         string            `json:"trace_id"`
		Name            string            `json:"name"`
		State           string            `json:"state"`
		ExecutionTimeMS int64             `json:"execution_time_ms"`
		Tokens          *int64            `json:"tokens"`
		RequestPreview  string            `json:"request_preview"`
		Session         string            `json:"session"`
		Tags            map[string]string `json:"tags"`
	} `json:"traces"`
	Next string `json:"next_page_token"`
}

func ids(b listBody) []string {
	var out []string
	for _, t := range b.Traces {
		out = append(out, t.TraceID)
	}
	return out
}

func TestListFiltersSortsAndPages(t *testing.T) {
	f := newFixture(t)
	all := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces", nil, nil))
	require.Len(t, all.Traces, 6)
	assert.Empty(t, all.Next)
	// Newest first by default: the session's last turn, then the XSS trace.
	assert.Equal(t, uitest.TraceID(12), all.Traces[0].TraceID)
	assert.Equal(t, f.ids["xss"], all.Traces[1].TraceID)
	assert.Equal(t, f.ids["agent"], all.Traces[5].TraceID)
	agent := all.Traces[5]
	assert.Equal(t, "weather-agent", agent.Name)
	assert.Equal(t, "OK", agent.State)
	require.NotNil(t, agent.Tokens)
	assert.Equal(t, int64(178), *agent.Tokens)
	assert.Equal(t, "What's the weather in Paris?", agent.RequestPreview)
	assert.Equal(t, map[string]string{"env": "dev"}, agent.Tags, "the trace name is a column, not a tag")

	// Pages of two, following the tokens, give every trace once.
	var paged []string
	token := ""
	for range 10 {
		p := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?max_results=2&page_token="+token, nil, nil))
		paged = append(paged, ids(p)...)
		if token = p.Next; token == "" {
			break
		}
	}
	assert.Equal(t, ids(all), paged)

	asc := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?order_by=execution_time_ms+ASC", nil, nil))
	assert.Equal(t, int64(100), asc.Traces[0].ExecutionTimeMS)
	assert.Equal(t, f.ids["agent2"], asc.Traces[5].TraceID, "the slower run last")

	prod := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?filter="+urlQuery("tag.env = 'prod'"), nil, nil))
	assert.Equal(t, []string{f.ids["agent2"]}, ids(prod))
	sess := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?filter="+urlQuery("metadata.`mlflow.trace.session` = 'chat-42'"), nil, nil))
	assert.Len(t, sess.Traces, 3)

	none := decode[listBody](t, f.do(t, http.MethodGet, "/api/traces?experiment=5", nil, nil))
	assert.Empty(t, none.Traces)
	w := f.do(t, http.MethodGet, "/api/traces?max_results=0", nil, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func TestListShowsTheStoresFilterErrorWithPosition(t *testing.T) {
	f := newFixture(t)
	type errBody struct {
		Error struct {
			Message  string `json:"message"`
			What     string `json:"what"`
			Input    string `json:"input"`
			Position *int   `json:"position"`
		} `json:"error"`
	}
	w := f.do(t, http.MethodGet, "/api/traces?filter="+urlQuery("tag.env = 'prod' AND bogus > 3"), nil, nil)
	require.Equal(t, http.StatusBadRequest, w.Code)
	e := decode[errBody](t, w)
	assert.Equal(t, "filter", e.Error.What)
	assert.Equal(t, "tag.env = 'prod' AND bogus > 3", e.Error.Input)
	require.NotNil(t, e.Error.Position)
	assert.Equal(t, 21, *e.Error.Position, "where bogus starts")
	assert.Contains(t, e.Error.Message, `"bogus"`)

	w = f.do(t, http.MethodGet, "/api/traces?order_by="+urlQuery("span.name DESC"), nil, nil)
	require.Equal(t, http.StatusBadRequest, w.Code)
	e = decode[errBody](t, w)
	assert.Equal(t, "order-by", e.Error.What)
	require.NotNil(t, e.Error.Position)
}

func TestExperimentsAndSessions(t *testing.T) {
	f := newFixture(t)
	_, err := f.st.EnsureExperiment(context.Background(), "evals")
	require.NoError(t, err)
	type exps struct {
		Experiments []struct{ ID, Name string } `json:"experiments"`
	}
	e := decode[exps](t, f.do(t, http.MethodGet, "/api/experiments", nil, nil))
	require.Len(t, e.Experiments, 2)
	assert.Equal(t, "Default", e.Experiments[0].Name)
	assert.Equal(t, "evals", e.Experiments[1].Name)

	type sessions struct {
		Sessions []struct {
			ID     string `json:"id"`
			Traces int    `json:"traces"`
		} `json:"sessions"`
	}
	s := decode[sessions](t, f.do(t, http.MethodGet, "/api/sessions", nil, nil))
	require.Len(t, s.Sessions, 2)
	assert.Equal(t, "chat-42", s.Sessions[0].ID, "the most recently active session first")
	assert.Equal(t, 3, s.Sessions[0].Traces)
	assert.Equal(t, uitest.XSS[1], s.Sessions[1].ID)

	type session struct {
		Session string `json:"session"`
		Traces  []struct {
			TraceID         string `json:"trace_id"`
			RequestPreview  string `json:"request_preview"`
			ResponsePreview string `json:"response_preview"`
		} `json:"traces"`
	}
	one := decode[session](t, f.do(t, http.MethodGet, "/api/sessions/chat-42", nil, nil))
	require.Len(t, one.Traces, 3)
	assert.Equal(t, "Hi! Can you plan a trip to Lisbon?", one.Traces[0].RequestPreview, "oldest turn first")
	assert.Equal(t, "Around 600 EUR without flights.", one.Traces[2].ResponsePreview)
	empty := decode[session](t, f.do(t, http.MethodGet, "/api/sessions/"+urlPath("no-such' OR 1=1"), nil, nil))
	assert.Empty(t, empty.Traces)
}

type viewBody struct {
	Info struct {
		TraceID string `json:"trace_id"`
		Name    string `json:"name"`
	} `json:"info"`
	Usage *struct{ Input, Output, Total int64 } `json:"usage"`
	Spans []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Type     string `json:"type"`
		Status   string `json:"status"`
		Depth    int    `json:"depth"`
		StartNS  int64  `json:"start_ns"`
		DurNS    int64  `json:"duration_ns"`
		HasError bool   `json:"error"`
	} `json:"spans"`
	Inputs  json.RawMessage `json:"inputs"`
	Outputs json.RawMessage `json:"outputs"`
}

func TestTraceViewIsTheTreeInOrder(t *testing.T) {
	f := newFixture(t)
	v := decode[viewBody](t, f.do(t, http.MethodGet, "/api/traces/"+f.ids["agent"], nil, nil))
	assert.Equal(t, "weather-agent", v.Info.Name)
	require.NotNil(t, v.Usage)
	assert.Equal(t, int64(178), v.Usage.Total)
	assert.Equal(t, int64(148), v.Usage.Input)
	var got []string
	for _, s := range v.Spans {
		got = append(got, strings.Repeat("  ", s.Depth)+s.Type+" "+s.Name+" "+s.Status)
	}
	assert.Equal(t, []string{
		"AGENT weather-agent OK",
		"  CHAT_MODEL chat gpt-4o-mini OK",
		"  TOOL get_weather OK",
		"  RETRIEVER lookup-docs ERROR",
		"  CHAT_MODEL chat gpt-4o-mini OK",
	}, got)
	assert.Equal(t, int64(0), v.Spans[0].StartNS)
	assert.Equal(t, int64(1840e6), v.Spans[0].DurNS)
	assert.Equal(t, int64(640e6), v.Spans[2].StartNS)
	assert.True(t, v.Spans[3].HasError)
	assert.JSONEq(t, `{"question":"What's the weather in Paris?"}`, string(v.Inputs))
	assert.JSONEq(t, `"It is 18°C and sunny in Paris."`, string(v.Outputs))

	assert.Equal(t, http.StatusNotFound, f.do(t, http.MethodGet, "/api/traces/tr-0000", nil, nil).Code)
	assert.Equal(t, http.StatusBadRequest, f.do(t, http.MethodGet, "/api/traces/nope", nil, nil).Code)
}

type detailBody struct {
	Name          string                     `json:"name"`
	Type          string                     `json:"type"`
	Status        string                     `json:"status"`
	StatusMessage string                     `json:"status_message"`
	Usage         *struct{ Total int64 }     `json:"usage"`
	Inputs        json.RawMessage            `json:"inputs"`
	Outputs       json.RawMessage            `json:"outputs"`
	Attributes    map[string]json.RawMessage `json:"attributes"`
	Conversation  []struct {
		Role       string `json:"role"`
		Content    string `json:"content"`
		ToolCallID string `json:"tool_call_id"`
		ToolCalls  []struct {
			ID, Name, Arguments string
		} `json:"tool_calls"`
	} `json:"conversation"`
	Events []struct {
		Name  string         `json:"name"`
		Kind  string         `json:"kind"`
		Attrs map[string]any `json:"attributes"`
	} `json:"events"`
}

func TestSpanDetail(t *testing.T) {
	f := newFixture(t)
	get := func(spanID string) detailBody {
		w := f.do(t, http.MethodGet, "/api/traces/"+f.ids["agent"]+"/spans/"+spanID, nil, nil)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		return decode[detailBody](t, w)
	}
	first := get("0000000000000002")
	assert.Equal(t, "CHAT_MODEL", first.Type)
	require.NotNil(t, first.Usage)
	assert.Equal(t, int64(70), first.Usage.Total)
	var roles []string
	for _, m := range first.Conversation {
		roles = append(roles, m.Role)
	}
	assert.Equal(t, []string{"system", "user", "assistant"}, roles)
	require.Len(t, first.Conversation[2].ToolCalls, 1)
	assert.Equal(t, "get_weather", first.Conversation[2].ToolCalls[0].Name)
	assert.Equal(t, `{"city":"Paris"}`, first.Conversation[2].ToolCalls[0].Arguments)
	assert.Equal(t, map[string]json.RawMessage{"gen_ai.request.model": json.RawMessage(`"gpt-4o-mini"`)}, first.Attributes,
		"inputs, outputs, type and usage have their own sections")

	second := get("0000000000000005")
	require.Len(t, second.Conversation, 5)
	assert.Equal(t, "tool", second.Conversation[3].Role)
	assert.Equal(t, "call_1", second.Conversation[3].ToolCallID)
	assert.Equal(t, "It is 18°C and sunny in Paris.", second.Conversation[4].Content)
	require.Len(t, second.Events, 3)
	for _, e := range second.Events {
		assert.Equal(t, "chunk", e.Kind)
		assert.Contains(t, e.Attrs, "mlflow.chunk.value", "compact chunks are expanded")
	}

	failed := get("0000000000000004")
	assert.Equal(t, "ERROR", failed.Status)
	assert.Equal(t, "*net.OpError: dial tcp: connection refused", failed.StatusMessage)
	require.Len(t, failed.Events, 1)
	assert.Equal(t, "exception", failed.Events[0].Kind)
	assert.Contains(t, failed.Events[0].Attrs["exception.stacktrace"], "main.go:42")
	assert.Nil(t, failed.Conversation)
	assert.Equal(t, "null", string(failed.Outputs))

	assert.Equal(t, http.StatusNotFound, f.do(t, http.MethodGet, "/api/traces/"+f.ids["agent"]+"/spans/ffffffffffffffff", nil, nil).Code)
}

func TestDownloadIsMLflowJSON(t *testing.T) {
	f := newFixture(t)
	w := f.do(t, http.MethodGet, "/api/traces/"+f.ids["agent"]+"/mlflow.json", nil, nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, `attachment; filename="`+f.ids["agent"]+`.json"`, w.Header().Get("Content-Disposition"))
	var got tracedata.Trace
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	want, err := f.st.GetTrace(context.Background(), f.ids["agent"])
	require.NoError(t, err)
	want.ExpandChunks()
	got.ExpandChunks()
	assert.Equal(t, want.Info, got.Info)
	assert.Len(t, got.Spans, len(want.Spans))
	var m map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &m))
	assert.Contains(t, m, "info")
	assert.Contains(t, m, "data")
}

func TestTagEditAndDelete(t *testing.T) {
	f := newFixture(t)
	id := f.ids["agent"]
	type tags struct {
		Tags map[string]string `json:"tags"`
	}
	w := f.do(t, http.MethodPost, "/api/traces/"+id+"/tags", map[string]string{"key": "reviewed", "value": "<b>yes</b>"}, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, map[string]string{"env": "dev", "reviewed": "<b>yes</b>"}, decode[tags](t, w).Tags)
	assert.NotContains(t, w.Body.String(), "<b>", "JSON answers escape markup")

	w = f.do(t, http.MethodPost, "/api/traces/"+id+"/tags/delete", map[string]string{"key": "env"}, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, map[string]string{"reviewed": "<b>yes</b>"}, decode[tags](t, w).Tags)
	assert.Equal(t, map[string]string{"reviewed": "<b>yes</b>", "mlflow.traceName": "weather-agent"}, tagsOf(t, f, id))

	for _, tc := range []struct {
		path string
		body any
		want int
	}{
		{"/api/traces/" + id + "/tags/delete", map[string]string{"key": "env"}, http.StatusNotFound},
		{"/api/traces/" + id + "/tags", map[string]string{"key": " "}, http.StatusBadRequest},
		{"/api/traces/" + id + "/tags", map[string]string{"key": "k", "extra": "x"}, http.StatusBadRequest},
		{"/api/traces/" + id + "/tags", []byte("{"), http.StatusBadRequest},
		{"/api/traces/tr-missing/tags", map[string]string{"key": "k"}, http.StatusNotFound},
		{"/api/traces/delete", map[string]any{"trace_ids": []string{}}, http.StatusBadRequest},
	} {
		assert.Equal(t, tc.want, f.do(t, http.MethodPost, tc.path, tc.body, nil).Code, "%s %v", tc.path, tc.body)
	}
	w = f.do(t, http.MethodPost, "/api/traces/"+id+"/tags", map[string]string{"key": "k"}, map[string]string{"Content-Type": "text/plain"})
	assert.Equal(t, http.StatusUnsupportedMediaType, w.Code)

	w = f.do(t, http.MethodPost, "/api/traces/delete", map[string]any{"trace_ids": []string{id, f.ids["agent2"], "tr-missing"}}, nil)
	require.Equal(t, http.StatusOK, w.Code)
	assert.JSONEq(t, `{"deleted":2}`, w.Body.String())
	assert.Equal(t, http.StatusNotFound, f.do(t, http.MethodGet, "/api/traces/"+id, nil, nil).Code)
	assert.Len(t, decode[listBody](t, f.do(t, http.MethodGet, "/api/traces", nil, nil)).Traces, 4)
}

func TestXSSPayloadsStayData(t *testing.T) {
	f := newFixture(t)
	id := f.ids["xss"]
	for _, path := range []string{
		"/api/traces", "/api/traces/" + id, "/api/traces/" + id + "/spans/0000000000000001",
		"/api/traces/" + id + "/spans/0000000000000002", "/api/sessions", "/api/sessions/" + urlPath(uitest.XSS[1]),
	} {
		w := f.do(t, http.MethodGet, path, nil, nil)
		require.Equal(t, http.StatusOK, w.Code, path)
		assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
		body := w.Body.String()
		assert.NotContains(t, body, "<", path+": JSON escapes < as \\u003c")
		assert.NotContains(t, body, ">", path)
		assert.Contains(t, body, `\u003c`, path)
	}
	// The page for the trace carries the id only; the payloads come as JSON.
	w := f.do(t, http.MethodGet, "/traces/"+id, nil, nil)
	assert.NotContains(t, w.Body.String(), "alert")
	// The payloads round-trip exactly: the UI shows them as the text they are.
	v := decode[viewBody](t, f.do(t, http.MethodGet, "/api/traces/"+id, nil, nil))
	assert.Equal(t, uitest.XSS[0], v.Info.Name)
	assert.Equal(t, uitest.XSS[1], v.Spans[1].Name)
}

func webuiMaxBody(n int64) webui.Option { return webui.WithMaxBodyBytes(n) }

func storeDelete(ids ...string) store.DeleteOptions { return store.DeleteOptions{TraceIDs: ids} }
