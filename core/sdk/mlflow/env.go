package mlflow

import "github.com/agentlens/agentlens/core/sdk"

func init() {
	sdk.RegisterEnvDestination("mlflow", fromEnv)
}

// fromEnv makes the destination MLFLOW_TRACKING_URI asks for when it names a server; a
// local path or "databricks" is not this destination's.
func fromEnv(getenv func(string) string) (sdk.Destination, error) {
	if !isRemote(getenv(EnvTrackingURI)) {
		return nil, nil
	}
	e, err := newExporter(getenv, nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}
