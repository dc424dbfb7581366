package metrics

import (
	"math"
	"os"
	"strings"
	"testing"
)

// Expected values in this file come from rouge-score's own tests
// (github.com/google-research/google-research, rouge/rouge_scorer_test.py)
// and its testdata, copied into testdata/rouge: target.txt and
// prediction.txt (two lines each), pyrouge_files/target_multi.0.txt and
// prediction_multi.0.txt. Those tests compare with ROUGE-1.5.5 to 5 places.

func near(t *testing.T, what string, got, want float64, places int) {
	t.Helper()
	if math.Abs(got-want) > 0.5*math.Pow(10, -float64(places)) {
		t.Errorf("%s = %.10f, want %.*f", what, got, places, want)
	}
}

func nearPRF(t *testing.T, what string, got PRF, p, r, f float64, places int) {
	t.Helper()
	near(t, what+" precision", got.Precision, p, places)
	near(t, what+" recall", got.Recall, r, places)
	near(t, what+" fmeasure", got.FMeasure, f, places)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Python's readlines() keeps the newline.
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestROUGESimple(t *testing.T) {
	score := DefaultROUGE.Score
	// testRouge1
	nearPRF(t, "rouge1", score("testing one two", "testing").Rouge1, 1, 1./3, 1./2, 7)
	// testRougeEmpty: every type is 0 for an empty prediction.
	e := score("testing one two", "")
	for _, p := range []PRF{e.Rouge1, e.Rouge2, e.RougeL, e.RougeLsum} {
		nearPRF(t, "empty", p, 0, 0, 0, 7)
	}
	// testRouge2, testRougeLConsecutive, testMultipleRougeTypes
	s := score("testing one two", "testing one")
	nearPRF(t, "rouge2", s.Rouge2, 1, 1./2, 2./3, 7)
	nearPRF(t, "rougeL consecutive", s.RougeL, 1, 2./3, 4./5, 7)
	nearPRF(t, "rouge1 multiple", s.Rouge1, 1, 2./3, 4./5, 7)
	// testRougeLNonConsecutive
	nearPRF(t, "rougeL non-consecutive", score("testing one two", "testing two").RougeL, 1, 2./3, 4./5, 7)
	// testRougeLsum: union LCS over two prediction sentences.
	ls := score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5").RougeLsum
	nearPRF(t, "rougeLsum", ls, 0.4, 0.8, 0.5333, 3)
	if ls.Recall != 0.8 || ls.Precision != 0.4 { // testSummaryLevelLcs uses assertEqual
		t.Errorf("rougeLsum exact: %v", ls)
	}
	for _, c := range [][2]string{{"w1 w2 w3 w4 w5", ""}, {"", "w1"}, {"w1 w2 w3 w4 w5", "/"}} {
		nearPRF(t, "rougeLsum empty "+c[0]+"|"+c[1], score(c[0], c[1]).RougeLsum, 0, 0, 0, 3)
	}
}

func TestROUGEAgainstROUGE155(t *testing.T) {
	targets := readLines(t, "testdata/rouge/target.txt")
	preds := readLines(t, "testdata/rouge/prediction.txt")
	plain, stem := DefaultROUGE, DefaultROUGE
	stem.Stem = true
	s0, s1 := plain.Score(targets[0], preds[0]), plain.Score(targets[1], preds[1])
	t0, t1 := stem.Score(targets[0], preds[0]), stem.Score(targets[1], preds[1])
	// testRouge1AgainstRouge155(WithStemming)
	nearPRF(t, "rouge1 #0", s0.Rouge1, 0.68750, 0.40741, 0.51163, 5)
	nearPRF(t, "rouge1 #1", s1.Rouge1, 0.65385, 0.40476, 0.50000, 5)
	nearPRF(t, "rouge1 stem #0", t0.Rouge1, 0.68750, 0.40741, 0.51163, 5)
	nearPRF(t, "rouge1 stem #1", t1.Rouge1, 0.69231, 0.42857, 0.52941, 5)
	// testRouge2AgainstRouge155(WithStemming)
	nearPRF(t, "rouge2 #0", s0.Rouge2, 0.53333, 0.30769, 0.39024, 5)
	nearPRF(t, "rouge2 #1", s1.Rouge2, 0.48000, 0.29268, 0.36364, 5)
	nearPRF(t, "rouge2 stem #0", t0.Rouge2, 0.53333, 0.30769, 0.39024, 5)
	nearPRF(t, "rouge2 stem #1", t1.Rouge2, 0.48000, 0.29268, 0.36364, 5)
	// testRougeLAgainstRouge155
	nearPRF(t, "rougeL #0", s0.RougeL, 0.68750, 0.40741, 0.51163, 5)
	nearPRF(t, "rougeL #1", s1.RougeL, 0.65385, 0.40476, 0.50000, 5)

	// testRougeLSumAgainstRouge155WithStemming
	tm, _ := os.ReadFile("testdata/rouge/target_multi.0.txt")
	pm, _ := os.ReadFile("testdata/rouge/prediction_multi.0.txt")
	nearPRF(t, "rougeLsum multi", stem.Score(string(tm), string(pm)).RougeLsum, 0.66667, 0.36538, 0.47205, 5)
}

func TestLCSHelpers(t *testing.T) {
	// testLcsTable: indices of the LCS read out by _backtrack_norec.
	ref := []uint32{1, 2, 3, 4, 5}
	if got := lcsIndices(ref, []uint32{2, 5, 3, 4}); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("lcs indices %v, want [1 2 3]", got)
	}
	if got := lcsIndices(ref, []uint32{8, 9}); len(got) != 0 {
		t.Errorf("no common subsequence: %v", got)
	}
	var l lcsScratch
	if got := l.length(ref, []uint32{2, 5, 3, 4}, 10); got != 3 {
		t.Errorf("lcs length %d, want 3", got)
	}
	// testUnionLcs: ref 1..5, candidates [1 2 6 7 8] and [1 3 8 9 5].
	union := map[int]bool{}
	for _, c := range [][]uint32{{1, 2, 6, 7, 8}, {1, 3, 8, 9, 5}} {
		for _, i := range lcsIndices(ref, c) {
			union[i] = true
		}
	}
	if len(union) != 4 || !union[0] || !union[1] || !union[2] || !union[4] {
		t.Errorf("union %v, want indices {0,1,2,4}", union)
	}
}

// TestLCSBitParallel checks the bit-parallel LCS length against the DP
// table on sequences that cross word boundaries.
func TestLCSBitParallel(t *testing.T) {
	var l lcsScratch
	seq := func(n, mod, mul int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = uint32((i*mul + i/3) % mod)
		}
		return s
	}
	for _, c := range []struct{ na, nb, mod int }{{1, 1, 2}, {63, 64, 5}, {64, 65, 7}, {130, 127, 11}, {250, 200, 40}, {300, 7, 3}} {
		a, b := seq(c.na, c.mod, 7), seq(c.nb, c.mod, 3)
		want := len(lcsIndices(a, b))
		if got := l.length(a, b, c.mod); got != want {
			t.Errorf("%v: bit-parallel %d, DP %d", c, got, want)
		}
	}
}
