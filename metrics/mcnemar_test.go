package metrics

import (
	"math"
	"testing"
)

func relNear(t *testing.T, what string, got, want, rtol float64) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) {
			t.Errorf("%s = %g, want NaN", what, got)
		}
		return
	}
	if math.IsInf(want, 0) {
		if got != want {
			t.Errorf("%s = %g, want %g", what, got, want)
		}
		return
	}
	if math.Abs(got-want) > rtol*math.Abs(want) {
		t.Errorf("%s = %.15g, want %.15g (rtol %g)", what, got, want, rtol)
	}
}

// Expected values from statsmodels' tests:
// statsmodels/stats/tests/test_nonparametric.py (test_mcnemar_exact: the
// Vassar College online calculator to 6 decimals; test_mcnemar_chisquare: R's
// mcnemar.test, rtol 1e-6) and test_contingency_tables.py (test_mcnemar on
// table [[23, 15], [19, 31]], against results/contingency_table_r_results.csv).
func TestMcNemarStatsmodels(t *testing.T) {
	for _, c := range []struct {
		b, c              int
		exactStat, exactP float64
		exactDec          int // decimals of assert_almost_equal
	}{
		{121, 59, 59, 0.000004, 6},
		{70, 59, 59, 0.378688, 6},
		{80, 59, 59, 0.089452, 6},
		{30, 60, 30, 0.00206, 6},
		{10, 30, 10, 0.002221, 6},
		{10, 10, 10, 1.0, 6},
	} {
		r, err := McNemar(c.b, c.c, McNemarExact, 1)
		if err != nil {
			t.Fatal(err)
		}
		if r.Statistic != c.exactStat {
			t.Errorf("exact b=%d c=%d: statistic %g, want %g", c.b, c.c, r.Statistic, c.exactStat)
		}
		near(t, "exact p", r.P, c.exactP, c.exactDec)
	}
	for _, c := range []struct {
		b, c               int
		stat, p, statC, pC float64 // uncorrected, corrected
	}{
		{121, 59, 2.135556e01, 3.815136e-06, 2.067222e01, 5.450095e-06},
		{70, 59, 0.9379845, 0.3327967, 0.7751938, 0.3786151},
		{80, 59, 3.17266187, 0.07488031, 2.87769784, 0.08981434},
	} {
		r, _ := McNemar(c.b, c.c, McNemarChi2, 1)
		relNear(t, "chi2 statistic", r.Statistic, c.stat, 1e-6)
		relNear(t, "chi2 p", r.P, c.p, 1e-6)
		r, _ = McNemar(c.b, c.c, McNemarChi2Corrected, 1)
		relNear(t, "chi2 corrected statistic", r.Statistic, c.statC, 1e-6)
		relNear(t, "chi2 corrected p", r.P, c.pC, 1e-6)
	}
	// tables[0] = [[23, 15], [19, 31]]: R's homogeneity statistic, the
	// continuity-corrected p and the binomial p (allclose, rtol 1e-7), and
	// Bowker's symmetry p, which for 2x2 is the uncorrected McNemar p.
	r, _ := McNemar(15, 19, McNemarChi2, 1)
	relNear(t, "homog_stat", r.Statistic, 0.470588235294118, 1e-7)
	relNear(t, "bowker_pvalue", r.P, 0.492716677227088, 1e-7)
	r, _ = McNemar(15, 19, McNemarChi2Corrected, 1)
	relNear(t, "homog_cont_p", r.P, 0.606905427217951, 1e-7)
	r, _ = McNemar(15, 19, McNemarExact, 1)
	relNear(t, "homog_binom_p", r.P, 0.60759136127308, 1e-7)
}

