package instrument

import (
	"context"
	"log/slog"
	"sync"

	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/internal/live"
	"github.com/agentlens/agentlens/spantypes"
)

// Tracing reports whether a span started under ctx would record: an SDK is installed,
// tracing is enabled, and ctx is not suppressed (core.Suppress, a trace sampled out).
func Tracing(ctx context.Context) bool {
	return live.HasSDK() && live.Enabled() && !live.Suppressed(ctx)
}

// CaptureContent reports whether the current configuration records inputs, outputs and
// stream chunk values (AGENTLENS_CAPTURE_CONTENT). Adapters check it before copying payloads.
func CaptureContent() bool {
	rt := live.Current()
	return rt != nil && rt.CaptureContent
}

// MaxPayloadBytes returns the configured cap on a recorded attribute value
// (AGENTLENS_MAX_PAYLOAD_BYTES), 0 for none. Adapters use it to bound what they read for a
// span: more than the cap would only be cut.
func MaxPayloadBytes() int {
	if rt := live.Current(); rt != nil && rt.MaxPayloadBytes > 0 {
		return rt.MaxPayloadBytes
	}
	return 0
}

// SetRawInputs records json, a JSON text the caller already holds (a request body), as the
// span's inputs without encoding it again. The caller guarantees it is JSON, or corrects the
// recorded value from an OnExport hook; pretty-printed text is compacted on export. Nothing is
// recorded when content capture is off.
func SetRawInputs(s *core.Span, json string) { rec(s).SetRaw(spantypes.KeySpanInputs, json) }

// SetRawOutputs is SetRawInputs for the span's outputs.
func SetRawOutputs(s *core.Span, json string) { rec(s).SetRaw(spantypes.KeySpanOutputs, json) }

// SetRawAttribute is SetRawInputs for attribute key, recorded whether or not content is
// captured.
func SetRawAttribute(s *core.Span, key, json string) { rec(s).SetRaw(key, json) }

// RecordException records an error known by its type and message rather than as a Go error
// (an API's error body, say): an "exception" event and status ERROR "<type>: <message>".
func RecordException(s *core.Span, typ, message string) { rec(s).RecordException(typ, message) }

// ReportError counts and logs an internal failure of an adapter (a response it could not
// parse, a hook that panicked), and hands it to the SDK's error handler. It never reaches the
// traced code. kind names the failure, "<adapter>: <what failed>" by convention; logging is
// rate-limited per kind, so give distinct failures distinct kinds.
func ReportError(kind string, err error) {
	if err == nil {
		return
	}
	if rt := live.Current(); rt != nil {
		rt.Fail(kind, "%w", err)
	}
}

// WarnWithoutSDK logs, once per caller, that caller (an adapter's Autolog, say) records
// nothing because the program links no agentlens SDK.
func WarnWithoutSDK(caller string) {
	if !live.HasSDK() {
		warnOnce(slog.Default(), caller)
	}
}

func warnOnce(l *slog.Logger, caller string) {
	if _, seen := warned.LoadOrStore(caller, struct{}{}); !seen {
		l.Warn("agentlens: " + caller + " records nothing: no agentlens SDK is linked into this program; " +
			`import "github.com/agentlens/agentlens/core/sdk" in package main`)
	}
}

var warned sync.Map

func rec(s *core.Span) *live.Span { return (*live.Span)(s) }
