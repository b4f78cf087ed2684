// Package tracetest helps users' tests assert what agentlens traced: it routes traces to
// memory for the duration of a test and renders them as compact, deterministic trees.
//
//	func TestPipeline(t *testing.T) {
//		rec := tracetest.Capture(t)
//		runPipeline(context.Background())
//		want := "CHAIN pipeline OK\n" +
//			"  RETRIEVER retrieve OK\n" +
//			"  CHAT_MODEL generate OK\n"
//		if got := tracetest.Tree(rec.LastTrace()); got != want {
//			t.Errorf("trace tree:\n%s\nwant:\n%s", got, want)
//		}
//	}
//
// Capture installs the SDK (package core/sdk) for the test, so it works for code that imports
// only the instrumentation API, package core. Tracing configuration is process-wide, so tests that call Capture must not run in parallel
// with each other.
package tracetest
