package metrics

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// RougeScoreVersion is the rouge-score release reproduced here.
const RougeScoreVersion = "0.1.2"

// ROUGEOptions are rouge_scorer.RougeScorer's settings. Summaries for
// rougeLsum are split on newlines (split_summaries=False).
type ROUGEOptions struct {
	Stem    bool // use_stemmer: NLTK's Porter stemmer on tokens longer than 3
	Version string
}

// DefaultROUGE is RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"]).
var DefaultROUGE = ROUGEOptions{Version: RougeScoreVersion}

// Signature names the settings, e.g.
// "case:lc|tok:rouge-score|stem:yes|lsum:newline|version:rouge-score-0.1.2".
func (o ROUGEOptions) Signature() string {
	v := o.Version
	if v == "" {
		v = RougeScoreVersion
	}
	stem := "no"
	if o.Stem {
		stem = "porter-nltk"
	}
	return "case:lc|tok:rouge-score|stem:" + stem + "|lsum:newline|version:rouge-score-" + v
}

// PRF is one ROUGE score.
type PRF struct {
	Precision, Recall, FMeasure float64
}

// ROUGEScore holds the four ROUGE variants of one pair.
type ROUGEScore struct {
	Rouge1, Rouge2, RougeL, RougeLsum PRF
}

// fmeasure is scoring.fmeasure.
func fmeasure(p, r float64) float64 {
	if p+r > 0 {
		return 2 * p * r / (p + r)
	}
	return 0
}

func prf(hits, predLen, targetLen int) PRF {
	p := float64(hits) / float64(max(predLen, 1))
	r := float64(hits) / float64(max(targetLen, 1))
	return PRF{p, r, fmeasure(p, r)}
}

// TokenizeROUGE is rouge-score's tokenize.tokenize: lowercase, everything
// outside [a-z0-9] becomes a separator, and with stem the tokens longer than
// three characters are Porter-stemmed.
func TokenizeROUGE(text string, stem bool) []string {
	var out []string
	rougeFields(text, nil, func(b []byte) {
		s := string(b)
		if stem && len(s) > 3 {
			s = Stem(s)
		}
		out = append(out, s)
	})
	return out
}

// rougeFields calls fn with each token of text before stemming. Python's
// str.lower() maps only two non-ASCII characters into [a-z0-9]: U+0130 to
// "i" plus a combining dot (a separator), and the Kelvin sign to "k".
func rougeFields(text string, buf []byte, fn func([]byte)) []byte {
	buf = buf[:0]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
				buf = append(buf, c)
				continue
			}
		} else {
			r, w := utf8.DecodeRuneInString(text[i:])
			i += w
			switch r {
			case 0x212a:
				buf = append(buf, 'k')
				continue
			case 0x130:
				buf = append(buf, 'i')
			}
		}
		if len(buf) > 0 {
			fn(buf)
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		fn(buf)
	}
	return buf
}

// Score is RougeScorer.score(target, prediction) for rouge1, rouge2, rougeL
// and rougeLsum. Note the order: the reference comes first.
func (o ROUGEOptions) Score(target, prediction string) ROUGEScore {
	return newRougeScratch().score(target, prediction, o.Stem)
}

// rougeScratch is one worker's reusable state: per-pair token ids, the stem
// cache (each word is stemmed once per worker), the n-gram table and the LCS
// bit vectors.
type rougeScratch struct {
	stems *stemCache
	loc   byteTable
	arena []byte
	t, p  []uint32
	pack  packTable
	gen   ngramTable
	lcs   lcsScratch
	one   [1][]uint32
}

func newRougeScratch() *rougeScratch {
	return &rougeScratch{stems: newStemCache()}
}

