package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// lowQ is the quantile of the "p10" CPU figure: other programs on the machine only ever add
// CPU time to a batch (a busy sibling hyperthread, evicted caches), so the fastest tenth of
// an arm's batches show about what an idle machine would.
const lowQ = 0.1

// writeTable prints one GOMAXPROCS setting's results as a Markdown table. Per arm: the
// operations of each batch; the median CPU time per operation and its lowQ quantile; the
// median of the per-round ratios to the untraced arm (the batches of a round ran one
// after the other, under about the same load) with a 95% bootstrap confidence interval;
// the median of the per-round differences; the median per-round ratio to the baseline arm;
// the median garbage-collection share, allocations and bytes per operation.
func writeTable(w io.Writer, results []caseResult) {
	fmt.Fprintln(w, "| case | variant | ops/batch | CPU µs/op median (p10) | × untraced [95% CI] | +µs/op | × baseline [95% CI] | GC µs/op | allocs/op | KB/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		ref := r.samples[0]
		base := -1
		for i, a := range r.c.arms {
			if a.name == r.c.baseline {
				base = i
			}
		}
		for i, a := range r.c.arms {
			ss := r.samples[i]
			cpus := field(ss, cpuOf)
			caseName := ""
			if i == 0 {
				caseName = fmt.Sprintf("%s (µs a %s)", r.c.name, r.c.unit)
			}
			vsUntraced, added, vsBase := "", "", ""
			if i > 0 {
				vsUntraced = withCI(ratios(ss, ref))
				if r.c.bareUntraced {
					vsUntraced = "—"
				}
				added = fmt.Sprintf("%+.1f", median(differences(ss, ref))/1e3)
			}
			if base >= 0 && i != base && i != 0 {
				vsBase = withCI(ratios(ss, r.samples[base]))
			}
			fmt.Fprintf(w, "| %s | %s | %d | %s (%s) | %s | %s | %s | %s | %.0f | %.1f |\n", caseName, a.name, r.ops[i],
				micros(median(cpus)), micros(quantile(cpus, lowQ)), vsUntraced, added, vsBase,
				micros(median(field(ss, gcOf))), median(field(ss, allocsOf)), median(field(ss, bytesOf))/1024)
		}
	}
}

// withCI is the median of rs and its 95% confidence interval.
func withCI(rs []float64) string {
	lo, hi := medianCI(rs)
	return fmt.Sprintf("%s [%s–%s]", ratio(median(rs)), ratio(lo), ratio(hi))
}

func micros(ns float64) string {
	if ns < 10e3 {
		return fmt.Sprintf("%.2f", ns/1e3)
	}
	return fmt.Sprintf("%.1f", ns/1e3)
}

// writeNoise prints the A/A rows: an untraced arm against the untraced arm, the spread the
// machine gives two identical batches.
func writeNoise(w io.Writer, results []caseResult) {
	for _, r := range results {
		for i, a := range r.c.arms {
			if i == 0 || !strings.HasSuffix(a.name, "(A/A)") {
				continue
			}
			rs := ratios(r.samples[i], r.samples[0])
			fmt.Fprintf(w, "A/A %s, %d rounds: median of paired ratios %s; the ratios' p25–p75 %s–%s, p10–p90 %s–%s\n",
				r.c.name, len(rs), withCI(rs), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)),
				ratio(quantile(rs, 0.1)), ratio(quantile(rs, 0.9)))
		}
	}
}

func ratio(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	if x >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

func cpuOf(s sample) float64    { return s.cpu }
func allocsOf(s sample) float64 { return s.allocs }
func gcOf(s sample) float64     { return s.gc }
func bytesOf(s sample) float64  { return s.bytes }

// writeRaw writes r's samples as CSV rows.
func writeRaw(w io.Writer, procs int, r caseResult) {
	for i, a := range r.c.arms {
		for round, s := range r.samples[i] {
			fmt.Fprintf(w, "%d,%q,%q,%d,%d,%.0f,%.0f,%.1f,%.0f,%d\n", procs, r.c.name, a.name, round, r.ops[i], s.cpu, s.gc, s.allocs, s.bytes, s.after)
		}
	}
}
