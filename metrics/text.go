package metrics

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Pair is one generated text and its reference, e.g. a generated reason and
// the oracle reason.
type Pair struct {
	ID         string
	Hypothesis string
	Reference  string
}

// TextOptions configure ScoreText.
type TextOptions struct {
	SacreBLEU SacreBLEUOptions
	NLTK      NLTKBLEUOptions
	ROUGE     ROUGEOptions
	Workers   int // 0 means GOMAXPROCS
}

// DefaultText scores with every reference library's defaults (NLTK over 13a
// tokens, ROUGE without stemming).
var DefaultText = TextOptions{SacreBLEU: DefaultSacreBLEU, NLTK: DefaultNLTKBLEU, ROUGE: DefaultROUGE}

// TextItem holds one pair's scores: sentence BLEU of both families and ROUGE.
type TextItem struct {
	ID        string
	SacreBLEU BLEUScore
	NLTKBLEU  float64 // NaN when NLTK would raise (smoothing method6)
	ROUGE     ROUGEScore
}

// TextSignatures describe the settings of each family.
type TextSignatures struct {
	SacreBLEU, NLTK, ROUGE string
}

// TextReport is ScoreText's result. Corpus BLEU comes from summed statistics
// (sacrebleu's corpus_score, NLTK's corpus_bleu); corpus ROUGE is the mean
// over items.
type TextReport struct {
	Signatures      TextSignatures
	CorpusSacreBLEU BLEUScore
	CorpusNLTKBLEU  float64
	CorpusROUGE     ROUGEScore
	Items           []TextItem
	Warnings        []string
}

// ScoreText scores every pair with sentence BLEU (sacrebleu, effective order
// on unless set off), NLTK sentence BLEU and ROUGE, and the corpus with
// corpus BLEU of both families and mean ROUGE. It uses Workers goroutines;
// items keep input order.
func ScoreText(pairs []Pair, o TextOptions) (*TextReport, error) {
	o.SacreBLEU = o.SacreBLEU.withDefaults()
	o.NLTK = o.NLTK.withDefaults()
	if err := o.SacreBLEU.Validate(); err != nil {
		return nil, err
	}
	if err := o.NLTK.Validate(); err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rep := &TextReport{
		Signatures: TextSignatures{
			SacreBLEU: o.SacreBLEU.Signature(false),
			NLTK:      o.NLTK.Signature(),
			ROUGE:     o.ROUGE.Signature(),
		},
		Items: make([]TextItem, len(pairs)),
	}
	sacre := make([]BLEUStats, len(pairs))
	nltk := make([]nltkCounts, len(pairs))
	errs := make([]error, len(pairs))

	const chunk = 32
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, (len(pairs)+chunk-1)/chunk) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newTextWorker(o)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(pairs) {
					return
				}
				for i := lo; i < min(lo+chunk, len(pairs)); i++ {
					rep.Items[i], sacre[i], nltk[i], errs[i] = w.score(pairs[i])
				}
			}
		}()
	}
	wg.Wait()

	total := BLEUStats{Correct: make([]int, o.SacreBLEU.MaxOrder), Total: make([]int, o.SacreBLEU.MaxOrder)}
	maxN := len(o.NLTK.Weights)
	agg := nltkCounts{num: make([]int, maxN), den: make([]int, maxN)}
	for i := range pairs {
		total.Add(sacre[i])
		agg.add(nltk[i])
	}
	rep.CorpusSacreBLEU = o.SacreBLEU.compute(total, o.SacreBLEU.effective(false))

	// NLTK hands the last pair to the smoothing function; tokenize it again
	// with one interner so its ids are comparable.
	var lastHyp []uint32
	var lastRefs [][]uint32
	if n := len(pairs); n > 0 {
		in := newInterner()
		lastHyp = in.ids2(o.NLTK.Tokens(pairs[n-1].Hypothesis), nil)
		lastRefs = [][]uint32{in.ids2(o.NLTK.Tokens(pairs[n-1].Reference), nil)}
	}
	var err error
	rep.CorpusNLTKBLEU, err = o.NLTK.score(agg, lastHyp, lastRefs)
	if err != nil {
		rep.Warnings = append(rep.Warnings, "corpus nltk_bleu: "+err.Error())
	}
	rep.CorpusROUGE = meanROUGE(rep.Items)

	bad := 0
	first := -1
	for i, e := range errs {
		if e != nil {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("nltk_bleu undefined for %d items (first %q): %v", bad, pairs[first].ID, errs[first]))
	}
	return rep, nil
}

