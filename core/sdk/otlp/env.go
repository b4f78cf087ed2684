package otlp

import "github.com/agentlens/agentlens/core/sdk"

func init() {
	sdk.RegisterEnvDestination("otlp", fromEnv)
}

// fromEnv makes the exporter OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT asks for, nil when
// neither is set.
func fromEnv(getenv func(string) string) (sdk.Destination, error) {
	if firstEnv(getenv, EnvTracesEndpoint, EnvEndpoint) == "" {
		return nil, nil
	}
	e, err := newExporter([]Option{withGetenv(getenv)})
	if err != nil {
		return nil, err
	}
	return e, nil
}
