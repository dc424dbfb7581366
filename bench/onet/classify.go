package onet

import (
	"math"
	"slices"
	"strings"
)

// Candidate is an occupation a text may name, with the classifier's score.
type Candidate struct {
	Code  string  `json:"code"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// Classification is what Classify makes of a text: the occupation (Code
// and Title, empty when the text is unclassified), how it was found, how
// sure the classifier is (0–1), and the best candidates.
type Classification struct {
	Code       string
	Title      string
	Score      float64
	Method     Method
	Candidates []Candidate
}

// OK reports whether the text was classified.
func (c Classification) OK() bool { return c.Code != "" }

// ClassifyOptions tune Classify; the zero value gives the defaults.
type ClassifyOptions struct {
	Top      int     // candidates to return; 0 means 5
	MinScore float64 // a best score below it leaves the text unclassified; 0 means DefaultMinScore
}

// DefaultMinScore is the score below which a text is "unclassified"
// rather than forced onto an occupation.
const DefaultMinScore = 0.5

// Classify maps free text — a resume's job title or a model's answer —
// onto ranked O*NET-SOC 2019 occupations. It reads the text several ways
// (see readings: the whole text, the part before an employer or place,
// abbreviations expanded, seniority words dropped) and scores every
// occupation by its best match over those readings and over the
// occupation's title strings (its title, reported, alternate and short
// titles, and lexicon/common_titles.tsv):
//
//  1. exact: the trimmed text is an O*NET title (score 1);
//  2. normalised: the folded, singular text is an O*NET title (score 1);
//  3. code: the text holds an O*NET-SOC code (score 1);
//  4. alias: a cleaned reading equals one of the occupation's title strings
//     (score: the string's field weight times the reading's weight);
//  5. classified: otherwise, the TF-IDF cosine between a reading and a
//     title string, the head noun weighted double and a word one or two
//     letters off corrected, times the same weights.
//
// Occupations sharing a title ("Teacher" is an alternate title of 24) are
// ranked by how common each is (occupationPrior), never by code. A best
// score under MinScore leaves the text unclassified, with its candidates;
// so does a text of lexicon/not_occupations.tsv ("Career Break",
// "Volunteer"), without candidates.
func (t *Taxonomy) Classify(text string, o ClassifyOptions) Classification {
	if o.Top <= 0 {
		o.Top = 5
	}
	if o.MinScore <= 0 {
		o.MinScore = DefaultMinScore
	}
	c := t.classifier()
	if c.notOcc[string(fold(nil, stripMarkup(text)))] {
		return Classification{}
	}
	best := c.score(text, nil)
	defer c.scratch.Put(best)
	c.scanSentence(best, text)
	c.employerRole(best, text)
	if i, m, ok := t.ladder(text); ok {
		best.set(hit{occ: i, score: 2, method: m, head: true, q: -1}) // replaces the hit it had
		best.occ[i].score, best.best = 1, 1
	}
	top, ties := best.ranked(c, o.Top)
	out := Classification{}
	for _, h := range top {
		occ := t.occ[h.occ]
		out.Candidates = append(out.Candidates, Candidate{Code: occ.Code, Title: occ.Title, Score: round4(h.score)})
	}
	if len(top) == 0 {
		return out
	}
	// How sure: the best match, discounted when others match as well
	// ("Teacher" fits nine occupations equally).
	out.Score = round4(top[0].score / (1 + 0.15*float32(math.Log(float64(ties)))))
	if out.Score >= o.MinScore {
		h := top[0]
		out.Code, out.Title, out.Method = t.occ[h.occ].Code, t.occ[h.occ].Title, h.method
	}
	return out
}

// tieMargin is how close to the best score another occupation must come
// to count as matching as well.
const tieMargin = 0.005

// ladder applies the rules that make a text certain: the exact title, the
// folded title and a code in the text.
func (t *Taxonomy) ladder(text string) (int32, Method, bool) {
	text = strings.TrimSpace(text)
	if i, ok := t.byTitle[text]; ok {
		return i, MethodExact, true
	}
	if i, ok := t.foldedTitle(text); ok {
		return i, MethodFolded, true
	}
	if i, ok := t.codeInText(text); ok {
		return i, MethodCode, true
	}
	return 0, MethodNone, false
}

func round4(x float32) float64 { return math.Round(float64(x)*1e4) / 1e4 }

// hit is one occupation's best score, how it was reached, whether the
// head noun of the reading that reached it is the head of the
// occupation's title, and that reading (an index into scores.queries; -1
// for none).
type hit struct {
	occ    int32
	score  float32
	method Method
	head   bool
	q      int
}

// scores holds each occupation's best score for one text; the per-doc
// accumulator is reused across texts.
type scores struct {
	v       []float32 // per doc: the dot product of the current reading
	touched []int32
	occ     []hit   // per occupation; valid where has is set
	has     []bool  // per occupation
	hits    []int32 // the occupations with a hit
	queries []query
	best    float32 // the best score so far
}

func (s *scores) reset() {
	for _, o := range s.hits {
		s.has[o] = false
	}
	s.hits, s.queries, s.best = s.hits[:0], s.queries[:0], 0
}

// floorShare: a match scoring under this share of the best so far is
// noise, not a candidate.
const floorShare = 0.5

func (s *scores) floor() float32 { return floorShare * s.best }

func (s *scores) set(h hit) {
	s.best = max(s.best, h.score)
	if !s.has[h.occ] {
		s.has[h.occ] = true
		s.hits = append(s.hits, h.occ)
		s.occ[h.occ] = h
		return
	}
	if old := &s.occ[h.occ]; h.score > old.score || h.score == old.score && h.head && !old.head {
		*old = h
	}
}

// ranked returns the top n occupations: by score, nudged towards
// occupations whose title has the text's head noun ("Physician": Family
// Medicine Physicians before Pediatric Surgeons), whose description holds
// the text's other words, and that are common; then by code. ties counts
// the occupations within tieMargin of the best score.
func (s *scores) ranked(c *classifier, n int) (top []hit, ties int) {
	type ranked struct {
		hit
		rank float32
	}
	hits := make([]ranked, 0, len(s.hits))
	var best, bestRank float32
	for _, o := range s.hits {
		h := s.occ[o]
		if h.score < s.floor() {
			continue
		}
		r := h.score * (0.96 + 0.06*c.prior[h.occ])
		if h.head {
			r += 0.02 * h.score
		}
		if h.q < 0 {
			r = 2 // an exact title or a code: certain
		}
		hits = append(hits, ranked{h, r})
		best, bestRank = max(best, h.score), max(bestRank, r)
	}
	// The description can add up to descShare of a score: look at it only
	// where that could change the order at the top.
	for i := range hits {
		h := &hits[i]
		if h.q >= 0 && h.rank+descShare*h.score >= bestRank {
			h.rank += descShare * h.score * max(c.descOverlap(h.occ, s.queries[h.q]), c.descOverlap(h.occ, s.queries[0]))
		}
	}
	slices.SortFunc(hits, func(a, b ranked) int {
		switch {
		case a.rank > b.rank:
			return -1
		case a.rank < b.rank:
			return 1
		}
		return int(a.occ - b.occ)
	})
	for _, h := range hits {
		if h.score >= best-tieMargin {
			ties++
		}
	}
	for _, h := range hits[:min(n, len(hits))] {
		top = append(top, h.hit)
	}
	return top, ties
}

// descShare is how much of a score the description overlap can add to the
// rank.
const descShare = 0.04

// descOverlap is the share of a query's known words (idf-weighted) that
// occupation occ's title and description hold.
func (c *classifier) descOverlap(occ int32, q query) float32 {
	if q.total == 0 {
		return 0
	}
	var in float32
	for _, w := range q.words {
		if c.desc[occ][w.id] {
			in += c.idf[w.id]
		}
	}
	return in / q.total
}

// score scores every occupation that any reading of text matches. skip,
// when not nil, leaves docs out (the leave-one-out evaluation). The caller
// returns the result to c.scratch.
func (c *classifier) score(text string, skip func(int32) bool) *scores {
	s := c.scratch.Get().(*scores)
	s.reset()
	for _, r := range c.readings(text) {
		words := make([]string, len(r.words))
		for i, w := range r.words {
			words[i] = singularWord(w)
		}
		hw := queryHead(words)
		if r.head != "" && slices.Contains(words, r.head) {
			hw = r.head
		}
		head, _ := c.lookup(hw)
		qi := len(s.queries)
		s.queries = append(s.queries, c.query(words, head))
		for _, d := range c.exact[strings.Join(words, " ")] {
			if skip != nil && skip(d) {
				continue
			}
			doc := &c.docs[d]
			s.set(c.hit(s, doc, doc.weight*r.weight, MethodAlias, qi))
		}
		c.retrieve(s, qi, r.weight, skip)
	}
	return s
}

// sentenceWords is how many words make a text a sentence rather than a
// title: a model's answer that the parser could not cut down.
const sentenceWords = 6

// sentenceWeight is what an occupation named inside a sentence counts: a
// little less than the same words alone.
const sentenceWeight = 0.9

// scanSentence finds occupations named inside a sentence ("Since he has
// been an EMT, I believe he will move up to Paramedics."): the longest run
// of words that is a title string, the last one of that length, scored as
// an alias. Texts shorter than sentenceWords are titles and left alone.
func (c *classifier) scanSentence(s *scores, text string) {
	words := strings.Fields(string(singular(nil, fold(nil, stripMarkup(text)))))
	if len(words) < sentenceWords {
		return
	}
	var best []int32
	bestLen := 0
	for n := min(10, len(words)); n >= 1 && best == nil; n-- {
		for i := len(words) - n; i >= 0; i-- {
			gram := words[i : i+n]
			// A lone word of a sentence is a title only when it is a real
			// word: not a stopword or a rank, not an acronym ("do" is a
			// short title of physicians).
			if n == 1 && (len(gram[0]) < 4 || stopwords[gram[0]] || seniority[gram[0]]) {
				continue
			}
			ds, ok := c.exact[strings.Join(gram, " ")]
			if ok && n == 1 {
				ds = slices.DeleteFunc(slices.Clone(ds), func(d int32) bool { return c.docs[d].field == fieldShort })
				ok = len(ds) > 0
			}
			if ok {
				best, bestLen = ds, n
				break
			}
		}
	}
	if best == nil {
		return
	}
	qi := len(s.queries)
	s.queries = append(s.queries, c.query(words[:bestLen], -1))
	for _, d := range best {
		doc := &c.docs[d]
		s.set(c.hit(s, doc, doc.weight*sentenceWeight, MethodAlias, qi))
	}
}

// employerWeight is what a generic role at a known employer counts.
const employerWeight = 0.96

// employerRole reads a generic role at a known employer ("Walmart
// Associate", "Uber Driver", "Team Member - Chick-fil-A"): the text holds
// an employer of lexicon/employers.tsv and, apart from it, rank words and
// stopwords, only a role that lexicon/employer_roles.tsv gives for that
// kind of business.
func (c *classifier) employerRole(s *scores, text string) {
	words := strings.Fields(string(fold(nil, stripMarkup(text))))
	for n := min(3, len(words)); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			sector, ok := c.employers[strings.Join(words[i:i+n], " ")]
			if !ok {
				continue
			}
			var role []string
			for _, w := range append(append([]string(nil), words[:i]...), words[i+n:]...) {
				if !stopwords[w] && !rank[w] {
					role = append(role, w)
				}
			}
			occ, ok := c.roles[[2]string{sector, strings.Join(role, " ")}]
			if !ok {
				return
			}
			qi := len(s.queries)
			s.queries = append(s.queries, c.query(role, -1))
			d := doc{occ: occ, field: fieldCommon, weight: employerWeight}
			s.set(c.hit(s, &d, employerWeight, MethodAlias, qi))
			return
		}
	}
}

// unknownShare is the weight in the query vector, as a share of the
// largest idf, of a word the index does not know: it lowers the score of a
// match (the word may name something else) without ruling it out.
const unknownShare = 0.5

// rankShare scales the weight of a word of rank or status in a query:
// "intern" in "Marketing Intern" must not pull towards medical interns.
const rankShare = 0.25

// qword is a word of a query vector.
type qword struct {
	id int32
	w  float32
}

// query is one reading as a weighted word vector.
type query struct {
	words []qword
	norm  float32
	head  int32
	total float32 // the sum of the known words' idf, for description overlap
}

// query builds the vector of a reading: idf weights, the head noun
// boosted, words of rank damped, typos corrected at a cost; unknown words
// add to the length only.
func (c *classifier) query(words []string, head int32) query {
	q := query{head: head}
	var norm2 float32
	for _, w := range dedupe(content(words)) {
		id, typo := c.lookup(w)
		if id < 0 {
			u := unknownShare * c.maxIDF
			norm2 += u * u
			continue
		}
		x := c.idf[id]
		switch {
		case id == head:
			x *= headBoost
		case rank[w]:
			x *= rankShare
		}
		if typo {
			x *= 0.8
		}
		q.words = append(q.words, qword{id, x})
		q.total += c.idf[id]
		norm2 += x * x
	}
	q.norm = float32(math.Sqrt(float64(norm2)))
	return q
}

// hit makes the hit of a doc matched by query qi with the given score.
func (c *classifier) hit(s *scores, d *doc, score float32, m Method, qi int) hit {
	head := s.queries[qi].head
	return hit{occ: d.occ, score: score, method: m, head: head >= 0 && c.heads[d.occ] == head, q: qi}
}

// retrieve adds the cosine matches of one reading.
func (c *classifier) retrieve(s *scores, qi int, weight float32, skip func(int32) bool) {
	q := s.queries[qi]
	if len(q.words) == 0 {
		return
	}
	s.touched = s.touched[:0]
	for _, qw := range q.words {
		for _, p := range c.post[qw.id] {
			if s.v[p.doc] == 0 {
				s.touched = append(s.touched, p.doc)
			}
			s.v[p.doc] += qw.w * p.w
		}
	}
	for _, d := range s.touched {
		dot := s.v[d]
		s.v[d] = 0
		doc := &c.docs[d]
		cos := dot / (q.norm * doc.norm)
		score := min(cos, 1) * doc.weight * weight
		if score < s.floor() || skip != nil && skip(d) {
			continue
		}
		// The same words as a title string, in another order or with
		// other stopwords, is that title.
		m := MethodClassified
		if cos >= 0.9999 {
			m = MethodAlias
		}
		s.set(c.hit(s, doc, score, m, qi))
	}
}

// queryHead is the head noun of a reading: its last content word before a
// preposition.
func queryHead(words []string) string {
	for i, w := range words {
		if i > 0 && (w == "of" || w == "for" || w == "in" || w == "at" || w == "to" || w == "with") {
			words = words[:i]
			break
		}
	}
	for i := len(words) - 1; i >= 0; i-- {
		if w := words[i]; !stopwords[w] && (!rank[w] || i == 0) {
			return w
		}
	}
	return ""
}

// lookup returns a word's id, correcting a typo of one letter (two in
// words of eight letters or more) after the first, in words of five
// letters or more, to the closest word; -1 when the index has no such
// word.
func (c *classifier) lookup(w string) (id int32, typo bool) {
	if id, ok := c.vocab[w]; ok {
		return id, false
	}
	// Short words and first letters are rarely mistyped; guessing there
	// turns noise into words.
	if len(w) < 5 || isDigit(w[0]) {
		return -1, false
	}
	maxDist := 1
	if len(w) >= 8 {
		maxDist = 2
	}
	// The closest word wins; among equally close ones a letter dropped or
	// doubled (the commonest slip: "payrol") before a letter swapped, then
	// the more frequent word.
	type cand struct {
		id         int32
		dist, kind int
		df         int
	}
	best := cand{id: -1}
	better := func(a, b cand) bool {
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.df != b.df {
			return a.df > b.df
		}
		return a.id < b.id
	}
	seen := map[int32]bool{}
	for _, g := range trigrams(w) {
		for _, id := range c.grams[g] {
			if seen[id] {
				continue
			}
			seen[id] = true
			v := c.words[id]
			if v[0] != w[0] || abs(len(v)-len(w)) > maxDist {
				continue
			}
			d := editDistance(v, w, maxDist)
			if d > maxDist {
				continue
			}
			k := 1
			if abs(len(v)-len(w)) == 1 {
				k = 0
			}
			if x := (cand{id, d, k, len(c.post[id])}); best.id < 0 || better(x, best) {
				best = x
			}
		}
	}
	return best.id, best.id >= 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Damerau–Levenshtein distance of a and b (adjacent
// swaps count one), or limit+1 once it is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// singularWord is one folded word made singular.
func singularWord(w string) string {
	return string(appendSingular(nil, []byte(w)))
}

// LeaveOneOut measures the classifier on O*NET's own alternate titles: each
// title (every step-th, for speed) is classified with that title string of
// that occupation removed from the index, and counted right when the
// occupation is first (top1) or among the first five (top5). Titles that
// other occupations share stay in the index, so ambiguous titles count as
// the coder would meet them.
func (t *Taxonomy) LeaveOneOut(step int) (n, top1, top5 int) {
	c := t.classifier()
	for i := range t.occ {
		for k, title := range t.alternate[i] {
			if (i+k)%step != 0 {
				continue
			}
			key := strings.Join(singularWords(title), " ")
			out := map[int32]bool{}
			for _, d := range c.exact[key] {
				if c.docs[d].occ == int32(i) {
					out[d] = true
				}
			}
			s := c.score(title, func(d int32) bool { return out[d] })
			top, _ := s.ranked(c, 5)
			c.scratch.Put(s)
			n++
			for r, h := range top {
				if h.occ == int32(i) {
					if r == 0 {
						top1++
					}
					top5++
				}
			}
		}
	}
	return n, top1, top5
}
