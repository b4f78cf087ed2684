package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// apiError is the body of every failed API request. Position is set for a malformed
// filter or order-by: the byte offset the store's parser stopped at.
type apiError struct {
	Error struct {
		Message  string `json:"message"`
		What     string `json:"what,omitempty"`
		Input    string `json:"input,omitempty"`
		Position *int   `json:"position,omitempty"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// encoding/json escapes <, > and & in strings, so even a mis-sniffed answer holds no markup.
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	var body apiError
	body.Error.Message = err.Error()
	status := http.StatusInternalServerError
	var fe *store.FilterError
	var re *requestError
	switch {
	case errors.As(err, &fe):
		status = http.StatusBadRequest
		body.Error.Message = fe.Msg
		body.Error.What = fe.What
		if body.Error.What == "" {
			body.Error.What = "filter"
		}
		body.Error.Input = fe.Input
		pos := fe.Pos
		body.Error.Position = &pos
	case errors.Is(err, tracedata.ErrTraceNotFound):
		status = http.StatusNotFound
	case errors.As(err, &re):
		status = re.status
	default:
		s.reportError(err)
	}
	writeJSON(w, status, body)
}

// requestError is a mistake in the request, answered with its status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// traceRow is a trace in the list.
type traceRow struct {
	TraceID         string            `json:"trace_id"`
	ExperimentID    string            `json:"experiment_id"`
	Name            string            `json:"name"`
	State           string            `json:"state"`
	TimestampMS     int64             `json:"timestamp_ms"`
	ExecutionTimeMS int64             `json:"execution_time_ms"`
	Tokens          *int64            `json:"tokens"`
	RequestPreview  string            `json:"request_preview"`
	ResponsePreview string            `json:"response_preview"`
	Session         string            `json:"session,omitempty"`
	Tags            map[string]string `json:"tags"`
}

func rowOf(i *tracedata.TraceInfo) traceRow {
	r := traceRow{
		TraceID: i.TraceID, ExperimentID: i.ExperimentID, Name: i.Tags[spantypes.TagTraceName],
		State: string(i.State), TimestampMS: i.TimestampMS, ExecutionTimeMS: i.ExecutionTimeMS,
		RequestPreview: i.RequestPreview, ResponsePreview: i.ResponsePreview,
		Session: i.Metadata[spantypes.MetaSession], Tags: map[string]string{},
	}
	if u, ok := usageOf(i.Metadata[spantypes.MetaTokenUsage]); ok {
		r.Tokens = &u.TotalTokens
	}
	for k, v := range i.Tags {
		if k != spantypes.TagTraceName {
			r.Tags[k] = v
		}
	}
	return r
}

func usageOf(js string) (tracedata.TokenUsage, bool) {
	if js == "" {
		return tracedata.TokenUsage{}, false
	}
	var u tracedata.TokenUsage
	var raw struct {
		In    *int64 `json:"input_tokens"`
		Out   *int64 `json:"output_tokens"`
		Total *int64 `json:"total_tokens"`
	}
	if json.Unmarshal([]byte(js), &raw) != nil || (raw.In == nil && raw.Out == nil && raw.Total == nil) {
		return u, false
	}
	if raw.In != nil {
		u.InputTokens = *raw.In
	}
	if raw.Out != nil {
		u.OutputTokens = *raw.Out
	}
	if raw.Total != nil {
		u.TotalTokens = *raw.Total
	} else {
		u.TotalTokens = u.InputTokens + u.OutputTokens
	}
	return u, true
}

// maxPageSize bounds a list page: the list renders every row it gets.
const maxPageSize = 1000

func (s *Server) apiExperiments(w http.ResponseWriter, r *http.Request) {
	exps, err := s.st.ListExperiments(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	type exp struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := make([]exp, len(exps))
	for i, e := range exps {
		out[i] = exp{e.ID, e.Name}
	}
	writeJSON(w, http.StatusOK, map[string]any{"experiments": out})
}

// apiTraces serves a page of the list: ?filter=&order_by=&experiment=&page_token=&max_results=.
func (s *Server) apiTraces(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o := store.SearchOptions{Filter: q.Get("filter"), PageToken: q.Get("page_token"), MaxResults: 100}
	if ob := strings.TrimSpace(q.Get("order_by")); ob != "" {
		o.OrderBy = []string{ob}
	}
	if e := q.Get("experiment"); e != "" {
		o.ExperimentIDs = []string{e}
	}
	if m := q.Get("max_results"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > maxPageSize {
			s.fail(w, badRequest("max_results must be 1 to %d, not %q", maxPageSize, m))
			return
		}
		o.MaxResults = n
	}
	res, err := s.st.SearchTraces(r.Context(), o)
	if err != nil {
		s.fail(w, err)
		return
	}
	rows := make([]traceRow, len(res.Traces))
	for i := range res.Traces {
		rows[i] = rowOf(&res.Traces[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"traces": rows, "next_page_token": res.NextPageToken})
}

func (s *Server) getTrace(r *http.Request) (*tracedata.Trace, error) {
	id := r.PathValue("id")
	if !strings.HasPrefix(id, "tr-") {
		return nil, badRequest("%q is not a trace id (tr-...)", id)
	}
	return s.st.GetTrace(r.Context(), id)
}

func (s *Server) apiTrace(w http.ResponseWriter, r *http.Request) {
	t, err := s.getTrace(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, traceViewOf(t))
}

func (s *Server) apiSpan(w http.ResponseWriter, r *http.Request) {
	t, err := s.getTrace(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	sp := t.Span(r.PathValue("span"))
	if sp == nil {
		s.fail(w, &requestError{http.StatusNotFound, fmt.Sprintf("trace %s has no span %q", t.Info.TraceID, r.PathValue("span"))})
		return
	}
	writeJSON(w, http.StatusOK, spanDetailOf(t, sp))
}

// apiDownload serves the trace as MLflow's trace JSON, as a file.
func (s *Server) apiDownload(w http.ResponseWriter, r *http.Request) {
	t, err := s.getTrace(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFileName(t.Info.TraceID)+`.json"`)
	_, _ = w.Write(t.AppendJSON(nil))
}

// safeFileName keeps letters, digits, - and _ of an id for a Content-Disposition name.
func safeFileName(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// maxAPIBody bounds the JSON bodies of the UI's own requests.
const maxAPIBody = 1 << 20

func decodeBody(r *http.Request, v any) error {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		return &requestError{http.StatusUnsupportedMediaType, "want Content-Type application/json"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAPIBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed JSON body: %v", err)
	}
	return nil
}

func (s *Server) apiSetTag(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, err)
		return
	}
	if strings.TrimSpace(body.Key) == "" {
		s.fail(w, badRequest("a tag needs a key"))
		return
	}
	id := r.PathValue("id")
	if err := s.st.SetTraceTag(r.Context(), id, body.Key, body.Value); err != nil {
		s.fail(w, err)
		return
	}
	s.answerTags(w, r, id)
}

