package openai

import "github.com/agentlens/agentlens/autolog"

// ScopeName is the instrumentation scope of this adapter.
const ScopeName = "github.com/agentlens/agentlens/autolog/openai"

type config struct {
	captureContent *bool // nil: core's setting
	provider       string
}

// Option configures the transport.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithCaptureContent turns the recording of prompts, completions and embeddings on or off
// for these spans (default: core's setting).
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *config) { c.captureContent = &on })
}

// WithProvider names the provider on the spans instead of guessing it from the host.
func WithProvider(name string) Option {
	return optionFunc(func(c *config) { c.provider = name })
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
