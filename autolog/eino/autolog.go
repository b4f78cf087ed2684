package eino

import (
	"sync"

	"github.com/cloudwego/eino/callbacks"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/core/instrument"
)

func init() {
	autolog.Register("eino", func(cfg autolog.Config) func() { return Autolog(fromAutolog(cfg)...) })
}

// global is the handler Autolog installs among eino's global handlers. eino's
// callbacks.AppendGlobalHandlers is not safe to call while eino runs, and eino has no way to
// remove a global handler, so it is appended once, on the first Autolog; undo switches it
// off rather than removing it.
var global struct {
	once    sync.Once
	handler *handler
}

// Autolog traces every eino run in the program (graphs, chains, workflows, their nodes,
// standalone components such as eino-ext's ChatModels, and ADK agents) by installing a
// global eino callback handler. It returns a function that turns the handler off again.
//
// The first call appends the handler with callbacks.AppendGlobalHandlers, which eino
// documents as unsafe while graphs run: call Autolog early (in main, or TestMain), before
// eino runs start, as eino asks of any global handler. Later calls only change the options;
// undo leaves the handler installed but turned off (it then costs eino one check per
// component call), and spans already open still end.
func Autolog(opts ...Option) (undo func()) {
	instrument.WarnWithoutSDK("eino.Autolog")
	global.once.Do(func() {
		global.handler = &handler{}
		callbacks.AppendGlobalHandlers(global.handler)
	})
	cfg := newConfig(opts)
	global.handler.cfg.Store(cfg)
	return func() {
		// Only the configuration this call set is turned off: a later Autolog stays on.
		global.handler.cfg.CompareAndSwap(cfg, nil)
	}
}
