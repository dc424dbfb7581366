package metrics

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// Expected values in this file come from NLTK's own documentation and tests
// (github.com/nltk/nltk: the docstrings of nltk/translate/bleu_score.py,
// nltk/test/bleu.doctest and nltk/test/unit/translate/test_bleu.py). A
// doctest's "0.5045..." is checked as a prefix of Python's repr of the float,
// which Go's shortest 'g' formatting reproduces.

func words(s string) []string { return strings.Fields(s) }

var (
	nltkHyp1 = words("It is a guide to action which ensures that the military always obeys the commands of the party")
	nltkHyp2 = words("It is to insure the troops forever hearing the activity guidebook that party direct")
	nltkRef1 = words("It is a guide to action that ensures that the military will forever heed Party commands")
	nltkRef2 = words("It is the guiding principle which guarantees the military forces always being under the command of the Party")
	nltkRef3 = words("It is the practical guide for the army always to heed the directions of the party")
	nltkHypB = words("he read the book because he was interested in world history")
	nltkRefB = words("he was interested in world history because he read the book")
)

func nltkOpts(method string, weights ...float64) NLTKBLEUOptions {
	o := DefaultNLTKBLEU
	o.Smoothing = method
	if len(weights) > 0 {
		o.Weights = weights
	}
	return o
}

func reprPrefix(t *testing.T, what string, got float64, prefix string) {
	t.Helper()
	if s := strconv.FormatFloat(got, 'g', -1, 64); !strings.HasPrefix(s, prefix) {
		t.Errorf("%s = %s, want %s...", what, s, prefix)
	}
}

func TestNLTKSentenceDocstring(t *testing.T) {
	refs := [][]string{nltkRef1, nltkRef2, nltkRef3}
	for _, c := range []struct {
		name    string
		o       NLTKBLEUOptions
		hyp     []string
		want    string
		round4  bool // round(x, 4) == 0.0 in the doctest
		weights []float64
	}{
		{"hyp1", nltkOpts("method0"), nltkHyp1, "0.5045", false, nil},
		{"hyp2 no smoothing", nltkOpts("method0"), nltkHyp2, "", true, nil},
		{"hyp2 method1", nltkOpts("method1"), nltkHyp2, "0.0370", false, nil},
		{"BLEU-5", nltkOpts("method0", 0.2, 0.2, 0.2, 0.2, 0.2), nltkHyp1, "0.3920", false, nil},
		{"BLEU-2", nltkOpts("method0", 0.5, 0.5), nltkHyp1, "0.7453", false, nil},
		{"BLEU-3", nltkOpts("method0", 1./3, 1./3, 1./3), nltkHyp1, "0.6240", false, nil},
	} {
		got, err := c.o.Sentence(refs, c.hyp)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.round4 {
			if math.Round(got*1e4) != 0 {
				t.Errorf("%s: %g, want round(x, 4) == 0", c.name, got)
			}
			continue
		}
		reprPrefix(t, c.name, got, c.want)
	}
}

func TestNLTKSmoothingDocstring(t *testing.T) {
	// SmoothingFunction.__init__'s doctest: hypothesis1 against reference1.
	for _, c := range []struct{ method, want string }{
		{"method0", "0.4118"}, {"method1", "0.4118"}, {"method2", "0.4452"}, {"method3", "0.4118"},
		{"method4", "0.4118"}, {"method5", "0.4905"}, {"method6", "0.4135"}, {"method7", "0.4905"},
	} {
		got, err := nltkOpts(c.method).Sentence([][]string{nltkRef1}, nltkHyp1)
		if err != nil {
			t.Fatalf("%s: %v", c.method, err)
		}
		reprPrefix(t, c.method, got, c.want)
	}
	// nltk/test/bleu.doctest: method4 on a short hypothesis, times 100.
	got, err := nltkOpts("method4").Sentence([][]string{words("It is a place of quiet contemplation .")}, words("It is ."))
	if err != nil {
		t.Fatal(err)
	}
	reprPrefix(t, "bleu.doctest method4 ×100", got*100, "4.4267")
}

