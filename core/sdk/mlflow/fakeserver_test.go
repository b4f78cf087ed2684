package mlflow_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// fakeMLflow is a Tracking Server written from MLflow's protocol: get-by-name answers 404
// RESOURCE_DOES_NOT_EXIST for unknown names, create makes an experiment (400
// RESOURCE_ALREADY_EXISTS when taken), /v1/traces requires x-mlflow-experiment-id and
// Content-Type application/x-protobuf (gzip accepted, no spans is 400) and answers an empty
// ExportTraceServiceResponse, and /api/3.0/mlflow/traces takes StartTraceV3.
type fakeMLflow struct {
	*httptest.Server

	mu          sync.Mutex
	experiments map[string]string // name -> id
	nextID      int
	spans       map[string][]*tracepb.Span // experiment id -> spans
	traceInfos  []map[string]any           // the trace_info of each StartTraceV3
	auth        []string                   // Authorization of every request
	runIDs      []string
	calls       []string // method + path of every request
	fail        func(path string) int
	assessments []map[string]any // the assessment of every CreateAssessment, with its new id
	deleted     []string         // trace id/assessment id of every DeleteAssessment
}

func newFakeMLflow() *fakeMLflow {
	f := &fakeMLflow{experiments: map[string]string{"Default": "0"}, nextID: 100, spans: map[string][]*tracepb.Span{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func mlflowError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "message": msg})
}

func (f *fakeMLflow) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	fail := f.fail
	f.mu.Unlock()
	if fail != nil {
		if st := fail(r.URL.Path); st != 0 {
			mlflowError(w, st, "INTERNAL_ERROR", "failing as the test asks")
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/2.0/mlflow/experiments/get-by-name":
		name := r.URL.Query().Get("experiment_name")
		f.mu.Lock()
		id, ok := f.experiments[name]
		f.mu.Unlock()
		if !ok {
			mlflowError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '"+name+"'")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"experiment": map[string]string{"experiment_id": id, "name": name, "lifecycle_stage": "active"}})
	case r.Method == http.MethodPost && r.URL.Path == "/api/2.0/mlflow/experiments/create":
		var body struct{ Name string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
			mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "missing name")
			return
		}
		f.mu.Lock()
		_, taken := f.experiments[body.Name]
		id := strconv.Itoa(f.nextID)
		if !taken {
			f.experiments[body.Name] = id
			f.nextID++
		}
		f.mu.Unlock()
		if taken {
			mlflowError(w, http.StatusBadRequest, "RESOURCE_ALREADY_EXISTS", "Experiment '"+body.Name+"' already exists.")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"experiment_id": id})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/traces":
		exp := r.Header.Get("x-mlflow-experiment-id")
		if exp == "" { // FastAPI's answer to a missing required header
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-protobuf" {
			http.Error(w, "Invalid Content-Type: "+ct, http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				http.Error(w, "Failed to decompress gzip payload", http.StatusBadRequest)
				return
			}
			body, _ = io.ReadAll(zr)
		}
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil || len(req.ResourceSpans) == 0 {
			http.Error(w, "Invalid OpenTelemetry protobuf format", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.runIDs = append(f.runIDs, r.Header.Get("x-mlflow-run-id"))
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				f.spans[exp] = append(f.spans[exp], ss.Spans...)
			}
		}
		f.mu.Unlock()
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	case r.Method == http.MethodPost && r.URL.Path == "/api/3.0/mlflow/traces":
		var body struct {
			Trace struct {
				TraceInfo map[string]any `json:"trace_info"`
			} `json:"trace"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Trace.TraceInfo == nil {
			mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "trace is required")
			return
		}
		f.mu.Lock()
		f.traceInfos = append(f.traceInfos, body.Trace.TraceInfo)
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"trace": map[string]any{"trace_info": body.Trace.TraceInfo}})
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/3.0/mlflow/traces/") && strings.HasSuffix(r.URL.Path, "/assessments"):
		traceID := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/3.0/mlflow/traces/"), "/assessments")
		var body struct {
			Assessment map[string]any `json:"assessment"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Assessment == nil {
			mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "assessment is required")
			return
		}
		f.mu.Lock()
		body.Assessment["trace_id"] = traceID // the server takes the path's, as MLflow's handler does
		body.Assessment["assessment_id"] = "a-server-" + strconv.Itoa(len(f.assessments)+1)
		f.assessments = append(f.assessments, body.Assessment)
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"assessment": body.Assessment})
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/api/3.0/mlflow/traces/") && strings.Contains(r.URL.Path, "/assessments/"):
		rest := strings.TrimPrefix(r.URL.Path, "/api/3.0/mlflow/traces/")
		f.mu.Lock()
		f.deleted = append(f.deleted, strings.Replace(rest, "/assessments/", "/", 1))
		f.mu.Unlock()
		_, _ = w.Write([]byte("{}"))
	default:
		mlflowError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", r.Method+" "+r.URL.Path)
	}
}
