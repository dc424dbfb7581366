package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"

	"gonum.org/v1/gonum/mathext"
)

// McNemarMethod selects the test statistic and its reference distribution,
// as statsmodels.stats.contingency_tables.mcnemar(exact, correction) does.
type McNemarMethod int

const (
	// McNemarExact is the two-sided binomial test on the discordant pairs
	// (statsmodels' default): statistic min(b, c),
	// p = min(1, 2·BinomCDF(min(b, c); b+c, ½)).
	McNemarExact McNemarMethod = iota
	// McNemarChi2 is (b−c)²/(b+c) against χ²(1) (exact=False,
	// correction=False).
	McNemarChi2
	// McNemarChi2Corrected is (|b−c|−1)²/(b+c) against χ²(1), not floored at
	// zero (exact=False, correction=True).
	McNemarChi2Corrected
)

func (m McNemarMethod) String() string {
	switch m {
	case McNemarChi2:
		return "chi2"
	case McNemarChi2Corrected:
		return "chi2_corrected"
	}
	return "exact"
}

// McNemarResult is one test with its multiple-comparison adjustment.
type McNemarResult struct {
	Method    McNemarMethod
	B, C      int     // discordant pairs: only the first right, only the second right
	Statistic float64 // min(b, c) for the exact test; NaN or +Inf at b+c = 0 (see McNemar)
	P         float64
	PAdj      float64 // Bonferroni over a family of M tests
	M         int
	Warnings  []string
}

// McNemar tests b against c. At b = c = 0 it returns what statsmodels
// returns: the exact test gives statistic 0 and p 1; the uncorrected χ²
// divides 0 by 0 (statistic and p NaN); the corrected χ² divides 1 by 0
// (statistic +Inf, p 0). A warning says the test is uninformative. m is the
// Bonferroni family size; values below 1 mean 1.
func McNemar(b, c int, method McNemarMethod, m int) (McNemarResult, error) {
	if b < 0 || c < 0 {
		return McNemarResult{}, fmt.Errorf("mcnemar: counts must be non-negative, got b=%d c=%d", b, c)
	}
	if m < 1 {
		m = 1
	}
	r := McNemarResult{Method: method, B: b, C: c, M: m}
	n := b + c
	switch method {
	case McNemarExact:
		k := min(b, c)
		r.Statistic = float64(k)
		r.P = math.Min(1, 2*binomHalfCDF(k, n))
	case McNemarChi2, McNemarChi2Corrected:
		d := float64(b - c)
		if d < 0 {
			d = -d
		}
		if method == McNemarChi2Corrected {
			d--
		}
		// float division as numpy does it: 0/0 is NaN, 1/0 is +Inf.
		num, den := d*d, float64(n)
		r.Statistic = divIEEE(num, den)
		r.P = chi2SF1(r.Statistic)
		if n > 0 && n < 25 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("b+c=%d < 25: the chi-square approximation is poor; prefer the exact test", n))
		}
	default:
		return McNemarResult{}, fmt.Errorf("mcnemar: unknown method %d", method)
	}
	if n == 0 {
		r.Warnings = append(r.Warnings, "b+c=0: no discordant pairs, the test is uninformative")
	}
	r.PAdj = Bonferroni(r.P, m)
	return r, nil
}

// divIEEE divides with IEEE semantics even for a zero divisor.
func divIEEE(a, b float64) float64 {
	if b == 0 {
		switch {
		case a == 0 || math.IsNaN(a):
			return math.NaN()
		case a > 0:
			return math.Inf(1)
		default:
			return math.Inf(-1)
		}
	}
	return a / b
}

// chi2SF1 is the χ² survival function with one degree of freedom,
// P(X > x) = erfc(√(x/2)); NaN stays NaN, +Inf gives 0.
func chi2SF1(x float64) float64 {
	if math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	return math.Erfc(math.Sqrt(x / 2))
}

// exactBinomLimit bounds b+c for the exact big-integer binomial sum; above
// it the regularized incomplete beta function takes over.
const exactBinomLimit = 20000

