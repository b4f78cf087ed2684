package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// writeTable prints one GOMAXPROCS setting's results as a Markdown table: per arm the median
// CPU time per operation, the median of the per-round ratios to the untraced arm with their
// interquartile range, the CPU time added, the median per-round ratio to the baseline arm,
// and the median allocations and bytes per operation.
func writeTable(w io.Writer, results []caseResult) {
	fmt.Fprintln(w, "| case | variant | CPU µs/op | × untraced (p25–p75) | +µs/op | × baseline | allocs/op | KB/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		ref := r.samples[0]
		refCPU := median(field(ref, cpuOf))
		base := -1
		for i, a := range r.c.arms {
			if a.name == r.c.baseline {
				base = i
			}
		}
		for i, a := range r.c.arms {
			ss := r.samples[i]
			cpu := median(field(ss, cpuOf))
			caseName := ""
			if i == 0 {
				caseName = fmt.Sprintf("%s (%d %ss a batch)", r.c.name, r.ops, r.c.unit)
			}
			vsUntraced, added, vsBase := "", "", ""
			if i > 0 {
				rs := ratios(ss, ref)
				vsUntraced = fmt.Sprintf("%s (%s–%s)", ratio(median(rs)), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)))
				added = fmt.Sprintf("%+.1f", (cpu-refCPU)/1e3)
			}
			if base >= 0 && i != base && i != 0 {
				vsBase = ratio(median(ratios(ss, r.samples[base])))
			}
			fmt.Fprintf(w, "| %s | %s | %.1f | %s | %s | %s | %.0f | %.1f |\n", caseName, a.name, cpu/1e3,
				vsUntraced, added, vsBase, median(field(ss, allocsOf)), median(field(ss, bytesOf))/1024)
		}
	}
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
			fmt.Fprintf(w, "A/A %s: median %s, p25–p75 %s–%s, p10–p90 %s–%s, %d rounds\n", r.c.name,
				ratio(median(rs)), ratio(quantile(rs, 0.25)), ratio(quantile(rs, 0.75)),
				ratio(quantile(rs, 0.1)), ratio(quantile(rs, 0.9)), len(rs))
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
func bytesOf(s sample) float64  { return s.bytes }
