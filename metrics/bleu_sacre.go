package metrics

import (
	"fmt"
	"math"
	"strings"
)

// SacreBLEUVersion is the sacrebleu release whose BLEU this file
// reproduces; it goes into signatures. BLEU, the 13a tokenizer and the
// signature format have not changed since 2.2.1 (2022).
const SacreBLEUVersion = "2.6.0"

// EffectiveOrder chooses sacrebleu's effective_order setting.
type EffectiveOrder int

const (
	// EffectiveAuto follows sacrebleu's own defaults: on for sentence BLEU
	// (sacrebleu.sentence_bleu), off for corpus BLEU (BLEU().corpus_score).
	EffectiveAuto EffectiveOrder = iota
	EffectiveOn
	EffectiveOff
)

// SacreBLEUOptions are the settings of sacrebleu's BLEU metric. The zero
// value is not ready for use; start from DefaultSacreBLEU.
type SacreBLEUOptions struct {
	Tokenize       string  // "13a" or "none"
	Smooth         string  // "exp", "floor", "add-k" or "none"
	SmoothValue    float64 // 0 means the method's default (floor 0.1, add-k 1); a zero floor or k is "none"
	Lowercase      bool
	EffectiveOrder EffectiveOrder
	MaxOrder       int
	Version        string // claimed in the signature
}

// DefaultSacreBLEU is sacrebleu's BLEU() with its defaults.
var DefaultSacreBLEU = SacreBLEUOptions{
	Tokenize: "13a",
	Smooth:   "exp",
	MaxOrder: 4,
	Version:  SacreBLEUVersion,
}

// BLEUStats are BLEU's sufficient statistics for a segment or, summed, for a
// corpus: hypothesis and (closest) reference lengths and, per n-gram order,
// matched and total hypothesis n-grams.
type BLEUStats struct {
	SysLen, RefLen int
	Correct, Total []int
}

// Add adds o to s, growing s as needed.
func (s *BLEUStats) Add(o BLEUStats) {
	s.SysLen += o.SysLen
	s.RefLen += o.RefLen
	for len(s.Correct) < len(o.Correct) {
		s.Correct = append(s.Correct, 0)
		s.Total = append(s.Total, 0)
	}
	for i := range o.Correct {
		s.Correct[i] += o.Correct[i]
		s.Total[i] += o.Total[i]
	}
}

// BLEUScore is a sacrebleu BLEU result on its 0–100 scale. Counts and
// Totals are what sacrebleu reports: with add-k smoothing they include the
// added k for orders above 1, exactly as sacrebleu's BLEUScore does.
type BLEUScore struct {
	Score      float64
	Counts     []float64
	Totals     []float64
	Precisions []float64
	BP         float64
	SysLen     int
	RefLen     int
}

func (o SacreBLEUOptions) withDefaults() SacreBLEUOptions {
	if o.Tokenize == "" {
		o.Tokenize = "13a"
	}
	if o.Smooth == "" {
		o.Smooth = "exp"
	}
	if o.MaxOrder <= 0 {
		o.MaxOrder = 4
	}
	if o.Version == "" {
		o.Version = SacreBLEUVersion
	}
	return o
}

// Validate reports an unknown tokenizer or smoothing method.
func (o SacreBLEUOptions) Validate() error {
	o = o.withDefaults()
	switch o.Tokenize {
	case "13a", "none":
	default:
		return fmt.Errorf("sacrebleu tokenizer %q: want 13a or none", o.Tokenize)
	}
	switch o.Smooth {
	case "exp", "floor", "add-k", "none":
	default:
		return fmt.Errorf("sacrebleu smoothing %q: want exp, floor, add-k or none", o.Smooth)
	}
	return nil
}

func (o SacreBLEUOptions) effective(sentence bool) bool {
	switch o.EffectiveOrder {
	case EffectiveOn:
		return true
	case EffectiveOff:
		return false
	}
	return sentence
}

