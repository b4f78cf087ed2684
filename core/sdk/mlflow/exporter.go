package mlflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/agentlens/agentlens/core/sdk"
	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/tracedata"
)

// Headers of MLflow's OTLP endpoint.
const (
	HeaderExperimentID = "x-mlflow-experiment-id"
	HeaderRunID        = "x-mlflow-run-id"
)

// Exporter is an sdk.Destination that logs traces to an MLflow Tracking Server (3.4 or
// later): the spans as OTLP protobuf to /v1/traces, then each trace's info (name, previews,
// tags, metadata, token usage, state) with StartTraceV3, which the server merges into the
// trace it ingested. The experiment is resolved, and created when missing, on the first
// export. Failures that may pass are retried by the SDK. It is safe for concurrent use.
type Exporter struct {
	cfg  config
	http *http.Client
	rt   http.RoundTripper

	mu    sync.Mutex
	expID string
	otlp  *otlp.Exporter
	// sent holds the traces whose spans reached the server in an export whose trace info
	// failed, so that the retry sends only the info.
	sent map[string]bool
	// remote maps the ids of the assessments sent to the ids the server gave them.
	remote map[string]string
}

var (
	_ sdk.Destination      = (*Exporter)(nil)
	_ sdk.BatchDestination = (*Exporter)(nil)
)

// New returns an Exporter configured by opts over the environment (MLFLOW_TRACKING_URI,
// MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID, MLFLOW_TRACKING_TOKEN or
// MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD, MLFLOW_RUN_ID). It does not connect.
func New(opts ...Option) (*Exporter, error) {
	return newExporter(os.Getenv, opts)
}

func newExporter(getenv func(string) string, opts []Option) (*Exporter, error) {
	c, err := newConfig(getenv, opts)
	if err != nil {
		return nil, err
	}
	rt := c.transport
	if rt == nil {
		rt = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        10,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
		}
	}
	e := &Exporter{cfg: c, rt: rt, http: &http.Client{Transport: rt, Timeout: otlp.DefaultTimeout}, sent: map[string]bool{}}
	if c.experimentName == "" {
		e.expID = c.experimentID
	}
	return e, nil
}

// Name names the destination in logs and sdk.Stats.
func (e *Exporter) Name() string { return "mlflow " + e.cfg.trackingURI }

// ExperimentID returns the id of the experiment traces go to, "" until it is resolved.
func (e *Exporter) ExperimentID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.expID
}

// Export logs one trace.
func (e *Exporter) Export(ctx context.Context, t *tracedata.Trace) error {
	return e.ExportBatch(ctx, []*tracedata.Trace{t})
}

// ExportBatch logs several traces: their spans in one OTLP request, then their infos.
func (e *Exporter) ExportBatch(ctx context.Context, traces []*tracedata.Trace) error {
	expID, err := e.experiment(ctx)
	if err != nil {
		return err
	}
	up, err := e.uploader(expID)
	if err != nil {
		return err
	}
	e.mu.Lock()
	pending := make([]*tracedata.Trace, 0, len(traces))
	for _, t := range traces {
		if !e.sent[t.Info.TraceID] {
			pending = append(pending, t)
		}
	}
	e.mu.Unlock()
	if len(pending) > 0 {
		if err := up.ExportBatch(ctx, pending); err != nil {
			var se *otlp.HTTPStatusError
			if errors.As(err, &se) && se.Code == http.StatusNotFound {
				return fmt.Errorf("MLflow /v1/traces answered 404: the server has no OTLP endpoint; agentlens needs MLflow 3.4 or later: %w", err)
			}
			return fmt.Errorf("MLflow /v1/traces: %w", err)
		}
		e.mu.Lock()
		for _, t := range pending {
			e.sent[t.Info.TraceID] = true
		}
		e.mu.Unlock()
	}
	for _, t := range traces {
		if err := e.call(ctx, http.MethodPost, "/api/3.0/mlflow/traces", nil, newStartTrace(t, expID, e.cfg.runID), nil); err != nil {
			return fmt.Errorf("MLflow StartTraceV3 %s: %w", t.Info.TraceID, err)
		}
		e.mu.Lock()
		delete(e.sent, t.Info.TraceID)
		e.mu.Unlock()
	}
	return nil
}

// uploader returns the OTLP client of the experiment, made on first use.
func (e *Exporter) uploader(expID string) (*otlp.Exporter, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.otlp != nil {
		return e.otlp, nil
	}
	headers := map[string]string{HeaderExperimentID: expID}
	h := http.Header{}
	e.authorize(h)
	if a := h.Get("Authorization"); a != "" {
		headers["Authorization"] = a
	}
	if e.cfg.runID != "" {
		headers[HeaderRunID] = e.cfg.runID
	}
	up, err := otlp.New(
		otlp.WithProtocol(otlp.ProtocolHTTP),
		otlp.WithEndpointURL(e.cfg.trackingURI+"/v1/traces"),
		otlp.WithHeaders(headers),
		otlp.WithGzip(true),
		otlp.WithTransport(e.rt),
		otlp.WithName(e.Name()),
	)
	if err != nil {
		return nil, err
	}
	e.otlp = up
	return up, nil
}

// Shutdown stops the OTLP client.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	up := e.otlp
	e.mu.Unlock()
	if up != nil {
		return up.Shutdown(ctx)
	}
	return nil
}

// BatchDelay tells the SDK to gather traces for up to otlp.DefaultBatchDelay into one
// request.
func (e *Exporter) BatchDelay() time.Duration { return otlp.DefaultBatchDelay }
