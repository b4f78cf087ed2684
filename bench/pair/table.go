package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// lowQ is the quantile the load-robust columns use. Other programs on the machine only
// ever add CPU time to a batch (a busy sibling hyperthread, evicted caches, preemptions):
// the fastest tenth of an arm's batches are the ones they disturbed least.
const lowQ = 0.1

// writeTable prints one GOMAXPROCS setting's results as a Markdown table. Per arm: the
// operations of each batch; the CPU time per operation, at lowQ and the median; the median
// of the per-round ratios to the untraced arm (the batches of a round ran one after the
// other) with their interquartile range; the ratio of the lowQ figures to the untraced
// arm's and the CPU time that adds; the median per-round ratio to the baseline arm; the
// median garbage-collection share, allocations and bytes per operation.
func writeTable(w io.Writer, results []caseResult) {
	fmt.Fprintln(w, "| case | variant | ops/batch | CPU µs/op p10 · median | × untraced, paired median (p25–p75) | × untraced (p10) | +µs/op (p10) | × baseline, paired median | GC µs/op | allocs/op | KB/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		ref := r.samples[0]
		refLow := quantile(field(ref, cpuOf), lowQ)
		base := -1
		for i, a := range r.c.arms {
			if a.name == r.c.baseline {
				base = i
			}
		}
		for i, a := range r.c.arms {
			ss := r.samples[i]
			cpus := field(ss, cpuOf)
			low := quantile(cpus, lowQ)
			caseName := ""
			if i == 0 {
				caseName = fmt.Sprintf("%s (µs a %s)", r.c.name, r.c.unit)
			}
			paired, lowRatio, added, vsBase := "", "", "", ""
			if i > 0 {
				rs := ratios(ss, ref)
				paired = fmt.Sprintf("%s (%s–%s)", ratio(median(rs)), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)))
				lowRatio = ratio(low / refLow)
				if r.c.bareUntraced {
					paired, lowRatio = "—", "—"
				}
				added = fmt.Sprintf("%+.1f", (low-refLow)/1e3)
			}
			if base >= 0 && i != base && i != 0 {
				rs := ratios(ss, r.samples[base])
				vsBase = fmt.Sprintf("%s (%s–%s)", ratio(median(rs)), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)))
			}
			fmt.Fprintf(w, "| %s | %s | %d | %s · %s | %s | %s | %s | %s | %s | %.0f | %.1f |\n", caseName, a.name, r.ops[i],
				micros(low), micros(median(cpus)), paired, lowRatio, added, vsBase, micros(median(field(ss, gcOf))),
				median(field(ss, allocsOf)), median(field(ss, bytesOf))/1024)
		}
	}
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
			a, b := field(r.samples[i], cpuOf), field(r.samples[0], cpuOf)
			fmt.Fprintf(w, "A/A %s, %d rounds: p10 ratio %s (p25 ratio %s, medians ratio %s); paired ratios median %s, p25–p75 %s–%s, p10–p90 %s–%s\n",
				r.c.name, len(rs), ratio(quantile(a, lowQ)/quantile(b, lowQ)), ratio(quantile(a, 0.25)/quantile(b, 0.25)),
				ratio(median(a)/median(b)), ratio(median(rs)), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)),
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
			fmt.Fprintf(w, "%d,%q,%q,%d,%d,%.0f,%.0f,%.1f,%.0f\n", procs, r.c.name, a.name, round, r.ops[i], s.cpu, s.gc, s.allocs, s.bytes)
		}
	}
}