func meanROUGE(items []TextItem) ROUGEScore {
	n := len(items)
	cols := make([][]float64, 12)
	for i := range cols {
		cols[i] = make([]float64, n)
	}
	for i, it := range items {
		for k, p := range []PRF{it.ROUGE.Rouge1, it.ROUGE.Rouge2, it.ROUGE.RougeL, it.ROUGE.RougeLsum} {
			cols[3*k][i], cols[3*k+1][i], cols[3*k+2][i] = p.Precision, p.Recall, p.FMeasure
		}
	}
	m := func(k int) PRF { return PRF{mean(cols[3*k]), mean(cols[3*k+1]), mean(cols[3*k+2])} }
	return ROUGEScore{m(0), m(1), m(2), m(3)}
}

// textWorker is one goroutine's scratch: nothing is shared between workers.
type textWorker struct {
	o        TextOptions
	in       *interner
	tok      tok13a
	table    ngramTable
	rouge    *rougeScratch
	hyp, ref []uint32
	nh, nr   []uint32
	shared   bool // NLTK sees the same tokens as sacrebleu
}

func newTextWorker(o TextOptions) *textWorker {
	in := newInterner()
	return &textWorker{
		o: o, in: in, rouge: newRougeScratch(in),
		shared: o.NLTK.Tokenize == "13a" && o.SacreBLEU.Tokenize == "13a" &&
			o.NLTK.Lowercase == o.SacreBLEU.Lowercase,
	}
}

// sacreIDs is sacrebleu's _preprocess_segment followed by str.split().
func (w *textWorker) sacreIDs(s string, lower bool, tok string, dst []uint32) []uint32 {
	if lower {
		s = pyLower(s)
	}
	s = pyRstrip(s)
	var b []byte
	if tok == "none" || tok == "whitespace" {
		b = append(w.tok.b[:0], s...)
		w.tok.b = b
	} else {
		b = w.tok.spaced(s)
	}
	dst = dst[:0]
	pyFields(b, func(i, j int) { dst = append(dst, w.in.id(b[i:j])) })
	return dst
}

func (w *textWorker) score(p Pair) (TextItem, BLEUStats, nltkCounts, error) {
	o := w.o
	it := TextItem{ID: p.ID}
	w.hyp = w.sacreIDs(p.Hypothesis, o.SacreBLEU.Lowercase, o.SacreBLEU.Tokenize, w.hyp)
	w.ref = w.sacreIDs(p.Reference, o.SacreBLEU.Lowercase, o.SacreBLEU.Tokenize, w.ref)
	refs := [][]uint32{w.ref}
	st := segmentStats(&w.table, w.hyp, refs, o.SacreBLEU.MaxOrder)
	it.SacreBLEU = o.SacreBLEU.compute(st, o.SacreBLEU.effective(true))

	maxN := len(o.NLTK.Weights)
	var nc nltkCounts
	nh, nrefs := w.hyp, refs
	if w.shared && maxN == o.SacreBLEU.MaxOrder {
		nc = nltkCounts{num: append([]int(nil), st.Correct...), den: append([]int(nil), st.Total...),
			hypLen: st.SysLen, refLen: st.RefLen}
		for i := range nc.den {
			nc.den[i] = max(1, nc.den[i])
		}
	} else {
		if w.shared {
			w.nh, w.nr = w.hyp, w.ref
		} else {
			// NLTK's "whitespace" is str.split() of the raw text; its "13a"
			// here differs from sacrebleu's only in case or tokenizer.
			tok := o.NLTK.Tokenize
			w.nh = w.sacreIDs(p.Hypothesis, o.NLTK.Lowercase, tok, w.nh)
			w.nr = w.sacreIDs(p.Reference, o.NLTK.Lowercase, tok, w.nr)
		}
		nh, nrefs = w.nh, [][]uint32{w.nr}
		nc = nltkPair(&w.table, nh, nrefs, maxN)
	}
	var err error
	it.NLTKBLEU, err = o.NLTK.score(nc, nh, nrefs)

	it.ROUGE = w.rouge.score(p.Reference, p.Hypothesis, o.ROUGE.Stem)
	return it, st, nc, err
}
