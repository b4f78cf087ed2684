package anthropic

import "github.com/agentlens/agentlens/autolog"

type config struct {
	captureContent *bool // nil: the SDK's setting
}

// Option configures the transport.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithCaptureContent turns the recording of prompts and completions on or off for these
// spans (default: the SDK's setting).
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