// alnum marks the ASCII letters and digits, which rouge-score keeps.
var alnum = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// ids appends the ids of text's tokens (stemmed when stem is set) to dst.
// Token bytes are copied in runs to the arena, which score sizes so that it
// never moves, and lowercased there.
func (s *rougeScratch) ids(text string, stem bool, dst []uint32) []uint32 {
	start := len(s.arena)
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if alnum[c] {
				j := i + 1
				for j < len(text) && text[j] < utf8.RuneSelf && alnum[text[j]] {
					j++
				}
				s.arena = append(s.arena, text[i:j]...)
				i = j
				continue
			}
			i++
		} else {
			// Python's str.lower() maps only two non-ASCII characters into
			// [a-z0-9]: U+0130 to "i" plus a combining dot (a separator),
			// and the Kelvin sign to "k".
			r, w := utf8.DecodeRuneInString(text[i:])
			i += w
			if r == 0x212a {
				s.arena = append(s.arena, 'k')
				continue
			}
			if r == 0x130 {
				s.arena = append(s.arena, 'i')
			}
		}
		if len(s.arena) > start {
			dst = s.emit(dst, start, stem)
			start = len(s.arena)
		}
	}
	if len(s.arena) > start {
		dst = s.emit(dst, start, stem)
	}
	return dst
}

// emit lowercases the token at s.arena[start:] and appends its id.
func (s *rougeScratch) emit(dst []uint32, start int, stem bool) []uint32 {
	tok := s.arena[start:len(s.arena):len(s.arena)]
	for k, c := range tok {
		if 'A' <= c && c <= 'Z' {
			tok[k] = c + 'a' - 'A'
		}
	}
	h := hashBytes(tok)
	if stem && len(tok) > 3 {
		return append(dst, s.stems.stemID(tok, h, &s.loc))
	}
	return append(dst, s.loc.id(tok, h))
}

func (s *rougeScratch) score(target, prediction string, stem bool) ROUGEScore {
	n := len(target) + len(prediction)
	if cap(s.arena) < 2*n+8 {
		s.arena = make([]byte, 0, 2*n+8)
	}
	s.arena = s.arena[:0]
	s.loc.reset(n/2 + 1)
	s.t = s.ids(target, stem, s.t[:0])
	s.p = s.ids(prediction, stem, s.p[:0])
	var res ROUGEScore
	var counts, totals [2]int
	s.one[0] = s.t
	if s.loc.next <= maxPackedID {
		s.pack.count(s.p, s.one[:], 2, int(s.loc.next), counts[:], totals[:])
	} else {
		s.gen.count(s.p, s.one[:], 2, counts[:], totals[:])
	}
	res.Rouge1 = prf(counts[0], len(s.p), len(s.t))
	res.Rouge2 = prf(counts[1], max(0, len(s.p)-1), max(0, len(s.t)-1))
	if len(s.t) > 0 && len(s.p) > 0 {
		res.RougeL = prf(s.lcs.length(s.t, s.p, int(s.loc.next)), len(s.p), len(s.t))
	}
	if strings.IndexByte(target, '\n') < 0 && strings.IndexByte(prediction, '\n') < 0 {
		// One sentence on each side: the union LCS is the LCS.
		res.RougeLsum = res.RougeL
	} else {
		res.RougeLsum = s.summaryLCS(target, prediction, stem)
	}
	return res
}

// sentences is get_sents: split on "\n", drop empty strings, tokenize. It
// runs after score's own tokenization, in the same id space.
func (s *rougeScratch) sentences(text string, stem bool) [][]uint32 {
	var out [][]uint32
	for _, line := range strings.Split(text, "\n") {
		if line != "" {
			out = append(out, s.ids(line, stem, nil))
		}
	}
	return out
}

