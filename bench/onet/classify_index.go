package onet

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// field is where a title string of the index comes from; it sets how much
// a match on it counts.
type field uint8

const (
	fieldTitle     field = iota // the occupation's O*NET title, or it reordered ("Restaurant Cooks")
	fieldCommon                 // lexicon/common_titles.tsv
	fieldShown                  // a reported title shown in My Next Move
	fieldReported               // another reported title
	fieldAlternate              // an alternate title
	fieldShort                  // a short title ("CEO")
	numFields
)

// fieldWeight: the occupation's own title and the hand-checked common
// titles count fully; a title incumbents reported (shown in My Next Move:
// O*NET found it typical) a little less; an alternate or short title,
// which O*NET lists for several occupations more often, less again.
var fieldWeight = [numFields]float32{1, 1, 0.98, 0.96, 0.95, 0.93}

// doc is one title string of the index.
type doc struct {
	occ   int32
	field field
	words []int32 // distinct word ids, stopwords left out
	norm  float32 // length of the weighted word vector
	head  int32   // the head noun's word id, or -1
	// weight is the field's weight, lowered for the titles of a residual
	// "All Other" occupation: coders use those only when nothing specific
	// fits, and its own title reduces to a bare noun ("Cooks, All Other").
	weight float32
}

// residualWeight scales the title of an "All Other" occupation.
const residualWeight = 0.9

// posting is a doc holding a word, with the word's weight in that doc.
type posting struct {
	doc int32
	w   float32
}

// classifier is the index behind Classify, built once per taxonomy.
type classifier struct {
	t      *Taxonomy
	abbrev map[string][]string
	vocab  map[string]int32 // singular word → id
	words  []string         // id → word
	idf    []float32
	docs   []doc
	post   [][]posting        // word id → docs holding it
	exact  map[string][]int32 // singular key of a title string → its docs
	prior  []float32          // per occupation, 0–1: how common it is
	heads  []int32            // per occupation, the head noun of its title (word id)
	notOcc map[string]bool    // folded texts that are not an occupation
	// employers maps a folded employer name to its kind of business, roles
	// a (kind, folded generic role) to the occupation it means.
	employers map[string]string
	roles     map[[2]string]int32
	desc      []map[int32]bool   // per occupation, the known words of its title and description
	grams     map[string][]int32 // character trigram → word ids, for typos
	maxIDF    float32
	scratch   sync.Pool // *scores
}

// headBoost multiplies the weight of a title's head noun ("nurse" in "staff
// nurse", "director" in "director of nursing"): the head says what the
// occupation is, modifiers only which one.
const headBoost = 2

func (t *Taxonomy) classifier() *classifier {
	t.classOnce.Do(func() {
		c, err := buildClassifier(t)
		if err != nil {
			panic(err) // the lexicon is embedded and tested
		}
		t.class = c
	})
	return t.class
}

