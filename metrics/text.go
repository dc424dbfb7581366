package metrics

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"
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
	// One backing array each for the per-item slices: 10,000 items would
	// otherwise mean 70,000 small allocations.
	maxN, nMax := o.SacreBLEU.MaxOrder, len(o.NLTK.Weights)
	sacre := make([]BLEUStats, len(pairs))
	nltk := make([]nltkCounts, len(pairs))
	ints := make([]int, len(pairs)*(2*maxN+2*nMax))
	floats := make([]float64, len(pairs)*3*maxN)
	for i := range pairs {
		sacre[i].Correct, ints = ints[:maxN:maxN], ints[maxN:]
		sacre[i].Total, ints = ints[:maxN:maxN], ints[maxN:]
		nltk[i].num, ints = ints[:nMax:nMax], ints[nMax:]
		nltk[i].den, ints = ints[:nMax:nMax], ints[nMax:]
		b := &rep.Items[i].SacreBLEU
		b.Counts, floats = floats[:maxN:maxN], floats[maxN:]
		b.Totals, floats = floats[:maxN:maxN], floats[maxN:]
		b.Precisions, floats = floats[:maxN:maxN], floats[maxN:]
	}
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
					errs[i] = w.score(pairs[i], &rep.Items[i], &sacre[i], &nltk[i])
				}
			}
		}()
	}
	wg.Wait()

	total := BLEUStats{Correct: make([]int, maxN), Total: make([]int, maxN)}
	agg := nltkCounts{num: make([]int, nMax), den: make([]int, nMax)}
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
	o          TextOptions
	th, tr     tok13a // hypothesis and reference buffers, alive together
	loc        byteTable
	pack       packTable
	gen        ngramTable
	hyp, ref   []uint32
	nh, nr     []uint32
	rouge      *rougeScratch
	one        [1][]uint32 // a reference list of one, without allocating
	shared     bool        // NLTK sees the same tokens as sacrebleu
	maxN, nMax int
}

func newTextWorker(o TextOptions) *textWorker {
	return &textWorker{
		o: o, rouge: newRougeScratch(),
		shared: o.NLTK.Tokenize == "13a" && o.SacreBLEU.Tokenize == "13a" &&
			o.NLTK.Lowercase == o.SacreBLEU.Lowercase,
		maxN: o.SacreBLEU.MaxOrder, nMax: len(o.NLTK.Weights),
	}
}

// prep is sacrebleu's _preprocess_segment (or, for "whitespace", the raw
// text) in tk's buffers, ready for str.split().
func prep(tk *tok13a, s string, lower bool, tok string) []byte {
	if lower {
		s = pyLower(s)
	}
	if tok == "13a" {
		return tk.spaced(pyRstrip(s))
	}
	tk.a = append(tk.a[:0], s...)
	return tk.a
}

// fieldIDs appends the ids of the fields Python's str.split() finds in b.
func (w *textWorker) fieldIDs(b []byte, dst []uint32) []uint32 {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				i++
				continue
			}
		} else if sp, n := pySpaceAt(b, i); sp {
			i += n
			continue
		}
		start := i
		for i < len(b) {
			c := b[i]
			if c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				i++
				continue
			}
			sp, n := pySpaceAt(b, i)
			if sp {
				break
			}
			i += n
		}
		tok := b[start:i]
		dst = append(dst, w.loc.id(tok, hashBytes(tok)))
	}
	return dst
}

// tokens sets w.hyp/w.ref (or w.nh/w.nr) to per-pair ids and reports
// whether they fit the packed n-gram table.
func (w *textWorker) tokens(p Pair, lower bool, tok string, h, r []uint32) ([]uint32, []uint32, bool) {
	bh := prep(&w.th, p.Hypothesis, lower, tok)
	br := prep(&w.tr, p.Reference, lower, tok)
	w.loc.reset((len(bh)+len(br))/2 + 1)
	h = w.fieldIDs(bh, h)
	r = w.fieldIDs(br, r)
	return h, r, w.loc.next <= maxPackedID
}

func (w *textWorker) count(hyp, ref []uint32, packed bool, maxN int, correct, total []int) {
	w.one[0] = ref
	if packed && maxN <= 4 {
		w.pack.count(hyp, w.one[:], maxN, int(w.loc.next), correct, total)
		return
	}
	w.gen.count(hyp, w.one[:], maxN, correct, total)
}

func (w *textWorker) score(p Pair, it *TextItem, st *BLEUStats, nc *nltkCounts) error {
	o := w.o
	it.ID = p.ID
	var packed bool
	w.hyp, w.ref, packed = w.tokens(p, o.SacreBLEU.Lowercase, o.SacreBLEU.Tokenize, w.hyp, w.ref)
	st.SysLen, st.RefLen = len(w.hyp), len(w.ref)
	clear(st.Correct)
	clear(st.Total)
	w.count(w.hyp, w.ref, packed, w.maxN, st.Correct, st.Total)
	it.SacreBLEU = o.SacreBLEU.computeInto(it.SacreBLEU, *st, o.SacreBLEU.effective(true))

	nh, nr := w.hyp, w.ref
	clear(nc.num)
	clear(nc.den)
	if w.shared && w.nMax == w.maxN {
		copy(nc.num, st.Correct)
		copy(nc.den, st.Total)
	} else {
		if !w.shared {
			// NLTK's "whitespace" is str.split() of the raw text; its "13a"
			// here differs from sacrebleu's only in case or tokenizer.
			w.nh, w.nr, packed = w.tokens(p, o.NLTK.Lowercase, o.NLTK.Tokenize, w.nh, w.nr)
			nh, nr = w.nh, w.nr
		}
		w.count(nh, nr, packed, w.nMax, nc.num, nc.den)
	}
	for i := range nc.den {
		nc.den[i] = max(1, nc.den[i])
	}
	nc.hypLen, nc.refLen = len(nh), len(nr)
	var err error
	w.one[0] = nr
	it.NLTKBLEU, err = o.NLTK.score(*nc, nh, w.one[:])

	it.ROUGE = w.rouge.score(p.Reference, p.Hypothesis, o.ROUGE.Stem)
	return err
}