// summaryLCS is _summary_level_lcs: union LCS per reference sentence, with
// hits capped by the remaining token counts on both sides.
func (s *rougeScratch) summaryLCS(target, prediction string, stem bool) PRF {
	refs := s.sentences(target, stem)
	cans := s.sentences(prediction, stem)
	if len(refs) == 0 || len(cans) == 0 {
		return PRF{}
	}
	m, n := 0, 0
	cntR := make([]int, s.loc.next)
	cntC := make([]int, s.loc.next)
	for _, r := range refs {
		m += len(r)
		for _, t := range r {
			cntR[t]++
		}
	}
	for _, c := range cans {
		n += len(c)
		for _, t := range c {
			cntC[t]++
		}
	}
	if m == 0 || n == 0 {
		return PRF{}
	}
	hits := 0
	for _, r := range refs {
		union := make([]bool, len(r))
		for _, c := range cans {
			for _, i := range lcsIndices(r, c) {
				union[i] = true
			}
		}
		for i, in := range union { // sorted(set().union(...)): ascending index order
			if !in {
				continue
			}
			t := r[i]
			if cntC[t] > 0 && cntR[t] > 0 {
				hits++
				cntC[t]--
				cntR[t]--
			}
		}
	}
	return prf(hits, n, m)
}

// lcsIndices is lcs_ind: the indices into ref of the LCS that rouge-score's
// _backtrack_norec reads out of the full DP table (its tie-breaking decides
// which LCS, and so which union).
func lcsIndices(ref, can []uint32) []int {
	rows, cols := len(ref), len(can)
	if rows == 0 || cols == 0 {
		return nil
	}
	w := cols + 1
	t := make([]int32, (rows+1)*w)
	for i := 1; i <= rows; i++ {
		for j := 1; j <= cols; j++ {
			if ref[i-1] == can[j-1] {
				t[i*w+j] = t[(i-1)*w+j-1] + 1
			} else {
				t[i*w+j] = max(t[(i-1)*w+j], t[i*w+j-1])
			}
		}
	}
	var out []int
	i, j := rows, cols
	for i > 0 && j > 0 {
		switch {
		case ref[i-1] == can[j-1]:
			out = append(out, i-1)
			i--
			j--
		case t[i*w+j-1] > t[(i-1)*w+j]:
			j--
		default:
			i--
		}
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// lcsScratch computes LCS lengths bit-parallel (Allison–Dix / Hyyrö): one
// machine word covers 64 positions of the shorter sequence, so a 250-token
// pair costs about a thousand word operations instead of 62,500 DP cells.
type lcsScratch struct {
	stamp []uint32 // per token id: epoch in which idx is valid
	idx   []int32  // per token id: its match mask
	epoch uint32
	masks []uint64
	v     []uint64
}

func (l *lcsScratch) length(a, b []uint32, vocab int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(b) == 0 {
		return 0
	}
	if len(l.stamp) < vocab {
		l.stamp = append(l.stamp, make([]uint32, vocab-len(l.stamp))...)
		l.idx = append(l.idx, make([]int32, vocab-len(l.idx))...)
	}
	l.epoch++
	if l.epoch == 0 {
		clear(l.stamp)
		l.epoch = 1
	}
	W := (len(b) + 63) / 64
	l.masks = l.masks[:0]
	for j, x := range b {
		if l.stamp[x] != l.epoch {
			l.stamp[x] = l.epoch
			l.idx[x] = int32(len(l.masks) / W)
			for k := 0; k < W; k++ {
				l.masks = append(l.masks, 0)
			}
		}
		l.masks[int(l.idx[x])*W+j/64] |= 1 << (j % 64)
	}
	l.v = l.v[:0]
	for k := 0; k < W; k++ {
		l.v = append(l.v, ^uint64(0))
	}
	v := l.v
	for _, x := range a {
		if l.stamp[x] != l.epoch {
			continue
		}
		m := l.masks[int(l.idx[x])*W : int(l.idx[x])*W+W]
		var carry uint64
		for k := range v {
			u := v[k] & m[k]
			sum, c := bits.Add64(v[k], u, carry)
			v[k] = sum | (v[k] &^ m[k])
			carry = c
		}
	}
	n := 0
	for _, w := range v {
		n += 64 - bits.OnesCount64(w) // bits past len(b) stay 1
	}
	return n
}
