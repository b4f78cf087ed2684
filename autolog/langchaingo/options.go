package langchaingo

import "github.com/agentlens/agentlens/autolog"

// ScopeName is the instrumentation scope of this adapter's spans.
const ScopeName = "github.com/agentlens/agentlens/autolog/langchaingo"

// Attributes this adapter sets on the spans whose callbacks it had to match by guessing.
const (
	// KeyAmbiguous marks a span whose end callback (or HTTP call, or agent event) could have
	// been a concurrent sibling's, started on the same context: its parent is right, its end
	// time may be the sibling's, and it carries no outputs, usage or error, which could be.
	// Wrap the concurrent component to make it exact.
	KeyAmbiguous = "agentlens.langchaingo.ambiguous"
	// KeyInferredEnd marks a span that langchaingo never ended (an LLM or tool that failed or
	// returned early without its end callback): it ended when its parent moved on.
	KeyInferredEnd = "agentlens.langchaingo.inferred_end"
)

// Event names on AGENT spans, as MLflow's LangChain tracer names them.
const (
	AgentActionEvent = "agent_action"
	AgentFinishEvent = "agent_finish"
)

type config struct {
	captureContent *bool // nil: the SDK's setting
}

// Option configures the handler, the wrappers and Autolog.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithCaptureContent turns the recording of prompts, messages, documents, tool inputs and
// outputs on or off for these spans (default: the SDK's setting, AGENTLENS_CAPTURE_CONTENT;
// it cannot turn on what the SDK turned off).
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
