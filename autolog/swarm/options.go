package swarm

import "github.com/agentlens/agentlens/autolog"

// RunSpanName is the name of the CHAIN span of a run.
const RunSpanName = "swarm.run"

// Handoff attributes, set on the AGENT span that hands off, on the AGENT span that takes
// over, and on the TOOL span of the function that handed off.
const (
	// KeyHandoffSourceName is the name of the agent that handed the conversation off.
	KeyHandoffSourceName = "gen_ai.agent.handoff.source.name"
	// KeyHandoffTargetName is the name of the agent the conversation was handed to.
	KeyHandoffTargetName = "gen_ai.agent.handoff.target.name"
)

// HandoffEventName is the event an AGENT span gets when its agent hands off.
const HandoffEventName = "handoff"

type config struct {
	captureContent *bool // nil: the SDK's setting
}

// Option configures Observer and Autolog.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithCaptureContent turns the recording of messages, context variables, function arguments
// and results on or off for these spans (default: the SDK's setting, AGENTLENS_CAPTURE_CONTENT;
// it cannot turn on what core turned off).
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *config) { c.captureContent = &on })
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

func fromAutolog(cfg autolog.Config) []Option {
	if cfg.CaptureContent != nil {
		return []Option{WithCaptureContent(*cfg.CaptureContent)}
	}
	return nil
}
