package core

import (
	"context"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/live"
	"github.com/agentlens/agentlens/spantypes"
)

// TraceUpdate changes the trace of the active span; see UpdateCurrentTrace.
// Empty fields leave the trace as it is.
type TraceUpdate struct {
	// Tags are merged into the trace's tags; a later update of the same key wins.
	Tags map[string]string
	// Metadata is merged into the trace's metadata; a later update of the same key wins.
	Metadata map[string]string
	// SessionID is recorded as metadata mlflow.trace.session.
	SessionID string
	// User is recorded as metadata mlflow.trace.user.
	User string
	// RequestPreview and ResponsePreview replace the previews computed from the root span.
	RequestPreview  string
	ResponsePreview string
	// ClientRequestID is an id of the application's own for the request.
	ClientRequestID string
	// State overrides the trace state computed from the root span's status.
	State tracedata.State
}

// UpdateCurrentTrace applies u to the trace of the active span of ctx, from any depth of the
// trace. Without an active recording trace it does nothing.
func UpdateCurrentTrace(ctx context.Context, u TraceUpdate) {
	tr := live.FromContext(ctx).Trace()
	if tr == nil {
		return
	}
	up := live.Update{
		Tags:            u.Tags,
		Metadata:        u.Metadata,
		RequestPreview:  u.RequestPreview,
		ResponsePreview: u.ResponsePreview,
		ClientRequestID: u.ClientRequestID,
		State:           u.State,
	}
	if u.SessionID != "" || u.User != "" {
		up.Metadata = make(map[string]string, len(u.Metadata)+2)
		for k, v := range u.Metadata {
			up.Metadata[k] = v
		}
		if u.SessionID != "" {
			up.Metadata[spantypes.MetaSession] = u.SessionID
		}
		if u.User != "" {
			up.Metadata[spantypes.MetaUser] = u.User
		}
	}
	if !tr.Apply(up) {
		tr.Runtime().Fail("late-trace-update", "UpdateCurrentTrace on trace %s after it ended; ignored", tr.ID())
	}
}