func TestNLTKCorpusDocstring(t *testing.T) {
	refs := [][][]string{{nltkRef1, nltkRef2, nltkRef3}, {nltkRefB}}
	hyps := [][]string{nltkHyp1, nltkHypB}
	for _, c := range []struct {
		weights []float64
		want    string
	}{
		{nil, "0.5920"},
		{[]float64{0.1, 0.3, 0.5, 0.1}, "0.5818"},
		{[]float64{0.5, 0.5}, "0.8242"},
		{[]float64{0.333, 0.333, 0.334}, "0.7067"},
		{[]float64{0.2, 0.2, 0.2, 0.2, 0.2}, "0.4719"},
	} {
		got, err := nltkOpts("method0", c.weights...).Corpus(refs, hyps)
		if err != nil {
			t.Fatal(err)
		}
		reprPrefix(t, "corpus_bleu", got, c.want)
	}
	// "corpus_bleu() is different from averaging sentence_bleu()".
	s1, _ := nltkOpts("method0").Sentence(refs[0], hyps[0])
	s2, _ := nltkOpts("method0").Sentence(refs[1], hyps[1])
	reprPrefix(t, "mean sentence_bleu", (s1+s2)/2, "0.6223")
}

func TestNLTKModifiedPrecision(t *testing.T) {
	// modified_precision docstring and test_bleu.py test_modified_precision.
	mp := func(refs [][]string, hyp []string, n int) float64 {
		in := newInterner()
		rs := make([][]uint32, len(refs))
		for i, r := range refs {
			rs[i] = in.ids2(r, nil)
		}
		var tb ngramTable
		c := nltkPair(&tb, in.ids2(hyp, nil), rs, n)
		return float64(c.num[n-1]) / float64(c.den[n-1])
	}
	catRefs := [][]string{words("the cat is on the mat"), words("there is a cat on the mat")}
	party := [][]string{nltkRef1, nltkRef2, nltkRef3}
	for _, c := range []struct {
		name string
		refs [][]string
		hyp  []string
		n    int
		want float64
		tol  float64
	}{
		{"the*7 unigram", catRefs, words("the the the the the the the"), 1, 0.28571428, 1e-4},
		{"the*7 bigram", catRefs, words("the the the the the the the"), 2, 0, 0},
		{"of the unigram", party, words("of the"), 1, 1, 0},
		{"of the bigram", party, words("of the"), 2, 1, 0},
		{"hyp1 unigram", party, nltkHyp1, 1, 0.94444444, 1e-4},
		{"hyp2 unigram", party, nltkHyp2, 1, 0.57142857, 1e-4},
		{"hyp1 bigram", party, nltkHyp1, 2, 0.58823529, 1e-4},
		{"hyp2 bigram", party, nltkHyp2, 2, 0.07692307, 1e-4},
	} {
		if got := mp(c.refs, c.hyp, c.n); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: %.8f, want %.8f", c.name, got, c.want)
		}
	}
}

func TestNLTKBrevityPenalty(t *testing.T) {
	// brevity_penalty docstring and test_bleu.py test_brevity_penalty.
	as := func(ns ...int) [][]uint32 {
		out := make([][]uint32, len(ns))
		for i, n := range ns {
			out[i] = make([]uint32, n)
		}
		return out
	}
	for _, c := range []struct {
		refs   [][]uint32
		hyp    int
		prefix string
	}{
		{as(12, 15, 17), 12, "1"},
		{as(28, 28), 12, "0.2635971381157267"},
		{as(13, 2), 12, "0.9200"},
		{as(13, 11), 12, "1"}, // ties take the shorter reference
		{as(11, 13), 12, "1"},
		{as(11, 8), 7, "0.8668"},
		{as(11, 8, 6, 7), 7, "1"},
	} {
		got := nltkBP(closestRefLen(c.hyp, c.refs), c.hyp)
		reprPrefix(t, "brevity_penalty", got, c.prefix)
	}
}

