// Command pair is agentlens's paired CPU benchmark: what tracing costs the process, measured
// as CPU time, against the same work untraced and against OpenTelemetry's own
// instrumentation, in one run.
//
//	go run ./bench/pair                        # every case, GOMAXPROCS 1 and 2 (4 to 7 minutes on 2 cores)
//	go run ./bench/pair -cases 'chat|stream'   # the cases whose name matches
//	go run ./bench/pair -quick -procs 1        # a smoke test in seconds; figures meaningless
//	go run ./bench/pair -list                  # the case names
//	go run ./bench/pair -raw runs.csv          # also every batch's figures, as CSV
//	go run ./bench/pair -table runs.csv        # the tables of such a file, printed again
//
// -rounds, -batch (CPU time a batch), -procs (GOMAXPROCS settings) and -seed (of the batch
// order) change the run.
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
// The machines this runs on are shared, and other programs change what a CPU second buys (a
// busy sibling hyperthread, evicted caches). So the batches are short (about 15 ms of CPU
// each, the operation count calibrated per arm), many (80 rounds), and interleaved: a round
// runs one batch of every arm, in a fresh random order, each after a short idle pause that
// lets the previous batch's leftovers (finalizers, closing goroutines) finish outside it.
// Ratios are medians of the per-round ratios (two batches of a round ran within about a
// second of each other), with a 95% bootstrap confidence interval; an A/A arm (untraced
// against untraced) shows the noise floor, and the load average is printed with each table.
// The CPU column also gives each arm's 10th-percentile batch, about what an idle machine
// would show. -raw writes every batch's figures to a CSV file, and -table prints the tables
// of such a file again.
package main
