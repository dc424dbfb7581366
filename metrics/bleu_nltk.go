package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// NLTKVersion is the NLTK release whose nltk.translate.bleu_score this file
// reproduces (unchanged since the Python 3.12 Fraction fix of late 2023).
const NLTKVersion = "3.9.1"

// NLTKBLEUOptions are the arguments of NLTK's sentence_bleu and corpus_bleu
// and of its SmoothingFunction. The zero value is not ready for use; start
// from DefaultNLTKBLEU.
type NLTKBLEUOptions struct {
	Weights     []float64 // default (0.25, 0.25, 0.25, 0.25)
	Smoothing   string    // "method0" … "method7"; "" is method0, NLTK's default
	Epsilon     float64   // method1's epsilon, default 0.1
	Alpha       float64   // method6's alpha, default 5
	K           float64   // method4's k, default 5
	AutoReweigh bool
	// Tokenize and Lowercase say how ScoreText turns text into the token
	// lists NLTK takes: "13a" (sacrebleu's preprocessing) or "whitespace"
	// (Python's str.split()).
	Tokenize  string
	Lowercase bool
	Version   string
}

// DefaultNLTKBLEU is sentence_bleu(refs, hyp) with NLTK's defaults, over
// 13a tokens.
var DefaultNLTKBLEU = NLTKBLEUOptions{
	Weights:   []float64{0.25, 0.25, 0.25, 0.25},
	Smoothing: "method0",
	Epsilon:   0.1,
	Alpha:     5,
	K:         5,
	Tokenize:  "13a",
	Version:   NLTKVersion,
}

// ErrMethod6 is NLTK's AssertionError in smoothing method 6, which needs a
// non-zero trigram precision.
var ErrMethod6 = errors.New("nltk smoothing method6 requires a non-zero trigram precision")

func (o NLTKBLEUOptions) withDefaults() NLTKBLEUOptions {
	if len(o.Weights) == 0 {
		o.Weights = DefaultNLTKBLEU.Weights
	}
	if o.Smoothing == "" {
		o.Smoothing = "method0"
	}
	if o.Epsilon == 0 {
		o.Epsilon = 0.1
	}
	if o.Alpha == 0 {
		o.Alpha = 5
	}
	if o.K == 0 {
		o.K = 5
	}
	if o.Tokenize == "" {
		o.Tokenize = "13a"
	}
	if o.Version == "" {
		o.Version = NLTKVersion
	}
	return o
}

// Validate reports an unknown smoothing method or tokenizer.
func (o NLTKBLEUOptions) Validate() error {
	o = o.withDefaults()
	if len(o.Smoothing) != 7 || !strings.HasPrefix(o.Smoothing, "method") || o.Smoothing[6] < '0' || o.Smoothing[6] > '7' {
		return fmt.Errorf("nltk smoothing %q: want method0 … method7", o.Smoothing)
	}
	switch o.Tokenize {
	case "13a", "whitespace":
	default:
		return fmt.Errorf("nltk tokenizer %q: want 13a or whitespace", o.Tokenize)
	}
	return nil
}

// Signature names the settings, in sacrebleu's key:value style, e.g.
// "nrefs:1|case:mixed|tok:13a|smooth:method0|weights:0.25,0.25,0.25,0.25|version:nltk-3.9.1".
func (o NLTKBLEUOptions) Signature() string {
	o = o.withDefaults()
	cs := "mixed"
	if o.Lowercase {
		cs = "lc"
	}
	ws := make([]string, len(o.Weights))
	for i, w := range o.Weights {
		ws[i] = fmt.Sprint(w)
	}
	s := "nrefs:1|case:" + cs + "|tok:" + o.Tokenize + "|smooth:" + o.Smoothing
	switch o.Smoothing {
	case "method1":
		s += fmt.Sprintf("[eps=%g]", o.Epsilon)
	case "method4", "method7":
		s += fmt.Sprintf("[k=%g]", o.K)
	case "method6":
		s += fmt.Sprintf("[alpha=%g]", o.Alpha)
	}
	if o.AutoReweigh {
		s += "|reweigh:yes"
	}
	return s + "|weights:" + strings.Join(ws, ",") + "|version:nltk-" + o.Version
}

// Tokens returns the token list ScoreText hands to NLTK for text.
func (o NLTKBLEUOptions) Tokens(text string) []string {
	o = o.withDefaults()
	if o.Tokenize == "whitespace" {
		if o.Lowercase {
			text = pyLower(text)
		}
		return PySplit(text)
	}
	s := DefaultSacreBLEU
	s.Lowercase = o.Lowercase
	return s.Tokens(text)
}

// nltkCounts are one pair's modified-precision numerators and denominators
// (denominators floored at 1, as in modified_precision) and its lengths.
type nltkCounts struct {
	num, den       []int
	hypLen, refLen int
}

func nltkPair(t *ngramTable, hyp []uint32, refs [][]uint32, maxN int) nltkCounts {
	c := nltkCounts{num: make([]int, maxN), den: make([]int, maxN), hypLen: len(hyp)}
	t.count(hyp, refs, maxN, c.num, c.den)
	for i := range c.den {
		c.den[i] = max(1, c.den[i])
	}
	// closest_ref_length: the nearest reference length, the shorter on a tie.
	c.refLen = closestRefLen(len(hyp), refs)
	return c
}

