package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// BootstrapOptions configure percentile bootstrap intervals. Resampling uses
// math/rand/v2's PCG seeded with Seed, so an interval is reproducible.
type BootstrapOptions struct {
	Resamples int     // default 1000
	Level     float64 // default 0.95
	Seed      uint64
}

// DefaultBootstrap is 1,000 resamples, 95%, seed 1.
var DefaultBootstrap = BootstrapOptions{Resamples: 1000, Level: 0.95, Seed: 1}

func (o BootstrapOptions) withDefaults() BootstrapOptions {
	if o.Resamples <= 0 {
		o.Resamples = DefaultBootstrap.Resamples
	}
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = DefaultBootstrap.Level
	}
	return o
}

func (o BootstrapOptions) rng() *rand.Rand {
	return rand.New(rand.NewPCG(o.Seed, 0x6f63636265e6368)) // second word: "occbench"
}

// Interval is an estimate with its percentile bootstrap interval.
type Interval struct {
	Estimate  float64
	Lo, Hi    float64
	Level     float64
	Resamples int
	N         int
	Warnings  []string
}

// quantile is numpy's default (linear) percentile of sorted xs at q ∈ [0,1].
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := q * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

func (o BootstrapOptions) interval(est float64, n int, stats []float64) Interval {
	slices.Sort(stats)
	a := (1 - o.Level) / 2
	iv := Interval{Estimate: est, Lo: quantile(stats, a), Hi: quantile(stats, 1-a),
		Level: o.Level, Resamples: o.Resamples, N: n}
	if n < 30 {
		iv.Warnings = append(iv.Warnings, fmt.Sprintf("n=%d: a bootstrap interval from fewer than 30 samples is unreliable", n))
	}
	return iv
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return fsum(xs) / float64(len(xs))
}

// BootstrapMean is the mean of xs with a percentile bootstrap interval. An
// empty sample gives NaN everywhere.
func BootstrapMean(xs []float64, o BootstrapOptions) Interval {
	o = o.withDefaults()
	n := len(xs)
	if n == 0 {
		return Interval{Estimate: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), Level: o.Level,
			Resamples: o.Resamples, Warnings: []string{"no samples"}}
	}
	r := o.rng()
	stats := make([]float64, o.Resamples)
	for b := range stats {
		s := 0.0
		for range n {
			s += xs[r.IntN(n)]
		}
		stats[b] = s / float64(n)
	}
	return o.interval(mean(xs), n, stats)
}

// PairedBootstrapDiff is mean(a) − mean(b) over paired samples (the same
// users scored by two runners, e.g. EM as 0/1), with a percentile interval
// from resampling users jointly.
func PairedBootstrapDiff(a, b []float64, o BootstrapOptions) (Interval, error) {
	if len(a) != len(b) {
		return Interval{}, fmt.Errorf("paired bootstrap: %d and %d samples; pairs must align", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	iv := BootstrapMean(d, o)
	if len(a) > 0 {
		iv.Estimate = mean(a) - mean(b)
	}
	return iv, nil
}

// Bools turns correctness flags into 0/1 scores.
func Bools(xs []bool) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		if x {
			out[i] = 1
		}
	}
	return out
}