// TestMcNemarEdges pins statsmodels' behaviour where b+c is 0 or small:
// numpy divides 0/0 to NaN and 1/0 to +Inf, chi2.sf(NaN) is NaN and
// chi2.sf(Inf) is 0, and binom.cdf(0, 0, .5) is 1. The corrected statistic
// is not floored: |b−c| = 0 gives 1/(b+c).
func TestMcNemarEdges(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		b, c   int
		method McNemarMethod
		stat   float64
		p      float64
	}{
		{0, 0, McNemarExact, 0, 1},
		{0, 0, McNemarChi2, nan, nan},
		{0, 0, McNemarChi2Corrected, inf, 0},
		{1, 0, McNemarExact, 0, 1},
		{1, 0, McNemarChi2, 1, 0.31731050786291415},
		{1, 0, McNemarChi2Corrected, 0, 1},
		{3, 3, McNemarChi2Corrected, 1. / 6, 0.6830913983096086},
		{5, 0, McNemarExact, 0, 0.0625},
	} {
		r, err := McNemar(c.b, c.c, c.method, 1)
		if err != nil {
			t.Fatal(err)
		}
		relNear(t, c.method.String()+" statistic", r.Statistic, c.stat, 1e-12)
		relNear(t, c.method.String()+" p", r.P, c.p, 1e-12)
	}
	if _, err := McNemar(-1, 2, McNemarExact, 1); err == nil {
		t.Error("negative count accepted")
	}
	r, _ := McNemar(0, 0, McNemarExact, 1)
	if len(r.Warnings) == 0 {
		t.Error("b+c=0 without a warning")
	}
}

// TestBinomHalfCDF compares the exact big-integer sum with the incomplete
// beta function used above exactBinomLimit, and with closed forms.
func TestBinomHalfCDF(t *testing.T) {
	relNear(t, "P(X≤0; 10)", binomHalfCDF(0, 10), 1.0/1024, 1e-15)
	relNear(t, "P(X≤5; 10)", binomHalfCDF(5, 10), 638.0/1024, 1e-15)
	for _, c := range [][2]int{{3, 40}, {480, 1000}, {100, 1000}, {9000, 20000}} {
		k, n := c[0], c[1]
		exact := binomHalfCDF(k, n)
		beta := incBetaBinom(k, n)
		relNear(t, "exact vs incomplete beta", beta, exact, 1e-9)
	}
}

func TestBonferroniHolm(t *testing.T) {
	// statsmodels/stats/tests/test_multi.py: pval0 (sorted) with the
	// Bonferroni and Holm columns of res_multtest1 (R's multtest), checked
	// there to 15 decimals.
	raw := []float64{5.2365677720800003e-05, 2.8140506198000000e-04, 1.4987731079600001e-02,
		2.0273268879800001e-02, 1.7709695272300000e-01, 6.4219392379499995e-01,
		6.8084594763299999e-01, 7.1626938238000004e-01, 8.3854136755300002e-01, 9.6783382430900000e-01}
	bonf := []float64{5.2365677720800005e-04, 2.8140506197999998e-03, 1.4987731079600000e-01,
		2.0273268879799999e-01, 1, 1, 1, 1, 1, 1}
	holm := []float64{5.2365677720800005e-04, 2.5326455578199999e-03, 1.1990184863680001e-01,
		1.4191288215860001e-01, 1, 1, 1, 1, 1, 1}
	// Unsorted input, as multipletests receives pval0.
	perm := []int{8, 5, 6, 9, 7, 4, 0, 3, 1, 2}
	in := make([]float64, len(raw))
	for i, j := range perm {
		in[i] = raw[j]
	}
	gotB, gotH := BonferroniAll(in, len(in)), Holm(in, len(in))
	for i, j := range perm {
		near(t, "bonferroni", gotB[i], bonf[j], 15)
		near(t, "holm", gotH[i], holm[j], 15)
	}
	if got := Bonferroni(0.02, 14); got != 0.28 {
		t.Errorf("Bonferroni(0.02, 14) = %g", got)
	}
	if got := Bonferroni(0.2, 14); got != 1 {
		t.Errorf("Bonferroni caps at 1, got %g", got)
	}
	// Holm's running maximum keeps the adjusted values monotone.
	h := Holm([]float64{0.01, 0.04, 0.03, 0.005}, 4)
	want := []float64{0.03, 0.06, 0.06, 0.02}
	for i := range h {
		near(t, "holm monotone", h[i], want[i], 15)
	}
}