func TestNLTKFringe(t *testing.T) {
	// test_bleu.py TestBLEU and TestBLEUFringeCases.
	noAlign := [][]string{words("The candidate has no alignment to any of the references")}
	for n := 1; n < 3; n++ { // test_zero_matches
		w := make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		if got, _ := nltkOpts("method0", w...).Sentence(noAlign, words("John loves Mary")); got != 0 {
			t.Errorf("zero matches, n=%d: %g", n, got)
		}
		if got, _ := nltkOpts("method0", w...).Sentence([][]string{words("John loves Mary")}, words("John loves Mary")); got != 1 {
			t.Errorf("full matches, n=%d: %g", n, got)
		}
	}
	near0 := func(name string, refs [][]string, hyp []string, o NLTKBLEUOptions) {
		t.Helper()
		got, err := o.Sentence(refs, hyp)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got) > 0.5e-4 { // assertAlmostEqual(..., 0.0, places=4)
			t.Errorf("%s: %g, want ≈ 0", name, got)
		}
	}
	near0("hypothesis longer than reference", [][]string{words("John loves Mary")}, words("John loves Mary who loves Mike"), DefaultNLTKBLEU)
	near0("n > len(hypothesis)", [][]string{words("John loves Mary ?")}, words("John loves Mary"), nltkOpts("method0", .25, .25, .25, .25))
	near0("reference == hypothesis, n > len", [][]string{words("John loves Mary")}, words("John loves Mary"), nltkOpts("method0", .25, .25, .25, .25))
	near0("shorter than 4-grams", [][]string{words("let it go")}, words("let go it"), DefaultNLTKBLEU)
	for _, c := range []struct {
		name string
		refs [][]string
		hyp  []string
		o    NLTKBLEUOptions
	}{
		{"empty hypothesis", noAlign, nil, DefaultNLTKBLEU},
		{"empty references", [][]string{{}}, words("John loves Mary"), DefaultNLTKBLEU},
		{"both empty", [][]string{{}}, nil, DefaultNLTKBLEU},
		{"length-one hypothesis, method4", noAlign, []string{"Foo"}, nltkOpts("method4")},
	} {
		if got, err := c.o.Sentence(c.refs, c.hyp); err != nil || got != 0 {
			t.Errorf("%s: %g, %v; want 0", c.name, got, err)
		}
	}
	// TestBLEUWithBadSentence: corpus BLEU ≈ 0.
	hyp := words("Teo S yb , oe uNb , R , T t , , t Tue Ar saln S , , 5istsi l , 5oe R ulO sae oR R")
	ref := words("Their tasks include changing a pump on the faulty stokehold .Likewise , two species that are very similar in morphology were distinguished using genetics .")
	got, _ := DefaultNLTKBLEU.Corpus([][][]string{{ref}}, [][]string{hyp})
	if math.Abs(got) > 0.5e-4 {
		t.Errorf("bad sentence: %g", got)
	}
}

func TestNLTKMethod0IsTinyNotZero(t *testing.T) {
	// NLTK's method0 replaces a zero precision by sys.float_info.min, which
	// still enters the log sum: the score is about 1e-77, not 0 and not the
	// geometric mean of the other orders. Value computed with
	// nltk.translate.bleu_score.sentence_bleu([["a","b","c","d"]], ["a","b","c","e"])
	// (NLTK 3.9 source, CPython 3.11).
	got, _ := DefaultNLTKBLEU.Sentence([][]string{{"a", "b", "c", "d"}}, []string{"a", "b", "c", "e"})
	if got <= 0 || got > 1e-70 {
		t.Errorf("got %g, want a tiny positive number", got)
	}
	if want := 8.636168555094496e-78; math.Abs(got-want) > 1e-90 {
		t.Errorf("got %.17g, want %.17g", got, want)
	}
}

func TestNLTKMethod6Assertion(t *testing.T) {
	// NLTK asserts a non-zero trigram precision for method6.
	_, err := nltkOpts("method6").Sentence([][]string{words("a b c d")}, words("a b x d"))
	if err != ErrMethod6 {
		t.Errorf("err = %v, want ErrMethod6", err)
	}
}

func TestNLTKSignature(t *testing.T) {
	o := nltkOpts("method1")
	want := "nrefs:1|case:mixed|tok:13a|smooth:method1[eps=0.1]|weights:0.25,0.25,0.25,0.25|version:nltk-3.9.1"
	if got := o.Signature(); got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestNLTKValidate(t *testing.T) {
	for _, s := range []string{"method8", "m1", "method-1", "METHOD1"} {
		if nltkOpts(s).Validate() == nil {
			t.Errorf("%q accepted", s)
		}
	}
	o := DefaultNLTKBLEU
	o.Tokenize = "moses"
	if o.Validate() == nil {
		t.Error("tokenizer moses accepted")
	}
}
