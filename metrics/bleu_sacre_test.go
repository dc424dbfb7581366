package metrics

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// Expected values in this file come from sacrebleu's own test suite
// (github.com/mjpost/sacrebleu, test/test_bleu.py and
// test/test_sentence_bleu.py at v2.6.0) unless a comment says otherwise.

// test_bleu.py: _refs and _hyps (the README example).
var (
	sacreRefs = [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	sacreHyps = []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
)

func TestSacreBLEUCorpus(t *testing.T) {
	const eps = 1e-8 // test_bleu.py EPSILON
	for _, c := range []struct {
		name string
		hyps []string
		opt  func(*SacreBLEUOptions)
		want float64
	}{
		{"default", sacreHyps, nil, 48.530827},                                                      // test_corpus_bleu_cases[0]
		{"empty hypotheses", []string{"", "", ""}, nil, 0},                                          // test_corpus_bleu_cases[1]
		{"tokenize none", sacreHyps, func(o *SacreBLEUOptions) { o.Tokenize = "none" }, 49.1919566}, // [2]
		{"tokenize 13a", sacreHyps, func(o *SacreBLEUOptions) { o.Tokenize = "13a" }, 48.530827},    // [3]
		{"smooth none", sacreHyps, func(o *SacreBLEUOptions) { o.Smooth = "none" }, 48.530827},      // [5]
	} {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultSacreBLEU
			if c.opt != nil {
				c.opt(&o)
			}
			if got := o.Corpus(c.hyps, sacreRefs).Score; math.Abs(got-c.want) > eps {
				t.Errorf("score %.10f, want %.10f", got, c.want)
			}
		})
	}
}

func TestSacreBLEUMaxOrder(t *testing.T) {
	// test_bleu.py test_bleu_max_order: formatted with two decimals.
	for order, want := range map[int]string{1: "77.65", 2: "60.50", 3: "53.93", 4: "48.53", 5: "46.14", 6: "43.28"} {
		o := DefaultSacreBLEU
		o.MaxOrder = order
		if got := fmt.Sprintf("%.2f", o.Corpus(sacreHyps, sacreRefs).Score); got != want {
			t.Errorf("max order %d: %s, want %s", order, got, want)
		}
	}
}

func TestSacreBLEURaw(t *testing.T) {
	const eps = 1e-8
	for _, c := range []struct {
		name       string
		hyps       []string
		refs       [][]string
		floor      float64
		want       float64 // on the 0–1 scale, as the test divides by 100
		wantCounts []float64
		wantTotals []float64
	}{
		// test_raw_bleu_cases (#141: no match scores 0).
		{"no match", []string{"this is a test", "another test"}, [][]string{{"ref1", "ref2"}}, 0.01, 0, nil, nil},
		{"identical", []string{"this is a test"}, [][]string{{"this is a test"}}, 0.01, 1, nil, nil},
		{"one word off", []string{"this is a fest"}, [][]string{{"this is a test"}}, 0.01, 0.223606797749979, nil, nil},
		// test_case_effective_order.
		{"eff test", []string{"test"}, [][]string{{"a test"}}, 0.01, 0.3678794411714425, nil, nil},
		{"eff a test", []string{"a test"}, [][]string{{"a test"}}, 0.01, 1, nil, nil},
		{"eff a little test", []string{"a little test"}, [][]string{{"a test"}}, 0.01, 0.03218297948685433, nil, nil},
		// test_case_offset with offset 0 and with the default 0.1, and
		// test_case_statistics (same sentence).
		{"offset 0", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, 0, 0, nil, nil},
		{"offset default", []string{"am I am a character sequence"}, [][]string{{"I am a symbol string sequence a a"}}, 0.1, 0.1555722182,
			[]float64{4, 2, 1, 0}, []float64{6, 5, 4, 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := DefaultSacreBLEU
			o.Tokenize, o.Smooth, o.EffectiveOrder = "none", "floor", EffectiveOn
			o.SmoothValue = c.floor
			if c.floor == 0 {
				// raw_corpus_bleu(..., 0.0): a zero floor is no smoothing.
				o.Smooth = "none"
			}
			got := o.Corpus(c.hyps, c.refs)
			if math.Abs(got.Score/100-c.want) > eps {
				t.Errorf("score/100 = %.12f, want %.12f", got.Score/100, c.want)
			}
			if c.wantCounts != nil && (!slices.Equal(got.Counts, c.wantCounts) || !slices.Equal(got.Totals, c.wantTotals)) {
				t.Errorf("counts %v totals %v, want %v %v", got.Counts, got.Totals, c.wantCounts, c.wantTotals)
			}
		})
	}
}

