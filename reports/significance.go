package reports

import (
	"fmt"
	"strconv"

	"github.com/occbench/occbench/metrics"
)

// Correction is the multiple-comparison correction over a family of tests.
type Correction string

const (
	Bonferroni Correction = "bonferroni"
	Holm       Correction = "holm"
)

// ParseCorrection reads a --correction value.
func ParseCorrection(s string) (Correction, error) {
	switch Correction(s) {
	case Bonferroni, Holm:
		return Correction(s), nil
	}
	return "", fmt.Errorf("correction %q: want bonferroni or holm", s)
}

// ParseMethod reads a --method value for McNemar's test.
func ParseMethod(s string) (metrics.McNemarMethod, error) {
	switch s {
	case "exact":
		return metrics.McNemarExact, nil
	case "chi2":
		return metrics.McNemarChi2, nil
	case "chi2-corrected", "chi2_corrected", "corrected":
		return metrics.McNemarChi2Corrected, nil
	}
	return 0, fmt.Errorf("method %q: want exact, chi2 or chi2-corrected", s)
}

// Significance are the settings of every significance statement.
type Significance struct {
	Method     metrics.McNemarMethod
	Correction Correction
	Alpha      float64
}

// DefaultSignificance is the paper's test: McNemar (exact here, as
// statsmodels' default) with Bonferroni at 0.05.
var DefaultSignificance = Significance{Method: metrics.McNemarExact, Correction: Bonferroni, Alpha: 0.05}

func (s Significance) withDefaults() Significance {
	if s.Correction == "" {
		s.Correction = DefaultSignificance.Correction
	}
	if s.Alpha <= 0 || s.Alpha >= 1 {
		s.Alpha = DefaultSignificance.Alpha
	}
	return s
}

// describe says in words how tests were made, for table notes.
func (s Significance) describe(m int) string {
	meth := "McNemar's exact two-sided binomial test"
	switch s.Method {
	case metrics.McNemarChi2:
		meth = "McNemar's χ² test without continuity correction"
	case metrics.McNemarChi2Corrected:
		meth = "McNemar's χ² test with continuity correction"
	}
	corr := "Bonferroni"
	if s.Correction == Holm {
		corr = "Holm"
	}
	return fmt.Sprintf("%s on exact match, %s over a family of m = %d, α = %s", meth, corr, m, strconv.FormatFloat(s.Alpha, 'g', -1, 64))
}

// Test is McNemar's test of two systems on exact match over the same
// users: B counts users only First got right, C users only Second got right.
type Test struct {
	First, Second string
	N             int
	metrics.McNemarResult
}

// Significant reports whether the adjusted p-value is below alpha.
func (t Test) Significant(alpha float64) bool { return t.PAdj < alpha }

// testFamily runs McNemar's test on each pair and adjusts the p-values over
// the family of all of them.
func testFamily(pairs [][2]*System, s Significance) ([]Test, error) {
	return testFamilyOn(pairs, s, func(s *System) []bool { return s.Outcomes.EM })
}

// testFamilyOn is testFamily on the per-user exact matches em gives each
// system (EM@h of a path run).
func testFamilyOn(pairs [][2]*System, s Significance, em func(*System) []bool) ([]Test, error) {
	m := len(pairs)
	out := make([]Test, m)
	ps := make([]float64, m)
	for i, p := range pairs {
		a, b0 := em(p[0]), em(p[1])
		b, c, err := metrics.McNemarCounts(a, b0)
		if err != nil {
			return nil, err
		}
		r, err := metrics.McNemar(b, c, s.Method, m)
		if err != nil {
			return nil, err
		}
		out[i] = Test{First: p[0].Name, Second: p[1].Name, N: len(a), McNemarResult: r}
		ps[i] = r.P
	}
	if s.Correction == Holm {
		for i, q := range metrics.Holm(ps, m) {
			out[i].PAdj = q
		}
	}
	return out, nil
}

// allPairs lists every unordered pair of systems in display order.
func allPairs(ss []*System) [][2]*System {
	var out [][2]*System
	for i := range ss {
		for j := i + 1; j < len(ss); j++ {
			out = append(out, [2]*System{ss[i], ss[j]})
		}
	}
	return out
}
