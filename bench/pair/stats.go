package main

import (
	"math"
	"slices"
)

// quantile is the q-quantile of xs (linear interpolation between order statistics), NaN
// for none.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

// ratios are the per-round ratios of a's CPU to b's: the two batches of a round ran
// minutes apart at most, under the same load.
func ratios(a, b []sample) []float64 {
	out := make([]float64, 0, len(a))
	for i := range min(len(a), len(b)) {
		if b[i].cpu > 0 {
			out = append(out, a[i].cpu/b[i].cpu)
		}
	}
	return out
}

func field(ss []sample, f func(sample) float64) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}
