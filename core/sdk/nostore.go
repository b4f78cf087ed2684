//go:build agentlens_nostore

package sdk

import (
	"errors"
	"fmt"
)

// Built with -tags agentlens_nostore: the local store and SQLite are left out, traces go only
// to the destinations given to Configure, and AGENTLENS_STORE is off unless set.
const defaultStorePath = ""

// localStore stands for the local store, which this build leaves out.
type localStore = Destination

func openLocalStore(cfg *config) (localStore, error) {
	if cfg.storePath != "" {
		return nil, fmt.Errorf("agentlens: local store %q: %w", cfg.storePath, errNoStoreBuild)
	}
	if cfg.experimentName != "" {
		return nil, fmt.Errorf("agentlens: experiment name %q needs the local store: %w", cfg.experimentName, errNoStoreBuild)
	}
	return nil, nil
}

var errNoStoreBuild = errors.New("this program was built with -tags agentlens_nostore, which leaves the local store out")

// readsCompactChunks reports whether d writes compact chunk events as they are; without the
// local store, no destination does.
func readsCompactChunks(Destination) bool { return false }
