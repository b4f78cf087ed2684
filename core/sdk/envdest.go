package sdk

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// EnvDestinationFunc makes the destination the environment asks for, looking variables up
// with getenv; it returns nil, nil when the environment does not ask for one. It must not
// touch the network: a destination connects on its first export.
type EnvDestinationFunc func(getenv func(string) string) (Destination, error)

var envDestinations struct {
	sync.Mutex
	names []string
	funcs map[string]EnvDestinationFunc
}

// RegisterEnvDestination makes Configure, and the configuration from the environment that
// the first span triggers, add the destination fromEnv makes. Destination packages call it
// in their init (as database/sql drivers do), so importing one is what turns it on:
// core/sdk/otlp for OTEL_EXPORTER_OTLP_*, core/sdk/mlflow for MLFLOW_TRACKING_URI, or
// core/sdk/export for both. A name registered twice panics. Override never reads the
// environment, so it never adds these.
func RegisterEnvDestination(name string, fromEnv EnvDestinationFunc) {
	envDestinations.Lock()
	defer envDestinations.Unlock()
	if envDestinations.funcs == nil {
		envDestinations.funcs = map[string]EnvDestinationFunc{}
	}
	if _, dup := envDestinations.funcs[name]; dup || fromEnv == nil {
		panic(fmt.Sprintf("agentlens: RegisterEnvDestination(%q) twice or with nil", name))
	}
	envDestinations.funcs[name] = fromEnv
	envDestinations.names = append(envDestinations.names, name)
	slices.Sort(envDestinations.names)
}

// envHints says which package turns an environment variable into a destination, so that a
// program that sets one without linking the package hears about it.
var envHints = []struct{ name, hint string }{
	{"otlp", "OTEL_EXPORTER_OTLP_ENDPOINT"},
	{"otlp", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
	{"mlflow", "MLFLOW_TRACKING_URI"},
}

func (c *config) destinationsFromEnv(getenv func(string) string) error {
	envDestinations.Lock()
	names := slices.Clone(envDestinations.names)
	funcs := envDestinations.funcs
	envDestinations.Unlock()
	for _, name := range names {
		d, err := funcs[name](getenv)
		if err != nil {
			return err
		}
		if d != nil {
			c.envDestinations = append(c.envDestinations, d)
		}
	}
	for _, h := range envHints {
		v := strings.TrimSpace(getenv(h.hint))
		if v == "" || funcs[h.name] != nil {
			continue
		}
		if h.name == "mlflow" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			continue
		}
		c.envWarnings = append(c.envWarnings, fmt.Sprintf(
			"%s is set but this program links no %s destination; import _ \"github.com/agentlens/agentlens/core/sdk/%s\" (or core/sdk/export) to send traces there",
			h.hint, h.name, h.name))
	}
	return nil
}