func (s *Server) apiDeleteTag(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Key string `json:"key"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, err)
		return
	}
	id := r.PathValue("id")
	info, err := s.traceInfo(r, id)
	if err != nil {
		s.fail(w, err)
		return
	}
	if _, ok := info.Tags[body.Key]; !ok {
		s.fail(w, &requestError{http.StatusNotFound, fmt.Sprintf("trace %s has no tag %q", id, body.Key)})
		return
	}
	if err := s.st.DeleteTraceTag(r.Context(), id, body.Key); err != nil {
		s.fail(w, err)
		return
	}
	s.answerTags(w, r, id)
}

// answerTags answers a tag change with the trace's tags as they now are.
func (s *Server) answerTags(w http.ResponseWriter, r *http.Request, id string) {
	info, err := s.traceInfo(r, id)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": rowOf(info).Tags})
}

// traceInfo reads a trace's info without its spans.
func (s *Server) traceInfo(r *http.Request, id string) (*tracedata.TraceInfo, error) {
	res, err := s.st.SearchTraces(r.Context(), store.SearchOptions{Filter: "request_id = " + store.QuoteFilterString(id), MaxResults: 1})
	if err != nil {
		return nil, err
	}
	if len(res.Traces) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, tracedata.ErrTraceNotFound)
	}
	return &res.Traces[0], nil
}

func (s *Server) apiDeleteTraces(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TraceIDs []string `json:"trace_ids"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, err)
		return
	}
	if len(body.TraceIDs) == 0 {
		s.fail(w, badRequest("no trace_ids to delete"))
		return
	}
	n, err := s.st.DeleteTraces(r.Context(), store.DeleteOptions{TraceIDs: body.TraceIDs})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": n})
}

func (s *Server) apiSessions(w http.ResponseWriter, r *http.Request) {
	var exps []string
	if e := r.URL.Query().Get("experiment"); e != "" {
		exps = []string{e}
	}
	ss, err := s.st.ListSessions(r.Context(), exps, 500)
	if err != nil {
		s.fail(w, err)
		return
	}
	type session struct {
		ID      string `json:"id"`
		Traces  int    `json:"traces"`
		FirstMS int64  `json:"first_ms"`
		LastMS  int64  `json:"last_ms"`
	}
	out := make([]session, len(ss))
	for i, x := range ss {
		out[i] = session{x.ID, x.Traces, x.FirstMS, x.LastMS}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// maxSessionTraces bounds the turns a session page shows.
const maxSessionTraces = 1000

// apiSession serves a session's traces oldest first: each a turn of the conversation.
func (s *Server) apiSession(w http.ResponseWriter, r *http.Request) {
	res, err := s.st.SearchTraces(r.Context(), store.SearchOptions{
		Filter: store.SessionFilter(r.PathValue("id")), OrderBy: []string{"timestamp_ms ASC"}, MaxResults: maxSessionTraces,
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	rows := make([]traceRow, len(res.Traces))
	for i := range res.Traces {
		rows[i] = rowOf(&res.Traces[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"session": r.PathValue("id"), "traces": rows, "truncated": res.NextPageToken != ""})
}
