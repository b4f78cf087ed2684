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
	// Destinations counts per destination, in the order they were configured (the local
	// store first).
	Destinations []DestinationStats
}

// DestinationStats counts what happened to the traces handed to one destination.
type DestinationStats struct {
	// Name is the destination's Name method, or its Go type.
	Name string
	// Exported counts traces delivered; Failed those whose export failed for good (a
	// permanent error, retries exhausted, or Shutdown's deadline).
	Exported, Failed uint64
	// Retried counts retries: a trace retried three times counts three.
	Retried uint64
	// Dropped counts traces never attempted: the destination's queue was full, or still
	// held them at Shutdown.
	Dropped uint64
	// Queued is how many traces wait in its queue now.
	Queued int
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
		Destinations:   rt.exp.destinationStats(),
	}
}

func (e *exporter) destinationStats() []DestinationStats {
	out := make([]DestinationStats, len(e.sinks))
	for i, s := range e.sinks {
		out[i] = DestinationStats{
			Name:     s.name,
			Exported: s.exported.Load(),
			Failed:   s.failed.Load(),
			Retried:  s.retried.Load(),
			Dropped:  s.dropped.Load(),
			Queued:   len(s.queue),
		}
	}
	return out
}