func buildClassifier(t *Taxonomy) (*classifier, error) {
	abbrev, err := parseAbbreviations(abbreviationsTSV)
	if err != nil {
		return nil, err
	}
	c := &classifier{t: t, abbrev: abbrev, vocab: map[string]int32{}, exact: map[string][]int32{}, notOcc: map[string]bool{}}
	if err := eachLexiconRow(notOccupationsTSV, "not_occupations.tsv", 1, func(f []string) {
		c.notOcc[string(fold(nil, f[0]))] = true
	}); err != nil {
		return nil, err
	}
	if err := c.loadEmployers(t); err != nil {
		return nil, err
	}
	type entry struct {
		occ   int32
		field field
		text  string
	}
	var entries []entry
	// The hand-checked common titles first: a title string counts once per
	// occupation, in the first field that lists it.
	err = eachLexiconRow(commonTitlesTSV, "common_titles.tsv", 2, func(f []string) {
		if i, ok := t.index[f[1]]; ok {
			entries = append(entries, entry{i, fieldCommon, f[0]})
		} else {
			err = errorf("lexicon/common_titles.tsv", 0, "%q: code %s is not an occupation", f[0], f[1])
		}
	})
	if err != nil {
		return nil, err
	}
	for i, o := range t.occ {
		entries = append(entries, entry{int32(i), fieldTitle, o.Title})
		if s := reorderTitle(o.Title); s != "" {
			entries = append(entries, entry{int32(i), fieldTitle, s})
		}
		for k, s := range t.reported[i] {
			f := fieldReported
			if t.shown[i][k] {
				f = fieldShown
			}
			entries = append(entries, entry{int32(i), f, s})
		}
		for _, s := range t.alternate[i] {
			entries = append(entries, entry{int32(i), fieldAlternate, s})
		}
		for _, s := range t.short[i] {
			entries = append(entries, entry{int32(i), fieldShort, s})
		}
	}
	// Count document frequencies over distinct (occupation, key) pairs, so
	// an occupation listing one title three ways does not make it common.
	seen := map[string]bool{}
	df := map[string]int{}
	type keyed struct {
		entry
		key  string
		head string
	}
	var ks []keyed
	for _, e := range entries {
		words := singularWords(e.text)
		if len(words) == 0 {
			continue
		}
		key := strings.Join(words, " ")
		id := strconv.Itoa(int(e.occ)) + "\x00" + key
		if seen[id] {
			continue
		}
		seen[id] = true
		ks = append(ks, keyed{e, key, headWord(e.text)})
		for _, w := range dedupe(content(words)) {
			df[w]++
		}
	}
	// Word ids in sorted order keep the build deterministic.
	vocab := make([]string, 0, len(df))
	for w := range df {
		vocab = append(vocab, w)
	}
	sort.Strings(vocab)
	c.words = vocab
	c.idf = make([]float32, len(vocab))
	n := float64(len(ks))
	for i, w := range vocab {
		c.vocab[w] = int32(i)
		c.idf[i] = float32(math.Log(1 + (n-float64(df[w])+0.5)/(float64(df[w])+0.5)))
		c.maxIDF = max(c.maxIDF, c.idf[i])
	}
	c.post = make([][]posting, len(vocab))
	for _, k := range ks {
		d := doc{occ: k.occ, field: k.field, head: -1, weight: fieldWeight[k.field]}
		if strings.HasSuffix(t.occ[k.occ].Title, "All Other") {
			d.weight *= residualWeight
		}
		if h, ok := c.vocab[k.head]; ok {
			d.head = h
		}
		for _, w := range dedupe(content(strings.Fields(k.key))) {
			d.words = append(d.words, c.vocab[w])
		}
		d.norm = c.norm(d.words, d.head)
		id := int32(len(c.docs))
		c.docs = append(c.docs, d)
		for _, w := range d.words {
			c.post[w] = append(c.post[w], posting{id, c.weight(w, d.head)})
		}
		c.exact[k.key] = append(c.exact[k.key], id)
	}
	if c.prior, err = occupationPrior(t); err != nil {
		return nil, err
	}
	c.desc = make([]map[int32]bool, len(t.occ))
	for i, o := range t.occ {
		c.desc[i] = map[int32]bool{}
		for _, w := range singularWords(o.Title + " " + o.Description) {
			if id, ok := c.vocab[w]; ok {
				c.desc[i][id] = true
			}
		}
	}
	c.heads = make([]int32, len(t.occ))
	for i, o := range t.occ {
		c.heads[i] = -1
		if h, ok := c.vocab[headWord(o.Title)]; ok {
			c.heads[i] = h
		}
	}

	c.grams = map[string][]int32{}
	for id, w := range c.words {
		for _, g := range trigrams(w) {
			c.grams[g] = append(c.grams[g], int32(id))
		}
	}
	c.scratch.New = func() any {
		return &scores{v: make([]float32, len(c.docs)), occ: make([]hit, len(t.occ)), has: make([]bool, len(t.occ))}
	}
	return c, nil
}

// weight is a word's weight in a title vector.
func (c *classifier) weight(w, head int32) float32 {
	if w == head {
		return headBoost * c.idf[w]
	}
	return c.idf[w]
}

func (c *classifier) norm(words []int32, head int32) float32 {
	var s float32
	for _, w := range words {
		x := c.weight(w, head)
		s += x * x
	}
	return float32(math.Sqrt(float64(s)))
}

