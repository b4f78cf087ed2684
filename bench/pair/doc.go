// Command pair is agentlens's paired CPU benchmark: what tracing costs the process, measured
// as CPU time, against the same work untraced and against OpenTelemetry's own
// instrumentation, in one run.
//
//	go run ./bench/pair                        # every case, GOMAXPROCS 1 and 2 (about 5 minutes)
//	go run ./bench/pair -cases 'chat|stream'   # the cases whose name matches
//	go run ./bench/pair -quick -procs 1        # a smoke test in seconds; figures meaningless
//	go run ./bench/pair -list                  # the case names
//
// It is not part of go test ./...: only a quick-mode test of two cases runs there.
//
// # What a figure is
//
// Each case is one operation (a go-openai chat call against a loopback server, a manual
// span, an eino graph run, ...) run several ways, its arms: untraced, traced by agentlens,
// traced by OpenTelemetry (otelhttp, or bare SDK spans, with a batch span processor), and
// for the go-openai call also with tracing turned off (sdk.Disable) and with the local store.
// An arm runs in batches. Every batch starts afresh: a new *http.Transport (so a new
// connection, opened by a warm-up call that is not measured), a new tracing configuration,
// the warm-up's trace drained, a garbage collection. Then the process's CPU time (user and
// system, getrusage) and heap counters (runtime.MemStats) are read around the batch's
// operations and the drain of the pipeline they fed (sdk.Flush, or the OTel provider's
// ForceFlush): the caller's work, the export goroutine's and the loopback server's, which is
// the same for every arm.
//
// Garbage collection is off during a batch and charged by a model: a collection right after
// the batch is timed, and the batch pays the fraction of it that its bytes are of the
// headroom GOGC=100 leaves above the live heap (the GC µs/op column). Left to itself, a
// batch of a few megabytes has one collection cycle or none depending on its size rather
// than on what it allocates, and a median picks one or the other.
//
// Traces go to a destination that counts them and keeps nothing, so that a store is not in
// the figure (except in the local-store arms, which write a fresh store file each batch).
// Every batch checks that its pipeline delivered one trace (or span) per operation and
// dropped nothing: a figure bought by dropping fails the run.
//
// # Load
//
// The machines this runs on are shared, and other programs only ever add CPU time to a
// batch (a busy sibling hyperthread, evicted caches). So the batches are short (about 15 ms
// of CPU each, the operation count calibrated per arm), many (80 rounds), and interleaved: a
// round runs one batch of every arm, in a fresh random order. The table gives two ratios to
// the untraced arm: that of the arms' 10th-percentile batches (the least disturbed), and
// the median of the per-round ratios with its interquartile range. An A/A arm (untraced
// against untraced) shows the noise floor of both; the load average is printed with each
// table. -raw writes every batch's figures to a CSV file.
package main
