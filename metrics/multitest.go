package metrics

import (
	"math"
	"sort"
)

// Bonferroni is statsmodels' multipletests(method="bonferroni") for one
// p-value in a family of m tests: min(1, p·m). NaN stays NaN.
func Bonferroni(p float64, m int) float64 {
	if m < 1 {
		m = 1
	}
	q := p * float64(m)
	if q > 1 {
		return 1
	}
	return q
}

// BonferroniAll adjusts every p-value for a family of m tests; m below
// len(ps) means len(ps), because the family contains at least these tests.
func BonferroniAll(ps []float64, m int) []float64 {
	m = max(m, len(ps))
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = Bonferroni(p, m)
	}
	return out
}

// Holm is statsmodels' multipletests(method="holm") with an explicit family
// size m ≥ len(ps) (tests outside ps are taken to have p = 1, which cannot
// lower any adjusted value): sort ascending, multiply the i-th smallest by
// m−i, take the running maximum, cap at 1, and return in input order. NaN
// p-values are left NaN and excluded from the step-down.
func Holm(ps []float64, m int) []float64 {
	out := make([]float64, len(ps))
	idx := make([]int, 0, len(ps))
	for i, p := range ps {
		if math.IsNaN(p) {
			out[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	m = max(m, len(ps))
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	run := 0.0
	for rank, i := range idx {
		q := ps[i] * float64(m-rank)
		run = math.Max(run, q)
		out[i] = math.Min(run, 1)
	}
	return out
}
