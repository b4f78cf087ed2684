package main

import (
	"math"
	"math/rand/v2"
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

// differences are the per-round differences of a's CPU and b's.
func differences(a, b []sample) []float64 {
	out := make([]float64, 0, len(a))
	for i := range min(len(a), len(b)) {
		out = append(out, a[i].cpu-b[i].cpu)
	}
	return out
}

// medianCI is a 95% bootstrap confidence interval of the median of xs: the rounds resampled
// with replacement, by a generator of fixed seed so that a table can be printed again.
func medianCI(xs []float64) (lo, hi float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	const resamples = 1000
	rng := rand.New(rand.NewPCG(1, 2))
	meds := make([]float64, resamples)
	buf := make([]float64, len(xs))
	for i := range meds {
		for j := range buf {
			buf[j] = xs[rng.IntN(len(xs))]
		}
		meds[i] = median(buf)
	}
	return quantile(meds, 0.025), quantile(meds, 0.975)
}