// reorderTitle writes an O*NET title the way people write it: an inverted
// title reordered ("Cooks, Restaurant" → "Restaurant Cooks"), an "Except"
// clause dropped ("Kindergarten Teachers, Except Special Education" →
// "Kindergarten Teachers"); "" for titles without such a comma, for "All
// Other" titles and for lists.
func reorderTitle(title string) string {
	head, tail, ok := strings.Cut(title, ", ")
	switch {
	case !ok || strings.HasPrefix(tail, "All Other"):
		return ""
	case strings.HasPrefix(tail, "Except"):
		return head
	case strings.Contains(tail, ","):
		return ""
	}
	return tail + " " + head
}

// headWord returns the singular head noun of a title: the last word before
// a comma or a preposition ("Directors of Nursing" → "director").
func headWord(title string) string {
	s, _, _ := strings.Cut(title, ",")
	s, _, _ = strings.Cut(s, "(")
	words := singularWords(s)
	for i, w := range words {
		if i > 0 && (w == "of" || w == "for" || w == "in" || w == "at" || w == "to" || w == "with") {
			words = words[:i]
			break
		}
	}
	for i := len(words) - 1; i >= 0; i-- {
		if !stopwords[words[i]] {
			return words[i]
		}
	}
	return ""
}

// singularWords folds s and makes each word singular.
func singularWords(s string) []string {
	return strings.Fields(string(singular(nil, fold(nil, s))))
}

// content drops stopwords.
func content(words []string) []string {
	var out []string
	for _, w := range words {
		if !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

func dedupe(words []string) []string {
	var out []string
	for i, w := range words {
		dup := false
		for _, v := range words[:i] {
			dup = dup || v == w
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}

// occupationPrior says how common each occupation is, 0–1: from
// lexicon/employment.tsv (rough US employment) where listed, else from
// what O*NET gives — how many occupations list it as related (people move
// into common occupations from many others) and how many alternate titles
// it has (common occupations are named in many ways) — scaled below the
// listed ones, which are the common occupations.
func occupationPrior(t *Taxonomy) ([]float32, error) {
	indeg := make([]int, len(t.occ))
	for _, list := range t.related {
		for _, r := range list {
			if i, ok := t.index[r.Code]; ok {
				indeg[i]++
			}
		}
	}
	p := make([]float32, len(t.occ))
	var top float32
	for i := range p {
		p[i] = float32(math.Log1p(float64(indeg[i])) + 0.5*math.Log1p(float64(len(t.alternate[i]))))
		top = max(top, p[i])
	}
	for i := range p {
		p[i] = 0.5 * p[i] / top
	}
	var err error
	perr := eachLexiconRow(employmentTSV, "employment.tsv", 2, func(f []string) {
		i, ok := t.index[f[0]]
		n, nerr := strconv.ParseFloat(f[1], 64)
		if !ok || nerr != nil || n < 1 {
			err = fmt.Errorf("onet: lexicon/employment.tsv: %q %q: want an occupation code and thousands of workers", f[0], f[1])
			return
		}
		// 1,000 workers → 0.5, 10 million → 1.
		p[i] = float32(0.5 + 0.5*math.Log10(n)/4)
	})
	if perr != nil {
		return nil, perr
	}
	return p, err
}

// trigrams returns the character trigrams of a word padded with spaces.
func trigrams(w string) []string {
	s := " " + w + " "
	var out []string
	for i := 0; i+3 <= len(s); i++ {
		out = append(out, s[i:i+3])
	}
	return out
}

// loadEmployers reads lexicon/employers.tsv and employer_roles.tsv.
func (c *classifier) loadEmployers(t *Taxonomy) error {
	c.employers, c.roles = map[string]string{}, map[[2]string]int32{}
	err := eachLexiconRow(employersTSV, "employers.tsv", 2, func(f []string) {
		c.employers[string(fold(nil, f[0]))] = f[1]
	})
	if err != nil {
		return err
	}
	var bad error
	err = eachLexiconRow(employerRolesTSV, "employer_roles.tsv", 3, func(f []string) {
		i, ok := t.index[f[2]]
		if !ok {
			bad = fmt.Errorf("onet: lexicon/employer_roles.tsv: %q %q: %s is not an occupation", f[0], f[1], f[2])
		}
		c.roles[[2]string{f[0], string(fold(nil, f[1]))}] = i
	})
	if err != nil {
		return err
	}
	return bad
}