// binomHalfCDF is P(X ≤ k) for X ~ Binomial(n, ½), correctly rounded for
// n ≤ exactBinomLimit: Σ C(n,i) for i ≤ k, divided by 2ⁿ, in exact integer
// arithmetic.
func binomHalfCDF(k, n int) float64 {
	if k < 0 {
		return 0
	}
	if k >= n {
		return 1
	}
	if n > exactBinomLimit {
		return incBetaBinom(k, n)
	}
	sum := big.NewInt(1)
	term := big.NewInt(1)
	tmp := new(big.Int)
	for i := 0; i < k; i++ {
		term.Mul(term, tmp.SetInt64(int64(n-i)))
		term.Quo(term, tmp.SetInt64(int64(i+1)))
		sum.Add(sum, term)
	}
	den := new(big.Int).Lsh(big.NewInt(1), uint(n))
	f, _ := new(big.Rat).SetFrac(sum, den).Float64()
	return f
}

// incBetaBinom is P(X ≤ k) = I_{1/2}(n−k, k+1), accurate to about 1e-13
// relative where the exact sum would be slow.
func incBetaBinom(k, n int) float64 {
	return mathext.RegIncBeta(float64(n-k), float64(k+1), 0.5)
}

// McNemarCounts returns b and c for paired correctness: b counts samples
// only a got right, c those only b got right.
func McNemarCounts(a, b []bool) (int, int, error) {
	if len(a) != len(b) {
		return 0, 0, fmt.Errorf("mcnemar: %d and %d samples; pairs must align", len(a), len(b))
	}
	nb, nc := 0, 0
	for i := range a {
		switch {
		case a[i] && !b[i]:
			nb++
		case !a[i] && b[i]:
			nc++
		}
	}
	return nb, nc, nil
}

// McNemarTests are McNemar's test by each method on one pair of counts,
// each Bonferroni-adjusted for a family of M.
type McNemarTests struct {
	B, C, M                    int
	Exact, Chi2, Chi2Corrected McNemarResult
}

// McNemarAll runs the exact test and both χ² tests on b and c.
func McNemarAll(b, c, m int) (McNemarTests, error) {
	t := McNemarTests{B: b, C: c, M: m}
	for _, x := range []struct {
		method McNemarMethod
		dst    *McNemarResult
	}{{McNemarExact, &t.Exact}, {McNemarChi2, &t.Chi2}, {McNemarChi2Corrected, &t.Chi2Corrected}} {
		r, err := McNemar(b, c, x.method, m)
		if err != nil {
			return t, err
		}
		*x.dst = r
	}
	return t, nil
}

// Warnings are the tests' warnings, each once, with the method that gave
// it first.
func (t McNemarTests) Warnings() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range []McNemarResult{t.Exact, t.Chi2, t.Chi2Corrected} {
		for _, w := range r.Warnings {
			if !seen[w] {
				seen[w] = true
				out = append(out, fmt.Sprintf("%s (%s)", w, r.Method))
			}
		}
	}
	return out
}

// mcnemarJSON is one test as `occbench stats mcnemar` prints it.
type mcnemarJSON struct {
	Statistic Number `json:"statistic"`
	P         Number `json:"p"`
	PAdj      Number `json:"p_adjusted"`
}

// MarshalJSON writes {"b", "c", "m", "exact", "chi2", "chi2_corrected"},
// each test {"statistic", "p", "p_adjusted"}; undefined values are null.
func (t McNemarTests) MarshalJSON() ([]byte, error) {
	js := func(r McNemarResult) mcnemarJSON { return mcnemarJSON{Num(r.Statistic), Num(r.P), Num(r.PAdj)} }
	return json.Marshal(struct {
		B             int         `json:"b"`
		C             int         `json:"c"`
		M             int         `json:"m"`
		Exact         mcnemarJSON `json:"exact"`
		Chi2          mcnemarJSON `json:"chi2"`
		Chi2Corrected mcnemarJSON `json:"chi2_corrected"`
	}{t.B, t.C, t.M, js(t.Exact), js(t.Chi2), js(t.Chi2Corrected)})
}
