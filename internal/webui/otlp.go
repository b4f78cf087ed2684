package webui

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/internal/otlpingest"
)

// experimentHeader is the header MLflow's OTLP endpoint reads the experiment id from.
const experimentHeader = "X-Mlflow-Experiment-Id"

// otlpTraces is an OTLP/HTTP trace receiver: protobuf or JSON bodies, gzip or not, into the
// store, answered in the request's encoding as OTLP/HTTP specifies.
func (s *Server) otlpTraces(w http.ResponseWriter, r *http.Request) {
	ct := r.Header.Get("Content-Type")
	asJSON := strings.HasPrefix(ct, otlpingest.ContentTypeJSON)
	body := io.Reader(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	switch enc := strings.ToLower(r.Header.Get("Content-Encoding")); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			otlpError(w, http.StatusBadRequest, asJSON, "malformed gzip body: "+err.Error())
			return
		}
		defer zr.Close()
		body = io.LimitReader(zr, s.cfg.maxBody+1)
	default:
		otlpError(w, http.StatusUnsupportedMediaType, asJSON, fmt.Sprintf("unsupported Content-Encoding %q", enc))
		return
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		otlpError(w, http.StatusRequestEntityTooLarge, asJSON, "body: "+err.Error())
		return
	}
	if int64(len(raw)) > s.cfg.maxBody {
		otlpError(w, http.StatusRequestEntityTooLarge, asJSON, "body larger than the limit")
		return
	}
	exp := strings.TrimSpace(r.Header.Get(experimentHeader))
	traces, err := otlpingest.Decode(raw, ct, exp)
	switch {
	case errors.Is(err, otlpingest.ErrContentType):
		otlpError(w, http.StatusUnsupportedMediaType, asJSON, err.Error())
		return
	case err != nil:
		otlpError(w, http.StatusBadRequest, asJSON, err.Error())
		return
	}
	if len(traces) > 0 {
		if err := s.st.ExportBatch(r.Context(), traces); err != nil {
			s.reportError(err)
			otlpError(w, http.StatusInternalServerError, asJSON, "store: "+err.Error())
			return
		}
	}
	resp := &coltracepb.ExportTraceServiceResponse{}
	var out []byte
	if asJSON {
		w.Header().Set("Content-Type", otlpingest.ContentTypeJSON)
		out, _ = protojson.Marshal(resp)
	} else {
		w.Header().Set("Content-Type", otlpingest.ContentTypeProtobuf)
		out, _ = proto.Marshal(resp)
	}
	_, _ = w.Write(out)
}

// otlpError answers with a google.rpc.Status-shaped body, as OTLP/HTTP asks; its message
// is what matters to an exporter's log.
func otlpError(w http.ResponseWriter, status int, asJSON bool, msg string) {
	if asJSON {
		writeJSON(w, status, map[string]any{"code": status, "message": msg})
		return
	}
	b, _ := proto.Marshal(&statuspb.Status{Message: msg})
	w.Header().Set("Content-Type", otlpingest.ContentTypeProtobuf)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