func TestSacreBLEUCompute(t *testing.T) {
	// test_case_scoring: compute_bleu with default (none) smoothing.
	o := DefaultSacreBLEU
	o.Smooth = "none"
	st := BLEUStats{SysLen: 11, RefLen: 11, Correct: []int{9, 7, 5, 3}, Total: []int{10, 8, 6, 4}}
	if got := o.Compute(st, false).Score / 100; math.Abs(got-0.8375922397) > 1e-8 {
		t.Errorf("score %.10f, want 0.8375922397", got)
	}
	// test_case_degenerate_stats: floor smoothing with the given offsets
	// must give exactly 0.
	for i, c := range []struct {
		correct, total []int
		sys, ref       int
		floor          float64
	}{
		{[]int{0, 0, 0, 0}, []int{4, 4, 2, 1}, 0, 1, 0},
		{[]int{0, 0, 0, 0}, []int{10, 11, 12, 0}, 14, 10, 0},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 0, 0, 0},
		{[]int{6, 5, 4, 0}, []int{6, 5, 4, 3}, 6, 6, 0},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 0, 0, 0.1},
		{[]int{0, 0, 0, 0}, []int{0, 0, 0, 0}, 1, 5, 0.01},
	} {
		o := DefaultSacreBLEU
		o.Smooth = "floor"
		o.SmoothValue = c.floor
		if c.floor == 0 {
			o.Smooth = "none" // a zero floor is no smoothing
		}
		got := o.Compute(BLEUStats{SysLen: c.sys, RefLen: c.ref, Correct: c.correct, Total: c.total}, false)
		if got.Score != 0 {
			t.Errorf("degenerate case %d: score %g, want 0", i, got.Score)
		}
	}
}

func TestSacreBLEUSentence(t *testing.T) {
	// test_sentence_bleu.py: the example from sacrebleu issue #98, EPSILON 1e-3.
	const ref = "producţia de zahăr brut se exprimă în zahăr alb;"
	const sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
	for _, c := range []struct {
		smooth string
		value  float64
		tok    string
		want   float64
	}{
		{"exp", 0, "13a", 8.493},
		{"none", 0, "13a", 0.0},
		{"floor", 0, "13a", 4.51688},
		{"floor", 0.1, "13a", 4.51688},
		{"floor", 0.5, "13a", 10.10},
		{"add-k", 0, "13a", 14.882},
		{"add-k", 1, "13a", 14.882},
		{"add-k", 2, "13a", 21.389},
		{"exp", 0, "none", 7.347},
	} {
		o := DefaultSacreBLEU
		o.Smooth, o.SmoothValue, o.Tokenize = c.smooth, c.value, c.tok
		if got := o.Sentence(sys, ref).Score; math.Abs(got-c.want) > 1e-3 {
			t.Errorf("%s[%g] tok %s: %.5f, want %.5f", c.smooth, c.value, c.tok, got, c.want)
		}
	}
	// test_cases_zero_bleu (#141): every smoothing gives 0.
	for _, sm := range []string{"exp", "none", "floor", "add-k"} {
		o := DefaultSacreBLEU
		o.Smooth = sm
		if got := o.Sentence("this is a cat", "okay thanks").Score; got != 0 {
			t.Errorf("%s: %g, want 0", sm, got)
		}
	}
}

func TestSacreBLEUSignature(t *testing.T) {
	// The README of sacrebleu documents this format; the version is ours.
	for _, c := range []struct {
		opt      func(*SacreBLEUOptions)
		sentence bool
		want     string
	}{
		{nil, false, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"},
		{nil, true, "nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0"},
		{func(o *SacreBLEUOptions) { o.Smooth = "floor"; o.Lowercase = true }, false,
			"nrefs:1|case:lc|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0"},
		{func(o *SacreBLEUOptions) { o.Smooth = "add-k"; o.Tokenize = "none" }, false,
			"nrefs:1|case:mixed|eff:no|tok:none|smooth:add-k[1.00]|version:2.6.0"},
	} {
		o := DefaultSacreBLEU
		if c.opt != nil {
			c.opt(&o)
		}
		if got := o.Signature(c.sentence); got != c.want {
			t.Errorf("signature %q, want %q", got, c.want)
		}
	}
	// Two references per segment, as in test_bleu.py's corpus test.
	if got := DefaultSacreBLEU.SignatureRefs(2, false); got != "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0" {
		t.Errorf("two-reference signature %q", got)
	}
}

// TestSacreBLEUAddKCounts checks the quirk that sacrebleu's reported counts
// include add-k's k for orders above 1. Expected values computed with
// sacrebleu 2.6.0 (BLEU(smooth_method="add-k", effective_order=True)
// .sentence_score("a b c", ["a b d"])).
func TestSacreBLEUAddKCounts(t *testing.T) {
	o := DefaultSacreBLEU
	o.Smooth = "add-k"
	got := o.Sentence("a b c", "a b d")
	if want := []float64{2, 2, 1, 1}; !slices.Equal(got.Counts, want) {
		t.Errorf("counts %v, want %v", got.Counts, want)
	}
	if want := []float64{3, 3, 2, 1}; !slices.Equal(got.Totals, want) {
		t.Errorf("totals %v, want %v", got.Totals, want)
	}
}

func TestSacreBLEUString(t *testing.T) {
	// sacrebleu's verbose line for the README example (test_bleu.py data):
	// "48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)".
	got := DefaultSacreBLEU.Corpus(sacreHyps, sacreRefs).String()
	want := "48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
	if got != want {
		t.Errorf("%q\nwant %q", got, want)
	}
}
