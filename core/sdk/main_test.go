package sdk_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/agentlens/agentlens/core/sdk"
)

func TestMain(m *testing.M) {
	// Tests that configure from the environment must not write ./agentlens.db here.
	os.Setenv(sdk.EnvStore, "off")
	goleak.VerifyTestMain(m)
}