// Sentence is nltk.translate.bleu_score.sentence_bleu(refs, hyp).
func (o NLTKBLEUOptions) Sentence(refs [][]string, hyp []string) (float64, error) {
	return o.Corpus([][][]string{refs}, [][]string{hyp})
}

// Corpus is nltk.translate.bleu_score.corpus_bleu(listOfRefs, hyps).
func (o NLTKBLEUOptions) Corpus(listOfRefs [][][]string, hyps [][]string) (float64, error) {
	o = o.withDefaults()
	if len(listOfRefs) != len(hyps) {
		return math.NaN(), fmt.Errorf("nltk corpus bleu: %d hypotheses but %d reference lists", len(hyps), len(listOfRefs))
	}
	in := newInterner()
	var t ngramTable
	maxN := len(o.Weights)
	var agg nltkCounts
	agg.num, agg.den = make([]int, maxN), make([]int, maxN)
	var lastHyp []uint32
	var lastRefs [][]uint32
	for i, h := range hyps {
		hs := in.ids2(h, nil)
		rs := make([][]uint32, len(listOfRefs[i]))
		for k, r := range listOfRefs[i] {
			rs[k] = in.ids2(r, nil)
		}
		agg.add(nltkPair(&t, hs, rs, maxN))
		lastHyp, lastRefs = hs, rs
	}
	return o.score(agg, lastHyp, lastRefs)
}

func (c *nltkCounts) add(o nltkCounts) {
	for i := range o.num {
		c.num[i] += o.num[i]
		c.den[i] += o.den[i]
	}
	c.hypLen += o.hypLen
	c.refLen += o.refLen
}

// nltkBP is brevity_penalty(closest_ref_len, hyp_len).
func nltkBP(refLen, hypLen int) float64 {
	if hypLen > refLen {
		return 1
	}
	if hypLen == 0 {
		return 0
	}
	return math.Exp(1 - float64(refLen)/float64(hypLen))
}

// pnum is one entry of NLTK's p_n list: a Fraction (kept exact, as Python
// keeps it) or, once a smoothing method has turned it into one, a float.
// Plain count ratios stay as two integers; big.Rat is only built when a
// smoothing method does arithmetic on Fractions.
type pnum struct {
	kind     uint8 // pFrac, pRat or pFloat
	num, den int64
	r        *big.Rat
	f        float64
}

const (
	pFrac uint8 = iota
	pRat
	pFloat
)

func ratOf(num, den int) pnum { return pnum{kind: pFrac, num: int64(num), den: int64(den)} }
func floatOf(f float64) pnum  { return pnum{kind: pFloat, f: f} }

func (p pnum) exact() bool { return p.kind != pFloat }

func (p pnum) rat() *big.Rat {
	if p.kind == pRat {
		return p.r
	}
	return big.NewRat(p.num, p.den)
}