func (o SacreBLEUOptions) smoothValue() float64 {
	if o.SmoothValue != 0 {
		return o.SmoothValue
	}
	switch o.Smooth {
	case "floor":
		return 0.1
	case "add-k":
		return 1
	}
	return 0
}

// Signature is sacrebleu's reproducibility signature for one reference per
// segment, e.g. "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0".
// sentence selects the effective-order default of sentence BLEU.
func (o SacreBLEUOptions) Signature(sentence bool) string {
	return o.SignatureRefs(1, sentence)
}

// SignatureRefs is Signature for nrefs references per segment (0 or less
// means a variable number, "var").
func (o SacreBLEUOptions) SignatureRefs(nrefs int, sentence bool) string {
	o = o.withDefaults()
	refs := fmt.Sprint(nrefs)
	if nrefs <= 0 {
		refs = "var"
	}
	cs := "mixed"
	if o.Lowercase {
		cs = "lc"
	}
	eff := "no"
	if o.effective(sentence) {
		eff = "yes"
	}
	smooth := o.Smooth
	if o.Smooth == "floor" || o.Smooth == "add-k" {
		smooth += fmt.Sprintf("[%.2f]", o.smoothValue())
	}
	return "nrefs:" + refs + "|case:" + cs + "|eff:" + eff + "|tok:" + o.Tokenize +
		"|smooth:" + smooth + "|version:" + o.Version
}

// Tokens returns the tokens sacrebleu scores for segment: optionally
// lowercased (Python's str.lower), right-stripped, then tokenized.
func (o SacreBLEUOptions) Tokens(segment string) []string {
	o = o.withDefaults()
	if o.Lowercase {
		segment = pyLower(segment)
	}
	segment = pyRstrip(segment)
	if o.Tokenize == "none" {
		return PySplit(segment)
	}
	return Tokenize13a(segment)
}

// Stats returns the statistics of one hypothesis against its references,
// after preprocessing both sides with Tokens.
func (o SacreBLEUOptions) Stats(hyp string, refs ...string) BLEUStats {
	o = o.withDefaults()
	in := newInterner()
	h := in.ids2(o.Tokens(hyp), nil)
	rs := make([][]uint32, len(refs))
	for i, r := range refs {
		rs[i] = in.ids2(o.Tokens(r), nil)
	}
	var t ngramTable
	return segmentStats(&t, h, rs, o.MaxOrder)
}

// segmentStats counts one segment; the reference length is sacrebleu's
// closest length, the shorter one on a tie.
func segmentStats(t *ngramTable, hyp []uint32, refs [][]uint32, maxN int) BLEUStats {
	st := BLEUStats{SysLen: len(hyp), Correct: make([]int, maxN), Total: make([]int, maxN)}
	st.RefLen = closestRefLen(len(hyp), refs)
	t.count(hyp, refs, maxN, st.Correct, st.Total)
	return st
}

func closestRefLen(hypLen int, refs [][]uint32) int {
	bestDiff, best := -1, -1
	for _, r := range refs {
		d := hypLen - len(r)
		if d < 0 {
			d = -d
		}
		if bestDiff == -1 || d < bestDiff || (d == bestDiff && len(r) < best) {
			bestDiff, best = d, len(r)
		}
	}
	if best < 0 {
		return 0
	}
	return best
}

// Sentence is sacrebleu's BLEU.sentence_score(hyp, refs) (effective order
// on unless the options turn it off).
func (o SacreBLEUOptions) Sentence(hyp string, refs ...string) BLEUScore {
	o = o.withDefaults()
	return o.compute(o.Stats(hyp, refs...), o.effective(true))
}

