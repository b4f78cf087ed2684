package sdk

// Stats counts what the export pipeline did since tracing was last configured.
type Stats struct {
	// Exported counts traces delivered to a destination, once per destination.
	Exported uint64
	// Dropped counts traces lost without being exported: a full queue, a full destination
	// queue, the open-trace limit, a redaction hook that panicked, or a shut-down pipeline.
	Dropped uint64
	// DroppedSpans counts spans lost from traces that were exported: spans that ended after
	// their trace's root span, or spans beyond the per-trace limit.
	DroppedSpans uint64
	// Failed counts destination exports that returned an error or panicked.
	Failed uint64
	// InternalErrors counts every internal failure, including the ones above.
	InternalErrors uint64
}

// GetStats returns the counters of the current configuration; after Shutdown, until tracing
// is configured again, those of the configuration it shut down.
func GetStats() Stats {
	rt := installed()
	if rt == nil {
		rt = shutDown.Load()
	}
	if rt == nil {
		return Stats{}
	}
	c := &rt.rec.Stats
	return Stats{
		Exported:       c.Exported.Load(),
		Dropped:        c.Dropped.Load(),
		DroppedSpans:   c.DroppedSpans.Load(),
		Failed:         c.Failed.Load(),
		InternalErrors: c.Internal.Load(),
	}
}