// float is Python's float(Fraction): the correctly rounded quotient, which
// IEEE division gives directly while both integers are exact in a float64.
func (p pnum) float() float64 {
	switch p.kind {
	case pFloat:
		return p.f
	case pFrac:
		if abs64(p.num) < 1<<53 && p.den < 1<<53 {
			return float64(p.num) / float64(p.den)
		}
	}
	f, _ := p.rat().Float64()
	return f
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func (p pnum) sign() int {
	switch p.kind {
	case pFloat:
		switch {
		case p.f > 0:
			return 1
		case p.f < 0:
			return -1
		}
		return 0
	case pRat:
		return p.r.Sign()
	}
	switch {
	case p.num > 0:
		return 1
	case p.num < 0:
		return -1
	}
	return 0
}

func (p pnum) positive() bool { return p.sign() > 0 }
func (p pnum) isZero() bool   { return p.sign() == 0 && !(p.kind == pFloat && math.IsNaN(p.f)) }

// add follows Python: Fraction+Fraction stays exact, anything with a float
// becomes a float sum.
func (p pnum) add(q pnum) pnum {
	if p.exact() && q.exact() {
		return pnum{kind: pRat, r: new(big.Rat).Add(p.rat(), q.rat())}
	}
	return floatOf(p.float() + q.float())
}

func (p pnum) mul(q pnum) pnum {
	if p.exact() && q.exact() {
		return pnum{kind: pRat, r: new(big.Rat).Mul(p.rat(), q.rat())}
	}
	return floatOf(p.float() * q.float())
}

func (p pnum) div(q pnum) pnum {
	if p.exact() && q.exact() {
		return pnum{kind: pRat, r: new(big.Rat).Quo(p.rat(), q.rat())}
	}
	return floatOf(p.float() / q.float())
}

// exact returns x as an exact number (NLTK's int arguments, e.g. alpha=5).
func exact(x float64) pnum { return pnum{kind: pRat, r: new(big.Rat).SetFloat64(x)} }

// score is the part of corpus_bleu after counting: the early zero, the
// smoothing function (called, as NLTK calls it, with the last pair's
// references and hypothesis and the corpus hypothesis length), and the
// weighted geometric mean over the positive precisions.
func (o NLTKBLEUOptions) score(c nltkCounts, lastHyp []uint32, lastRefs [][]uint32) (float64, error) {
	if len(c.num) == 0 || c.num[0] == 0 {
		return 0, nil
	}
	bp := nltkBP(c.refLen, c.hypLen)
	var pbuf [8]pnum
	pn := pbuf[:0]
	if len(c.num) > len(pbuf) {
		pn = make([]pnum, 0, len(c.num))
	}
	for i := range c.num {
		pn = append(pn, ratOf(c.num[i], c.den[i]))
	}
	if err := o.smooth(pn, c, lastHyp, lastRefs); err != nil {
		return math.NaN(), err
	}
	weights := o.Weights
	if o.AutoReweigh && c.hypLen < 4 && isDefaultWeights(weights) {
		weights = make([]float64, c.hypLen)
		for i := range weights {
			weights[i] = 1 / float64(c.hypLen)
		}
	}
	var tbuf [8]float64
	terms := tbuf[:0]
	for i, p := range pn {
		if i >= len(weights) {
			break
		}
		if p.positive() {
			w, l := weights[i], math.Log(p.float())
			terms = append(terms, w*l)
		}
	}
	return bp * math.Exp(fsum(terms)), nil
}

func isDefaultWeights(w []float64) bool {
	if len(w) != 4 {
		return false
	}
	for _, x := range w {
		if x != 0.25 {
			return false
		}
	}
	return true
}

// smooth applies SmoothingFunction().methodN to the corpus precisions.
func (o NLTKBLEUOptions) smooth(pn []pnum, c nltkCounts, lastHyp []uint32, lastRefs [][]uint32) error {
	n := len(c.num)
	hypLen := c.hypLen
	if hypLen == 0 {
		hypLen = len(lastHyp)
	}
	switch o.Smoothing {
	case "method0":
		// A zero precision becomes sys.float_info.min, which is positive and
		// so still counts in the sum (log ≈ -708): the score is tiny, not 0.
		for i := range pn {
			if c.num[i] == 0 {
				pn[i] = floatOf(0x1p-1022) // sys.float_info.min
			}
		}
	case "method1":
		for i := range pn {
			if c.num[i] == 0 {
				pn[i] = floatOf((float64(c.num[i]) + o.Epsilon) / float64(c.den[i]))
			}
		}
	case "method2":
		for i := 1; i < n; i++ {
			pn[i] = ratOf(c.num[i]+1, c.den[i]+1)
		}
	case "method3":
		inc := 1
		for i := range pn {
			if c.num[i] == 0 {
				pn[i] = floatOf(1 / float64((1<<inc)*c.den[i]))
				inc++
			}
		}
	case "method4":
		o.method4(pn, c, hypLen)
	case "method5":
		o.method5(pn, lastHyp, lastRefs)
	case "method6":
		if n < 3 || c.num[2] == 0 { // NLTK: assert p_n[2]
			return ErrMethod6
		}
		for i := 2; i < n; i++ {
			l := max(0, len(lastHyp)-i) // i+1-grams in the last hypothesis
			if pn[i-2].isZero() {
				// Python's "pi0 = 0" is an int, so (m + α·0)/(l + α) is
				// int/int true division: a float.
				pn[i] = floatOf(float64(c.num[i]) / (float64(l) + o.Alpha))
				continue
			}
			pi0 := pn[i-1].mul(pn[i-1]).div(pn[i-2])
			m := exact(float64(c.num[i]))
			pn[i] = m.add(exact(o.Alpha).mul(pi0)).div(exact(float64(l) + o.Alpha))
		}
	case "method7":
		o.method4(pn, c, hypLen)
		o.method5(pn, lastHyp, lastRefs)
	}
	return nil
}

// method4 scales the smoothed count by 1/ln(hyp_len); it reads the original
// numerators, so it runs before method5 in method7.
func (o NLTKBLEUOptions) method4(pn []pnum, c nltkCounts, hypLen int) {
	inc := 1
	for i := range pn {
		if c.num[i] == 0 && hypLen > 1 {
			a := float64(int(1)<<inc) * o.K / math.Log(float64(hypLen))
			num := 1 / a
			pn[i] = floatOf(num / float64(c.den[i]))
			inc++
		}
	}
}

// method5 averages each precision with its neighbours; the extra order-5
// precision comes from the last pair only, as in NLTK.
func (o NLTKBLEUOptions) method5(pn []pnum, lastHyp []uint32, lastRefs [][]uint32) {
	var t ngramTable
	c5 := nltkPair(&t, lastHyp, lastRefs, 5)
	plus := append(append([]pnum(nil), pn...), ratOf(c5.num[4], c5.den[4]))
	three := exact(3)
	prev := pn[0].add(exact(1))
	for i := range pn {
		pn[i] = prev.add(pn[i]).add(plus[i+1]).div(three)
		prev = pn[i]
	}
}