// Corpus is sacrebleu's BLEU.corpus_score(hyps, refs). refs holds reference
// streams, as in sacrebleu: refs[k][i] is the k-th reference of segment i.
func (o SacreBLEUOptions) Corpus(hyps []string, refs [][]string) BLEUScore {
	o = o.withDefaults()
	var total BLEUStats
	total.Correct = make([]int, o.MaxOrder)
	total.Total = make([]int, o.MaxOrder)
	in := newInterner()
	var t ngramTable
	for i, h := range hyps {
		hs := in.ids2(o.Tokens(h), nil)
		var rs [][]uint32
		for _, stream := range refs {
			if i < len(stream) {
				rs = append(rs, in.ids2(o.Tokens(stream[i]), nil))
			}
		}
		total.Add(segmentStats(&t, hs, rs, o.MaxOrder))
	}
	return o.compute(total, o.effective(false))
}

// Compute is sacrebleu's BLEU.compute_bleu on already summed statistics,
// with the options' smoothing and the given effective-order setting.
func (o SacreBLEUOptions) Compute(st BLEUStats, effectiveOrder bool) BLEUScore {
	return o.withDefaults().compute(st, effectiveOrder)
}

// sacreLog is sacrebleu's my_log: log with log(0) floored at -9999999999.
func sacreLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}

func (o SacreBLEUOptions) compute(st BLEUStats, eff bool) BLEUScore {
	n := o.MaxOrder
	res := BLEUScore{Counts: make([]float64, n), Totals: make([]float64, n), Precisions: make([]float64, n)}
	return o.computeInto(res, st, eff)
}

// computeInto fills res, whose slices have MaxOrder elements.
func (o SacreBLEUOptions) computeInto(res BLEUScore, st BLEUStats, eff bool) BLEUScore {
	maxN := o.MaxOrder
	correct, total := res.Counts, res.Totals
	clear(res.Precisions)
	for i := 0; i < maxN; i++ {
		correct[i], total[i] = 0, 0
		if i < len(st.Correct) {
			correct[i] = float64(st.Correct[i])
			total[i] = float64(st.Total[i])
		}
	}
	bp := 1.0
	if st.SysLen < st.RefLen {
		if st.SysLen > 0 {
			bp = math.Exp(1 - float64(st.RefLen)/float64(st.SysLen))
		} else {
			bp = 0
		}
	}
	res.BP, res.SysLen, res.RefLen, res.Score = bp, st.SysLen, st.RefLen, 0

	anyCorrect := false
	for _, c := range correct {
		anyCorrect = anyCorrect || c != 0
	}
	if !anyCorrect { // sacrebleu #141: no matches at all scores 0
		return res
	}
	sv := o.smoothValue()
	hundred := 100.0 // a variable, so no constant folding differs from Python
	smoothMteval := 1.0
	effOrder := maxN
	for n := 1; n <= maxN; n++ {
		if o.Smooth == "add-k" && n > 1 {
			correct[n-1] += sv
			total[n-1] += sv
		}
		if total[n-1] == 0 {
			break
		}
		if eff {
			effOrder = n
		}
		switch {
		case correct[n-1] != 0:
			res.Precisions[n-1] = hundred * correct[n-1] / total[n-1]
		case o.Smooth == "exp":
			smoothMteval *= 2
			res.Precisions[n-1] = hundred / (smoothMteval * total[n-1])
		case o.Smooth == "floor":
			res.Precisions[n-1] = hundred * sv / total[n-1]
		}
	}
	sum := 0.0
	for _, p := range res.Precisions[:effOrder] {
		sum += sacreLog(p)
	}
	res.Score = bp * math.Exp(sum/float64(effOrder))
	return res
}

// String formats the score the way sacrebleu prints it.
func (s BLEUScore) String() string {
	ps := make([]string, len(s.Precisions))
	for i, p := range s.Precisions {
		ps[i] = fmt.Sprintf("%.1f", p)
	}
	ratio := 0.0
	if s.RefLen != 0 {
		ratio = float64(s.SysLen) / float64(s.RefLen)
	}
	return fmt.Sprintf("%.2f %s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
		s.Score, strings.Join(ps, "/"), s.BP, ratio, s.SysLen, s.RefLen)
}
