package swarm

import (
	"sync"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/core/instrument"
	swarmrt "github.com/agentlens/agentlens/swarm"
)

func init() {
	autolog.Register("swarm", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// global is the observer Autolog registered.
var global struct {
	mu         sync.Mutex
	unregister func()
}

// Autolog traces every run of the Swarm runtime, in every swarm.Client, by registering
// Observer(opts...) with swarm.RegisterObserver. It returns a function that undoes it.
// Calling it again changes the options without tracing runs twice. Runs already under way
// keep the observers they started with.
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("swarm.Autolog")
	global.mu.Lock()
	defer global.mu.Unlock()
	// Register the new observer before removing the old one: a run starting in between sees
	// both, and only the first traces it.
	unregister := swarmrt.RegisterObserver(Observer(opts...))
	if global.unregister != nil {
		global.unregister()
	}
	global.unregister = unregister
	return unautolog
}

// unautolog undoes Autolog; it is idempotent.
func unautolog() {
	global.mu.Lock()
	defer global.mu.Unlock()
	if global.unregister != nil {
		global.unregister()
		global.unregister = nil
	}
}
