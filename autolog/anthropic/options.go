package anthropic

import "github.com/agentlens/agentlens/autolog"

// config is what the options set.
type config struct {
	captureContent *bool // nil: the SDK's setting
}

// Option configures the transport.
type Option func(*config)

// WithCaptureContent turns the recording of prompts and completions on or off for these
// spans (default: the SDK's setting).
func WithCaptureContent(on bool) Option { return func(c *config) { c.captureContent = &on } }

// newConfig applies the options in order; nil ones are ignored.
func newConfig(opts []Option) (c config) {
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// fromAutolog is autolog.Enable's configuration as options.
func fromAutolog(cfg autolog.Config) []Option {
	if on := cfg.CaptureContent; on != nil {
		return []Option{WithCaptureContent(*on)}
	}
	return nil
}
