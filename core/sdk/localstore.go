//go:build !agentlens_nostore

package sdk

import (
	"context"
	"fmt"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
)

// defaultStorePath is where the local store lives when AGENTLENS_STORE is not set.
const defaultStorePath = "agentlens.db"

// localStore is the local trace store as the runtime uses it.
type localStore = *store.Store

// openLocalStore opens the store cfg names, nil when it is off, and resolves an experiment
// name to its id (creating the experiment).
func openLocalStore(cfg *config) (localStore, error) {
	if cfg.storePath == "" {
		if cfg.experimentName != "" {
			return nil, fmt.Errorf("agentlens: experiment name %q needs the local store, which is off", cfg.experimentName)
		}
		return nil, nil
	}
	st, err := store.Open(cfg.storePath)
	if err != nil {
		return nil, err
	}
	if cfg.experimentName != "" {
		exp, err := st.EnsureExperiment(context.Background(), cfg.experimentName)
		if err != nil {
			st.Close()
			return nil, err
		}
		cfg.experimentID = exp.ID
	}
	return st, nil
}

// readsCompactChunks reports whether d writes compact chunk events as they are (the local
// store does), so that the SDK need not fill in their attribute maps for it.
func readsCompactChunks(d Destination) bool {
	_, ok := d.(*store.Store)
	return ok
}

// ErrNoStore is returned (wrapped) by the store functions when the local store is off.
var ErrNoStore = fmt.Errorf("no local store (AGENTLENS_STORE is off)")

// LocalStore returns the local trace store of the current configuration, or nil when it is
// off. Use it to read traces back (SearchTraces, SetTraceTag, DeleteTraceTag and DeleteTraces
// also reach it, after flushing).
func LocalStore() *store.Store { return current().store }

// flushedStore returns the store of the current configuration, after the traces finished so
// far have reached it.
func flushedStore(ctx context.Context) (*store.Store, error) {
	rt := current()
	if rt.store == nil {
		return nil, fmt.Errorf("agentlens: %w", ErrNoStore)
	}
	if err := rt.exp.flushTo(ctx, func(d Destination) bool { return d == Destination(rt.store) }); err != nil {
		return nil, err
	}
	return rt.store, nil
}

// SearchTraces searches the local store with MLflow's filter grammar; see store.SearchOptions.
// Traces finished before the call are included.
func SearchTraces(ctx context.Context, o store.SearchOptions) (store.SearchResult, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return store.SearchResult{}, err
	}
	return st.SearchTraces(ctx, o)
}

// DeleteTraces deletes traces from the local store, by age or by ids, and returns how many.
func DeleteTraces(ctx context.Context, o store.DeleteOptions) (int, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return 0, err
	}
	return st.DeleteTraces(ctx, o)
}

// SetTraceTag sets a tag of a trace in the local store.
func SetTraceTag(ctx context.Context, traceID, key, value string) error {
	st, err := flushedStore(ctx)
	if err != nil {
		return err
	}
	return st.SetTraceTag(ctx, traceID, key, value)
}

// DeleteTraceTag removes a tag of a trace in the local store.
func DeleteTraceTag(ctx context.Context, traceID, key string) error {
	st, err := flushedStore(ctx)
	if err != nil {
		return err
	}
	return st.DeleteTraceTag(ctx, traceID, key)
}

// LogFeedback logs a feedback on a trace in the local store (see store.Store.LogFeedback);
// the value is capped at the configured AGENTLENS_MAX_PAYLOAD_BYTES when one is set.
func LogFeedback(ctx context.Context, traceID, name string, value any, opts ...store.AssessmentOption) (tracedata.Assessment, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return tracedata.Assessment{}, err
	}
	a, err := st.LogFeedback(ctx, traceID, name, value, capped(opts)...)
	if err == nil {
		forwardLog(a)
	}
	return a, err
}

// forwardLog hands a logged assessment to the destinations that take them.
func forwardLog(a tracedata.Assessment) {
	current().exp.forward("assessment "+a.AssessmentID, func(ctx context.Context, d AssessmentDestination) error {
		return d.LogAssessment(ctx, a)
	})
}

// LogExpectation logs an expectation (ground truth) on a trace in the local store.
func LogExpectation(ctx context.Context, traceID, name string, value any, opts ...store.AssessmentOption) (tracedata.Assessment, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return tracedata.Assessment{}, err
	}
	a, err := st.LogExpectation(ctx, traceID, name, value, capped(opts)...)
	if err == nil {
		forwardLog(a)
	}
	return a, err
}

// GetAssessment reads an assessment of a trace in the local store.
func GetAssessment(ctx context.Context, traceID, assessmentID string) (tracedata.Assessment, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return tracedata.Assessment{}, err
	}
	return st.GetAssessment(ctx, traceID, assessmentID)
}

// UpdateAssessment changes an assessment in the local store; a feedback is overridden by a
// new one, as in MLflow (see store.Store.UpdateAssessment).
func UpdateAssessment(ctx context.Context, traceID, assessmentID string, u store.AssessmentUpdate) (tracedata.Assessment, error) {
	st, err := flushedStore(ctx)
	if err != nil {
		return tracedata.Assessment{}, err
	}
	if u.MaxValueBytes <= 0 {
		u.MaxValueBytes = current().cfg.maxPayloadBytes
	}
	a, err := st.UpdateAssessment(ctx, traceID, assessmentID, u)
	if err == nil {
		if a.AssessmentID != assessmentID {
			forwardLog(a) // a feedback that overrides the old one
		} else {
			// An expectation updated in place: the destination gets it anew.
			current().exp.forward("assessment "+a.AssessmentID, func(ctx context.Context, d AssessmentDestination) error {
				if err := d.DeleteAssessment(ctx, traceID, assessmentID); err != nil {
					return err
				}
				return d.LogAssessment(ctx, a)
			})
		}
	}
	return a, err
}

// DeleteAssessment removes an assessment from the local store.
func DeleteAssessment(ctx context.Context, traceID, assessmentID string) error {
	st, err := flushedStore(ctx)
	if err != nil {
		return err
	}
	if err := st.DeleteAssessment(ctx, traceID, assessmentID); err != nil {
		return err
	}
	current().exp.forward("deletion of assessment "+assessmentID, func(ctx context.Context, d AssessmentDestination) error {
		return d.DeleteAssessment(ctx, traceID, assessmentID)
	})
	return nil
}

// capped puts the configured payload cap first, so that the caller's own WithMaxValueBytes wins.
func capped(opts []store.AssessmentOption) []store.AssessmentOption {
	if n := current().cfg.maxPayloadBytes; n > 0 {
		return append([]store.AssessmentOption{store.WithMaxValueBytes(n)}, opts...)
	}
	return opts
}
