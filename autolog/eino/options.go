package eino

import "github.com/agentlens/agentlens/autolog"

// ScopeName is the instrumentation scope of this adapter.
const ScopeName = "github.com/agentlens/agentlens/autolog/eino"

// Span types of the components MLflow has no type for. MLflow allows any string as a span
// type; these name what the component does.
const (
	// SpanTypeIndexer is the type of an Indexer's span (documents stored, ids returned).
	SpanTypeIndexer = "INDEXER"
	// SpanTypeLoader is the type of a document Loader's span (a source read into documents).
	SpanTypeLoader = "LOADER"
)

// Handoff keys and event, as autolog/swarm records them, on the AGENT span that hands off,
// on the TOOL span of transfer_to_agent and on the AGENT span that takes over.
const (
	// KeyHandoffSourceName is the name of the agent that handed the conversation off.
	KeyHandoffSourceName = "gen_ai.agent.handoff.source.name"
	// KeyHandoffTargetName is the name of the agent the conversation was handed to.
	KeyHandoffTargetName = "gen_ai.agent.handoff.target.name"
	// HandoffEventName is the event an AGENT span gets when its agent transfers.
	HandoffEventName = "handoff"
)

type config struct {
	captureContent *bool // nil: the SDK's setting
}

// Option configures NewHandler and Autolog.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithCaptureContent turns the recording of messages, documents, tool arguments and other
// payloads on or off for these spans (default: the SDK's setting, AGENTLENS_CAPTURE_CONTENT;
// it cannot turn on what the SDK turned off).
func WithCaptureContent(on bool) Option {
	return optionFunc(func(c *config) { c.captureContent = &on })
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
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
