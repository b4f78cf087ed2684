package mlflow

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Environment variables the destination reads, as MLflow's Python SDK names them.
const (
	EnvTrackingURI      = "MLFLOW_TRACKING_URI"
	EnvExperimentName   = "MLFLOW_EXPERIMENT_NAME"
	EnvExperimentID     = "MLFLOW_EXPERIMENT_ID"
	EnvTrackingToken    = "MLFLOW_TRACKING_TOKEN"
	EnvTrackingUsername = "MLFLOW_TRACKING_USERNAME"
	EnvTrackingPassword = "MLFLOW_TRACKING_PASSWORD"
	EnvRunID            = "MLFLOW_RUN_ID"
)

// DefaultExperimentID is MLflow's Default experiment.
const DefaultExperimentID = "0"

type config struct {
	trackingURI    string
	experimentName string
	experimentID   string
	token          string
	user, password string
	runID          string
	transport      http.RoundTripper
}

// Option configures an Exporter; options win over the environment.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithTrackingURI sets the Tracking Server's URL (default $MLFLOW_TRACKING_URI); it must
// be http:// or https://.
func WithTrackingURI(u string) Option { return optionFunc(func(c *config) { c.trackingURI = u }) }

// WithExperimentName sends traces to the experiment of that name, created when missing
// (default $MLFLOW_EXPERIMENT_NAME).
func WithExperimentName(name string) Option {
	return optionFunc(func(c *config) { c.experimentName, c.experimentID = name, "" })
}

// WithExperimentID sends traces to the experiment with that id (default
// $MLFLOW_EXPERIMENT_ID, else the experiment name, else "0", the Default experiment).
func WithExperimentID(id string) Option {
	return optionFunc(func(c *config) { c.experimentID, c.experimentName = id, "" })
}

// WithToken authenticates with a bearer token (default $MLFLOW_TRACKING_TOKEN).
func WithToken(token string) Option { return optionFunc(func(c *config) { c.token = token }) }

// WithBasicAuth authenticates with a user name and password (default
// $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD).
func WithBasicAuth(user, password string) Option {
	return optionFunc(func(c *config) { c.user, c.password = user, password })
}

// WithRunID links every trace to an MLflow run (default $MLFLOW_RUN_ID).
func WithRunID(id string) Option { return optionFunc(func(c *config) { c.runID = id }) }

// WithTransport sets the HTTP transport (default: one of the destination's own, never
// http.DefaultTransport, which HTTP instrumentation may wrap).
func WithTransport(rt http.RoundTripper) Option {
	return optionFunc(func(c *config) { c.transport = rt })
}

func newConfig(getenv func(string) string, opts []Option) (config, error) {
	c := config{
		trackingURI:    strings.TrimSpace(getenv(EnvTrackingURI)),
		experimentName: strings.TrimSpace(getenv(EnvExperimentName)),
		experimentID:   strings.TrimSpace(getenv(EnvExperimentID)),
		token:          getenv(EnvTrackingToken),
		user:           getenv(EnvTrackingUsername),
		password:       getenv(EnvTrackingPassword),
		runID:          strings.TrimSpace(getenv(EnvRunID)),
	}
	if c.experimentID != "" {
		c.experimentName = "" // an explicit id wins, as in MLflow
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	u, err := url.Parse(c.trackingURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("agentlens: MLflow tracking URI %q: want an http:// or https:// server URL", c.trackingURI)
	}
	c.trackingURI = strings.TrimSuffix(u.String(), "/")
	if c.experimentID == "" && c.experimentName == "" {
		c.experimentID = DefaultExperimentID
	}
	return c, nil
}

// isRemote reports whether a tracking URI names a Tracking Server (not a local path or
// "databricks").
func isRemote(uri string) bool {
	uri = strings.TrimSpace(uri)
	return strings.HasPrefix(uri, "http://") || strings.HasPrefix(uri, "https://")
}
